// Ejecutar un script como subproceso, igual que en clase: el único lanzador de procesos
// (`EnMarcha`) y el único partidor de líneas (`lineasDe`) del proyecto. Lo usan la visita
// guiada (herramientas/demo.ts), la lectura de cabeceras (herramientas/cabeceras.ts), los tests
// y los benchmarks. Nada pasa por una shell de Unix y las rutas salen de URL, así que funciona
// igual en Linux, macOS y Windows.

import { fileURLToPath } from "node:url";

/**
 * La raíz del proyecto como ruta del sistema, terminada en separador (en Windows,
 * `C:\...\`): los scripts se ejecutan desde aquí, con rutas como las de su cabecera.
 */
export const raiz: string = fileURLToPath(new URL("..", import.meta.url));

export interface Resultado {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout partido en líneas, sin la última vacía. */
  lineas: string[];
}

/**
 * Parte un texto en sus líneas completas (sin el salto, `\n` o `\r\n`) y lo que queda tras el
 * último salto: una línea a medias, o "" si el texto acaba en salto de línea.
 */
function partir(texto: string): { lineas: string[]; resto: string } {
  const lineas = texto.split("\n").map((linea) => linea.replace(/\r$/, ""));
  return { lineas, resto: lineas.pop()! };
}

/** Las líneas de un texto, sin la vacía del final. */
export function lineasDe(texto: string): string[] {
  const { lineas, resto } = partir(texto);
  return resto === "" ? lineas : [...lineas, resto];
}

/** Cómo arrancar un proceso, además de sus argumentos. */
export interface Opciones {
  /**
   * El programa que se ejecuta con `args`: Deno si no se dice. Otro (`taskset`, `script`...)
   * recibe Deno en sus argumentos: `{ programa: "taskset" }` con
   * `["-c", "0", Deno.execPath(), "run", ...]`.
   */
  programa?: string;
  /** Carpeta desde la que se ejecuta (la raíz del proyecto si no se dice). */
  cwd?: string | URL;
  /** Texto que se le da por stdin, que después se cierra (como una tubería). */
  entrada?: string;
  /** Si sigue vivo pasado este tiempo, se le mata (SIGKILL) y `colgado` pasa a ser true. */
  limiteMs?: number;
  /** Variables de entorno además de `NO_COLOR=1` (`{ TERM: "dumb" }` en una terminal). */
  env?: Record<string, string>;
}

/**
 * Un script en marcha (un servidor, por ejemplo): `deno <args>` como subproceso. Su salida se
 * va leyendo sin parar, para que nunca se bloquee por tener la tubería llena, y se puede
 * esperar línea a línea. Sin `entrada`, stdin es "null" (como en CI) o "piped" si se pide.
 */
export class EnMarcha {
  readonly proceso: Deno.ChildProcess;
  readonly lineas: string[] = [];
  /** true si se le mató por pasar de `limiteMs`. */
  colgado = false;
  #limite?: ReturnType<typeof setTimeout>;
  #vivo = true;
  #texto = "";
  #leidas = 0;
  #terminado = false;
  #novedad = Promise.withResolvers<void>();
  #stdout: Promise<void>;
  #stderr: Promise<string>;

  constructor(args: string[], stdin: "piped" | "null" = "null", opciones: Opciones = {}) {
    const { programa = Deno.execPath(), cwd = raiz, entrada, limiteMs, env } = opciones;
    const proceso = new Deno.Command(programa, {
      args,
      cwd,
      env: { NO_COLOR: "1", ...env },
      stdin: entrada === undefined ? stdin : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.proceso = proceso;
    if (limiteMs !== undefined) this.limitar(limiteMs);
    proceso.status.finally(() => {
      this.#vivo = false;
      clearTimeout(this.#limite);
    });
    if (entrada !== undefined) {
      // Sin esperar: un proceso que no lee su entrada no debe bloquear a quien lo lanza.
      const escritor = proceso.stdin.getWriter();
      escritor.write(new TextEncoder().encode(entrada)).then(() => escritor.close()).catch(
        () => {}, // terminó sin leerla entera: no es un fallo de quien la envía
      );
    }
    this.#stdout = (async () => {
      let pendiente = "";
      for await (const trozo of proceso.stdout.pipeThrough(new TextDecoderStream())) {
        this.#texto += trozo;
        const { lineas, resto } = partir(trozo);
        if (lineas.length === 0) {
          pendiente += resto;
        } else {
          lineas[0] = pendiente + lineas[0];
          pendiente = resto;
          this.#anotar(lineas);
        }
        this.#avisar();
      }
      this.#terminado = true;
      this.#anotar(pendiente === "" ? [] : [pendiente]);
      this.#avisar();
    })();
    this.#stderr = new Response(proceso.stderr).text();
  }

  #anotar(lineas: string[]) {
    this.lineas.push(...lineas.map((linea) => linea.replace(/\r$/, "")));
  }

  /** Despierta a quien espera una línea o un texto: ha llegado algo (o el final). */
  #avisar() {
    this.#novedad.resolve();
    this.#novedad = Promise.withResolvers<void>();
  }

  /** Todo lo que ha escrito en stdout hasta ahora, tal cual (con una línea a medias al final). */
  get texto(): string {
    return this.#texto;
  }

  /** Espera a que su stdout contenga `texto` (aunque no acabe la línea); false si terminó antes. */
  async hastaTexto(texto: string): Promise<boolean> {
    while (!this.#texto.includes(texto)) {
      if (this.#terminado) return false;
      await this.#novedad.promise;
    }
    return true;
  }

  /** Desde ahora, si sigue vivo dentro de `ms`, se le mata (SIGKILL) y `colgado` es true. */
  limitar(ms: number): void {
    clearTimeout(this.#limite);
    if (!this.#vivo) return; // ya terminó: un plazo de más solo retendría al que espera
    this.#limite = setTimeout(() => {
      this.colgado = true;
      this.senal("SIGKILL");
    }, ms);
  }

  /** Le envía una señal si sigue vivo (si ya terminó, no hace nada). */
  senal(senal: Deno.Signal): void {
    try {
      this.proceso.kill(senal);
    } catch {
      // ya había terminado
    }
  }

  /** La siguiente línea de stdout; `null` si el proceso terminó sin escribir más. */
  async linea(): Promise<string | null> {
    while (this.#leidas >= this.lineas.length) {
      if (this.#terminado) return null;
      await this.#novedad.promise;
    }
    return this.lineas[this.#leidas++];
  }

  /** Espera a que haya escrito `n` líneas en total; false si terminó antes. */
  async hastaLineas(n: number): Promise<boolean> {
    while (this.lineas.length < n) {
      if (this.#terminado) return false;
      await this.#novedad.promise;
    }
    return true;
  }

  /** Espera a que termine y devuelve su código, toda su salida y su stderr. */
  async fin(): Promise<Resultado> {
    const [{ code }, , stderr] = await Promise.all([
      this.proceso.status,
      this.#stdout,
      this.#stderr,
    ]);
    return { code, stdout: this.#texto, stderr, lineas: this.lineas };
  }

  /**
   * Le envía una señal (si sigue vivo) y espera a que termine. En Windows cualquier señal lo
   * termina en seco (TerminateProcess): sus manejadores de SIGINT o SIGTERM no llegan a correr.
   */
  async parar(senal: Deno.Signal = "SIGTERM"): Promise<Resultado> {
    this.senal(senal);
    return await this.fin();
  }
}

/**
 * Ejecuta `deno <args>` desde la raíz del proyecto y espera a que termine. Con `entrada`,
 * se la da por stdin (y cierra stdin); sin ella, stdin no existe (como en CI).
 */
export function ejecutar(
  args: string[],
  entrada?: string,
  opciones: Opciones = {},
): Promise<Resultado> {
  return new EnMarcha(args, "null", { ...opciones, entrada }).fin();
}

/** El puerto de la primera línea de un servidor: "... escuchando en 127.0.0.1:<puerto>". */
export function puertoDe(linea: string | null | undefined): number | null {
  const port = linea?.match(/escuchando en 127\.0\.0\.1:(\d+)$/)?.[1];
  return port ? Number(port) : null;
}
