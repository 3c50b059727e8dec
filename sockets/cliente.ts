/**
 * Cliente: envía al servidor cada línea que escribes y muestra el eco que le devuelve.
 *
 * Como el de Python: pide un mensaje, envía sus bytes UTF-8 tal cual (sin añadir nada) y con
 * «cerrar» se despide. Además, tras cada mensaje espera el eco completo (tantos bytes como
 * envió) y lo muestra; así dos mensajes seguidos nunca llegan pegados al servidor.
 *
 * La entrada se lee como un flujo de líneas, así que funciona tecleando y también con una
 * tubería (`printf 'hola\ncerrar\n' | deno run ...`). Si la entrada se acaba (Ctrl+D) se
 * envía «cerrar», para que el servidor termine bien. Sin servidor, lo dice y sale con 1.
 *
 * Python -> Deno: socket() + connect() -> Deno.connect(); input() -> leer la siguiente línea
 * de Deno.stdin.readable; send() -> client.write() (repetido hasta enviarlo todo).
 *
 * Opciones: --host (por defecto localhost) y --port (por defecto 9999).
 *
 * @python Apartado 1 «Sockets», ejemplo de cliente: socket(), connect(("localhost", 9999)), input(), send(), close()
 * @ejecutar deno run --allow-net sockets/cliente.ts
 * @junto_a sockets/servidor.ts
 * @entrada
 *   hola
 *   cerrar
 * @salida
 *   Mensaje a enviar: hola
 *   El servidor responde: hola
 *   Mensaje a enviar: cerrar
 *   Taluego, servidor!
 */

import { leerOpciones, terminarConError } from "../opciones.ts";
import { enviarTodo } from "./servidor.ts";

/** Las líneas de un flujo de bytes, una a una, sin el \n (ni el \r de Windows). */
async function* leerLineas(flujo: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let pendiente = "";
  for await (const trozo of flujo.pipeThrough(new TextDecoderStream())) {
    pendiente += trozo;
    let fin;
    while ((fin = pendiente.indexOf("\n")) >= 0) {
      yield pendiente.slice(0, fin).replace(/\r$/, "");
      pendiente = pendiente.slice(fin + 1);
    }
  }
  if (pendiente !== "") yield pendiente.replace(/\r$/, "");
}

const lineas = leerLineas(Deno.stdin.readable);
const encoder = new TextEncoder();

/**
 * `input()` de Python: muestra el aviso y devuelve la línea siguiente, o `null` si la
 * entrada se ha acabado. Con una tubería nada se ve al teclear, así que repetimos la línea
 * leída: la salida queda igual que en la terminal.
 */
async function input(aviso: string): Promise<string | null> {
  await Deno.stdout.write(encoder.encode(aviso));
  const { done, value } = await lineas.next();
  if (done) return null;
  if (!Deno.stdin.isTerminal()) console.log(value);
  return value;
}

/**
 * `Deno.connect` con los fallos de siempre explicados. "localhost" puede ser 127.0.0.1
 * (IPv4) o ::1 (IPv6), y el servidor quizá escucha solo en una: probamos las dos.
 */
async function conectar(host: string, port: number): Promise<Deno.TcpConn> {
  const direcciones = host === "localhost" ? ["127.0.0.1", "::1"] : [host];
  for (const direccion of direcciones) {
    try {
      return await Deno.connect({ hostname: direccion, port });
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) {
        terminarConError(
          "Falta el permiso de red. Ejecuta: deno run --allow-net sockets/cliente.ts",
        );
      }
    }
  }
  terminarConError(
    `No se pudo conectar con ${host}:${port}. ¿Está el servidor en marcha? ` +
      "Arráncalo antes en otra terminal: deno run --allow-net sockets/servidor.ts",
  );
}

/** El servidor se fue a mitad de la conversación: no se puede seguir. */
function servidorCerrado(): never {
  terminarConError("El servidor ha cerrado la conexión: no se puede seguir.");
}

/** Lee exactamente `n` bytes (pueden llegar en varios trozos); `null` si el servidor se va. */
async function recibir(conexion: Deno.Conn, n: number): Promise<Uint8Array | null> {
  const bytes = new Uint8Array(n);
  let recibidos = 0;
  while (recibidos < n) {
    const leidos = await conexion.read(bytes.subarray(recibidos)).catch(() => null);
    if (leidos === null) return null;
    recibidos += leidos;
  }
  return bytes;
}

if (import.meta.main) {
  const { host, port } = leerOpciones(
    "deno run --allow-net sockets/cliente.ts [--host localhost] [--port 9999]",
    { port: { defecto: 9999, min: 1, max: 65535 } },
    { host: "localhost" },
  );

  const client = await conectar(host, port);
  const decoder = new TextDecoder();

  while (true) {
    let message = await input("Mensaje a enviar: ");
    if (message === null) {
      console.log("(fin de la entrada: se envía «cerrar»)");
      message = "cerrar";
    }

    const bytes = encoder.encode(message);
    await enviarTodo(client, bytes).catch(servidorCerrado);

    if (message === "cerrar") {
      break;
    }

    // Esperamos el eco entero antes de pedir otro mensaje (una línea vacía no tiene eco).
    const eco = await recibir(client, bytes.length);
    if (eco === null) servidorCerrado();
    if (bytes.length > 0) console.log(`El servidor responde: ${decoder.decode(eco)}`);
  }

  console.log("Taluego, servidor!");

  client.close();
}
