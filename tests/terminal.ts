// Una terminal de verdad para los tests: un script en marcha dentro de una pseudo-terminal,
// donde se teclea como una persona (Enter, Ctrl+D, Ctrl+C) y se lee lo que se vería. Con una
// tubería, un programa que deja una lectura del teclado pendiente termina igual; en una
// terminal se queda esperando otro Enter. Por eso estos tests teclean en una terminal.
//
// Usa `script` de util-linux (`script -qfec "exec <orden>" /dev/null`), que está en cualquier
// Linux, lanzado con `EnMarcha` como cualquier otro proceso: lo tecleado llega a la
// pseudo-terminal, cuyo sistema de líneas hace lo de siempre (Ctrl+D acaba la entrada, Ctrl+C
// envía SIGINT), y `-e` devuelve el código del programa. Solo Linux: los tests que la usan se
// saltan en otros sistemas (`ignore: !hayTerminal`).

import { EnMarcha } from "./ayuda.ts";

/** ¿Se puede abrir una pseudo-terminal aquí? (Linux con `script` de util-linux.) */
export const hayTerminal: boolean = Deno.build.os === "linux" && (() => {
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

/** Espera una promesa como mucho `ms`: su valor, o `undefined` si no llegó a tiempo. */
async function enPlazo<T>(promesa: Promise<T>, ms: number): Promise<T | undefined> {
  let reloj: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promesa,
      new Promise<undefined>((r) => reloj = setTimeout(() => r(undefined), Math.max(ms, 0))),
    ]);
  } finally {
    clearTimeout(reloj);
  }
}

/** `deno <args>` en marcha dentro de una pseudo-terminal, desde la raíz del proyecto. */
export class Terminal implements AsyncDisposable {
  readonly enMarcha: EnMarcha;
  #teclado: WritableStreamDefaultWriter<Uint8Array>;

  constructor(args: string[]) {
    // `exec`: el programa ocupa el sitio del shell de `script`. Sin él, con un shell que no lo
    // hace solo (dash, el /bin/sh de Debian, cuando no hay $SHELL), Ctrl+C mata al shell (130)
    // en vez de llegar solo al programa.
    const orden = "exec " + [Deno.execPath(), ...args]
      .map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(" ");
    this.enMarcha = new EnMarcha(["-qfec", orden, "/dev/null"], "piped", {
      programa: "script",
      env: { TERM: "dumb" },
    });
    this.#teclado = this.enMarcha.proceso.stdin.getWriter();
  }

  /** Todo lo que se ha visto en la terminal (el eco de lo tecleado incluido, con \r\n). */
  get salida(): string {
    return this.enMarcha.texto;
  }

  /** Espera a que la terminal muestre `texto` (falla si no aparece en `ms`). */
  async esperar(texto: string, ms = 10_000): Promise<void> {
    if (!await enPlazo(this.enMarcha.hastaTexto(texto), ms)) {
      throw new Error(`la terminal no mostró «${texto}»; mostró:\n${this.salida}`);
    }
  }

  /** Teclea `texto` (las teclas especiales, con ENTER, CTRL_C, CTRL_D). */
  async teclear(texto: string): Promise<void> {
    await this.#teclado.write(new TextEncoder().encode(texto));
  }

  /**
   * Espera a que el programa termine, como mucho `ms`: devuelve su código, o `null` si seguía
   * en marcha (se le termina al cerrar la terminal).
   */
  async fin(ms: number): Promise<number | null> {
    const estado = await enPlazo(this.enMarcha.proceso.status, ms);
    if (estado === undefined) return null;
    await this.enMarcha.fin(); // y toda su salida leída
    return estado.code;
  }

  /** Cierra todo: el proceso si sigue en marcha, y el teclado. */
  async [Symbol.asyncDispose]() {
    this.enMarcha.senal("SIGKILL");
    await this.#teclado.close().catch(() => {});
    await this.enMarcha.fin();
  }
}
