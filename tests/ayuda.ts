// Ayudas de los tests: lo que solo hace un test (un proceso en un solo núcleo, un servidor en
// un puerto libre, enviar y recibir bytes exactos). El lanzador de procesos es una herramienta,
// herramientas/procesos.ts; se reexporta aquí para que cada test importe de un solo sitio.

import { join } from "node:path";
import { copiarAParte, leerCabecera } from "../herramientas/cabeceras.ts";
import {
  ejecutar,
  EnMarcha,
  type Opciones,
  puertoDe,
  type Resultado,
} from "../herramientas/procesos.ts";

export {
  ejecutar,
  EnMarcha,
  lineasDe,
  type Opciones,
  puertoDe,
  raiz,
  type Resultado,
} from "../herramientas/procesos.ts";

/** `taskset` fija los núcleos de un proceso: solo existe en Linux. */
export const hayTaskset = Deno.build.os === "linux";

/**
 * `taskset -c 0 deno <args>`: el proceso entero, con sus workers, en el núcleo 0. Así se
 * prueba un portátil de un núcleo en una máquina de varios.
 */
export function ejecutarEnUnNucleo(args: string[], opciones: Opciones = {}): Promise<Resultado> {
  return ejecutar(["-c", "0", Deno.execPath(), ...args], undefined, {
    ...opciones,
    programa: "taskset",
  });
}

/** Ejecuta un script de threads/ con el único permiso que necesita: --allow-read. */
export function ejecutarThreads(script: string, ...args: string[]): Promise<Resultado> {
  return ejecutar(["run", "--allow-read", `threads/${script}`, ...args]);
}

/** La orden de un servidor de sockets/ en 127.0.0.1 y en `port` (0: el que elija el sistema). */
export function ordenServidor(script: string, port: number | string = 0): string[] {
  return ["run", "--allow-net", script, "--host", "127.0.0.1", "--port", String(port)];
}

/**
 * Arranca servidor.ts (u otro servidor con las mismas opciones: todos los de sockets/) en
 * 127.0.0.1 con un puerto que elige el sistema, espera su línea
 * "... escuchando en 127.0.0.1:<puerto>" y devuelve el puerto.
 */
export async function arrancarServidor(
  script = "sockets/servidor.ts",
): Promise<{ servidor: EnMarcha; port: number }> {
  const servidor = new EnMarcha(ordenServidor(script));
  const lista = await servidor.linea();
  const port = puertoDe(lista);
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

/**
 * Lo que vería un alumno que edita un ejemplo: copia `script` (con los módulos que importa) a
 * una carpeta vacía, cambia en él `de` por `a` (que debe estar, una vez) y lo ejecuta allí
 * con la orden de su cabecera y `args` detrás.
 */
export async function ejecutarEditado(
  script: string,
  de: string,
  a: string,
  ...args: string[]
): Promise<Resultado> {
  const carpeta = await copiarAParte(script);
  try {
    const ruta = join(carpeta, ...script.split("/"));
    const codigo = await Deno.readTextFile(ruta);
    if (codigo.split(de).length !== 2) throw new Error(`${script}: «${de}» no está una vez`);
    await Deno.writeTextFile(ruta, codigo.replace(de, a));
    const [, ...orden] = leerCabecera(script).ejecutar.split(/\s+/);
    return await ejecutar([...orden, ...args], undefined, { cwd: carpeta });
  } finally {
    await Deno.remove(carpeta, { recursive: true });
  }
}
