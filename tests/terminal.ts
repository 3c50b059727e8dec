// Una terminal de verdad para los tests: un script en marcha dentro de una pseudo-terminal,
// donde se teclea como una persona (Enter, Ctrl+D, Ctrl+C) y se lee lo que se vería.
//
// Usa `script` de util-linux (`script -qfec "<orden>" /dev/null`), que está en cualquier
// Linux: lo tecleado llega a la pseudo-terminal, cuyo sistema de líneas hace lo de siempre
// (Ctrl+D acaba la entrada, Ctrl+C envía SIGINT). Solo Linux: los tests que la usan se saltan
// en otros sistemas (`ignore: !hayTerminal`).

import { raiz } from "./ayuda.ts";

/** ¿Se puede abrir una pseudo-terminal aquí? (Linux con `script` de util-linux.) */
export const hayTerminal = Deno.build.os === "linux" && (() => {
  try {
    return new Deno.Command("script", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

/** Las teclas que no son letras. */
export const ENTER = "\r";
export const CTRL_C = "\x03";
export const CTRL_D = "\x04";

/** `deno <args>` en marcha dentro de una pseudo-terminal. */
export class Terminal implements AsyncDisposable {
  readonly proceso: Deno.ChildProcess;
  /** Todo lo que se ha visto en la terminal (con \r\n, como la envía la terminal). */
  salida = "";
  #escritor: WritableStreamDefaultWriter<Uint8Array>;
  #novedad = Promise.withResolvers<void>();
  #leida: Promise<void>;

  constructor(args: string[]) {
    const orden = [Deno.execPath(), ...args].map((arg) => `'${arg.replaceAll("'", "'\\''")}'`)
      .join(" ");
    const proceso = new Deno.Command("script", {
      args: ["-qfec", orden, "/dev/null"],
      cwd: raiz,
      env: { NO_COLOR: "1", TERM: "dumb" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.proceso = proceso;
    this.#escritor = proceso.stdin.getWriter();
    this.#leida = (async () => {
      for await (const trozo of proceso.stdout.pipeThrough(new TextDecoderStream())) {
        this.salida += trozo;
        this.#novedad.resolve();
        this.#novedad = Promise.withResolvers<void>();
      }
      this.#novedad.resolve();
    })();
    proceso.stderr.cancel();
  }

  /** Espera a que la terminal muestre `texto` (falla si no aparece en `ms`). */
  async esperar(texto: string, ms = 10_000): Promise<void> {
    const limite = Date.now() + ms;
    while (!this.salida.includes(texto)) {
      const quedan = limite - Date.now();
      let reloj: ReturnType<typeof setTimeout> | undefined;
      const aTiempo = await Promise.race([
        this.#novedad.promise.then(() => true),
        new Promise<boolean>((r) => reloj = setTimeout(() => r(false), Math.max(quedan, 0))),
      ]);
      clearTimeout(reloj);
      if (!aTiempo) throw new Error(`la terminal no mostró «${texto}»; mostró:\n${this.salida}`);
    }
  }

  /** Teclea `texto` (las teclas especiales, con ENTER, CTRL_C, CTRL_D). */
  async teclear(texto: string): Promise<void> {
    await this.#escritor.write(new TextEncoder().encode(texto));
  }

  /**
   * Espera a que el programa termine, como mucho `ms`: devuelve su código, o `null` si seguía
   * en marcha (y entonces lo termina).
   */
  async fin(ms: number): Promise<number | null> {
    let reloj: ReturnType<typeof setTimeout> | undefined;
    const estado = await Promise.race([
      this.proceso.status,
      new Promise<null>((r) => reloj = setTimeout(() => r(null), ms)),
    ]);
    clearTimeout(reloj);
    if (estado === null) return null;
    await this.#leida;
    return estado.code;
  }

  /** Cierra todo: el teclado, y el proceso si sigue en marcha. */
  async [Symbol.asyncDispose]() {
    try {
      this.proceso.kill("SIGKILL");
    } catch {
      // ya había terminado
    }
    await this.#escritor.close().catch(() => {});
    await this.proceso.status;
    await this.#leida;
  }
}
