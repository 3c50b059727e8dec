// Teclear en una terminal de verdad (un pseudo-terminal), como en clase: lo usan los tests de
// cliente_udp.ts y cliente_chat.ts. Con una tubería, un programa que deja una lectura del
// teclado pendiente termina igual; en una terminal se queda esperando otro Enter. Por eso
// estos tests escriben en una terminal: `script` (util-linux) crea el pseudo-terminal, le
// pasa lo que escribimos como si se tecleara y devuelve el código del programa (-e).

import { raiz } from "./ayuda.ts";

/** Hay `script` de util-linux (Linux, también en CI); si no, los tests de terminal se saltan. */
export const hayTerminal: boolean = Deno.build.os === "linux" && (() => {
  try {
    return new Deno.Command("script", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

/** Un programa en marcha dentro de un pseudo-terminal: se le teclea y se lee lo que muestra. */
export class EnLaTerminal {
  readonly proceso: Deno.ChildProcess;
  /** Todo lo que ha mostrado la terminal (el eco de lo tecleado incluido, con \r\n). */
  texto = "";
  #teclado: WritableStreamDefaultWriter<Uint8Array>;
  #novedad = Promise.withResolvers<void>();
  #leido: Promise<void>;

  /** `deno <args>` desde la raíz del proyecto; a los 10 s se le mata (ningún test se cuelga). */
  constructor(args: string[]) {
    const orden = [Deno.execPath(), ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`);
    const proceso = new Deno.Command("script", {
      args: ["-qfec", orden.join(" "), "/dev/null"],
      cwd: raiz,
      env: { NO_COLOR: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    this.proceso = proceso;
    const limite = setTimeout(() => proceso.kill("SIGKILL"), 10_000);
    proceso.status.finally(() => clearTimeout(limite));
    this.#teclado = proceso.stdin.getWriter();
    this.#leido = (async () => {
      for await (const trozo of proceso.stdout.pipeThrough(new TextDecoderStream())) {
        this.texto += trozo;
        this.#novedad.resolve();
        this.#novedad = Promise.withResolvers();
      }
      this.#novedad.resolve();
    })();
  }

  /** Espera a que la terminal muestre `texto` (false si el programa terminó sin mostrarlo). */
  async hasta(texto: string): Promise<boolean> {
    let terminado = false;
    this.#leido.then(() => terminado = true);
    while (!this.texto.includes(texto)) {
      if (terminado) return false;
      await Promise.race([this.#novedad.promise, this.#leido]);
    }
    return true;
  }

  /** Teclea: "hola\r" es escribir hola y pulsar Enter; "\x04" es Ctrl+D; "\x03", Ctrl+C. */
  async teclear(teclas: string): Promise<void> {
    await this.#teclado.write(new TextEncoder().encode(teclas));
  }

  /** La termina si sigue en marcha (SIGKILL) y espera a que acabe. */
  async parar(): Promise<void> {
    try {
      this.proceso.kill("SIGKILL");
    } catch {
      // ya había terminado
    }
    await this.fin(0);
  }

  /** Espera a que termine; devuelve su código y cuántos ms pasaron desde `desde`. */
  async fin(desde: number): Promise<{ code: number; ms: number }> {
    const { code } = await this.proceso.status;
    const ms = performance.now() - desde;
    await this.#teclado.close().catch(() => {});
    await this.#leido;
    return { code, ms };
  }
}
