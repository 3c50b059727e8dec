// Ayudas comunes de los tests: ejecutar un script como subproceso, igual que en clase.

/** La raíz del proyecto: los scripts se ejecutan desde aquí, con rutas como las de la cabecera. */
export const raiz = new URL("..", import.meta.url).pathname;

export interface Resultado {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout partido en líneas, sin la última vacía. */
  lineas: string[];
}

/** Las líneas de un texto, sin la vacía del final. */
export function lineasDe(texto: string): string[] {
  const lineas = texto.split("\n");
  if (lineas.at(-1) === "") lineas.pop();
  return lineas;
}

/**
 * Ejecuta `deno <args>` desde la raíz del proyecto y espera a que termine. Con `entrada`,
 * se la da por stdin (y cierra stdin); sin ella, stdin no existe (como en CI).
 */
export async function ejecutar(args: string[], entrada?: string): Promise<Resultado> {
  const proceso = new Deno.Command(Deno.execPath(), {
    args,
    cwd: raiz,
    env: { NO_COLOR: "1" },
    stdin: entrada === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (entrada !== undefined) {
    const escritor = proceso.stdin.getWriter();
    await escritor.write(new TextEncoder().encode(entrada));
    await escritor.close();
  }
  const { code, stdout, stderr } = await proceso.output();
  const salida = new TextDecoder().decode(stdout);
  return {
    code,
    stdout: salida,
    stderr: new TextDecoder().decode(stderr),
    lineas: lineasDe(salida),
  };
}

/** Ejecuta un script de threads/ con el único permiso que necesita: --allow-read. */
export function ejecutarThreads(script: string, ...args: string[]): Promise<Resultado> {
  return ejecutar(["run", "--allow-read", `threads/${script}`, ...args]);
}

/**
 * Un script en marcha (un servidor, por ejemplo): su salida se va leyendo sin parar, para
 * que nunca se bloquee por tener la tubería llena, y se puede esperar línea a línea.
 */
export class EnMarcha {
  readonly proceso: Deno.ChildProcess;
  readonly lineas: string[] = [];
  #leidas = 0;
  #terminado = false;
  #novedad = Promise.withResolvers<void>();
  #stdout: Promise<void>;
  #stderr: Promise<string>;

  constructor(args: string[], stdin: "piped" | "null" = "null") {
    const proceso = new Deno.Command(Deno.execPath(), {
      args,
      cwd: raiz,
      env: { NO_COLOR: "1" },
      stdin,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.proceso = proceso;
    this.#stdout = (async () => {
      let pendiente = "";
      for await (const trozo of proceso.stdout.pipeThrough(new TextDecoderStream())) {
        pendiente += trozo;
        const partes = pendiente.split("\n");
        pendiente = partes.pop()!;
        this.#anotar(partes);
      }
      this.#terminado = true;
      this.#anotar(pendiente === "" ? [] : [pendiente]);
    })();
    this.#stderr = new Response(proceso.stderr).text();
  }

  #anotar(lineas: string[]) {
    this.lineas.push(...lineas);
    this.#novedad.resolve();
    this.#novedad = Promise.withResolvers<void>();
  }

  /** La siguiente línea de stdout; `null` si el proceso terminó sin escribir más. */
  async linea(): Promise<string | null> {
    while (this.#leidas >= this.lineas.length) {
      if (this.#terminado) return null;
      await this.#novedad.promise;
    }
    return this.lineas[this.#leidas++];
  }

  /** Espera a que termine y devuelve su código, toda su salida y su stderr. */
  async fin(): Promise<Resultado> {
    const [{ code }, , stderr] = await Promise.all([
      this.proceso.status,
      this.#stdout,
      this.#stderr,
    ]);
    return { code, stdout: this.lineas.join("\n"), stderr, lineas: this.lineas };
  }

  /** Le envía una señal (si sigue vivo) y espera a que termine. */
  async parar(senal: Deno.Signal = "SIGTERM"): Promise<Resultado> {
    try {
      this.proceso.kill(senal);
    } catch {
      // ya había terminado
    }
    return await this.fin();
  }
}

/**
 * Arranca servidor.ts (u otro servidor con las mismas opciones) en 127.0.0.1 con un puerto
 * que elige el sistema, espera su línea "Servidor escuchando en ..." y devuelve el puerto.
 */
export async function arrancarServidor(
  script = "sockets/servidor.ts",
): Promise<{ servidor: EnMarcha; port: number }> {
  const servidor = new EnMarcha([
    "run",
    "--allow-net",
    script,
    "--host",
    "127.0.0.1",
    "--port",
    "0",
  ]);
  const lista = await servidor.linea();
  const port = Number(lista?.match(/^Servidor escuchando en 127\.0\.0\.1:(\d+)$/)?.[1]);
  if (!port) {
    const { stderr } = await servidor.parar();
    throw new Error(`el servidor no arrancó: ${lista} ${stderr}`);
  }
  return { servidor, port };
}

export const bytesDe = (texto: string): Uint8Array => new TextEncoder().encode(texto);

/** Envía todos los bytes por una conexión (una escritura puede enviar solo una parte). */
export async function enviar(conexion: Deno.Conn, bytes: Uint8Array | string): Promise<void> {
  const datos = typeof bytes === "string" ? bytesDe(bytes) : bytes;
  for (let enviados = 0; enviados < datos.length;) {
    enviados += await conexion.write(datos.subarray(enviados));
  }
}

/** Recibe exactamente `n` bytes; falla si la conexión se cierra antes. */
export async function recibir(conexion: Deno.Conn, n: number): Promise<Uint8Array> {
  const datos = new Uint8Array(n);
  for (let recibidos = 0; recibidos < n;) {
    const leidos = await conexion.read(datos.subarray(recibidos));
    if (leidos === null) throw new Error(`conexión cerrada tras ${recibidos} de ${n} bytes`);
    recibidos += leidos;
  }
  return datos;
}

/** Lee hasta que el otro extremo cierra y devuelve todo lo recibido (y cierra la conexión). */
export async function recibirHastaElFinal(conexion: Deno.Conn): Promise<Uint8Array> {
  return new Uint8Array(await new Response(conexion.readable).arrayBuffer());
}
