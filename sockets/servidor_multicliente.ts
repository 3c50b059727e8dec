/**
 * Servidor eco para muchos clientes a la vez, hasta que se pulse Ctrl+C.
 *
 * El servidor del capítulo atiende a un solo cliente. Para atender a muchos, en Python se
 * suele crear un thread por cliente. En JavaScript no hace falta: mientras una conversación
 * espera a su cliente (`await read()`), el programa atiende a las demás. Cada cliente es una
 * tarea asíncrona (la función `conversar` de servidor.ts, sin esperarla); el sistema avisa
 * de qué conexión tiene datos y un solo hilo reparte el trabajo. Los threads hacen falta para
 * calcular en paralelo, no para esperar a la red.
 *
 * Cada cliente recibe un número. «cerrar» termina solo la conversación de ese cliente; un
 * cliente que se va de golpe, que envía bytes que no son UTF-8 o 1 MiB no molesta a los demás.
 * Ctrl+C (o SIGTERM, fuera de Windows) cierra el servidor y todas las conexiones, y sale con 0.
 *
 * Opciones: las de servidor.ts, --host (0.0.0.0) y --port (9999).
 *
 * @python Apartado 1 «Sockets», ejemplo de servidor, para muchos clientes (un thread por cliente en Python)
 * @ejecutar deno run --allow-net sockets/servidor_multicliente.ts
 * @junto_a sockets/cliente.ts
 * @salida
 *   Servidor escuchando en 0.0.0.0:9999
 *   Cliente 1 (127.0.0.1:<puerto>) conectado
 *   Cliente 1 (127.0.0.1:<puerto>) dice: hola
 *   Taluego, cliente 1!
 *   ^C
 *   Cerrando el servidor y 0 conexiones abiertas.
 *   Taluego, clientes!
 */

import { leerOpciones } from "../opciones.ts";
import { conversar, escuchar } from "./servidor.ts";

const { host, port } = leerOpciones(
  "deno run --allow-net sockets/servidor_multicliente.ts [--host 0.0.0.0] [--port 9999]",
  { port: { defecto: 9999, min: 0, max: 65535 } },
  { host: "0.0.0.0" },
);

const server = escuchar(host, port, "sockets/servidor_multicliente.ts");
console.log(`Servidor escuchando en ${server.addr.hostname}:${server.addr.port}`);

/** Las conexiones abiertas, para cerrarlas todas al terminar. */
const conexiones = new Set<Deno.TcpConn>();

/** La conversación con un cliente, de principio a fin. */
async function atenderCliente(serverConnection: Deno.TcpConn, numero: number) {
  const { hostname, port } = serverConnection.remoteAddr;
  const quien = `Cliente ${numero} (${hostname}:${port})`;
  console.log(`${quien} conectado`);

  await conversar(serverConnection, quien);

  console.log(`Taluego, cliente ${numero}!`);
  conexiones.delete(serverConnection);
  serverConnection.close();
}

/** Ctrl+C (SIGINT) o SIGTERM: cerramos el servidor y cada conexión, y nos despedimos. */
function cerrarTodo() {
  server.close();
  if (Deno.stdout.isTerminal()) console.log(); // la terminal ya escribió ^C: pasamos de línea
  const abiertas = conexiones.size === 1
    ? "1 conexión abierta"
    : `${conexiones.size} conexiones abiertas`;
  console.log(`Cerrando el servidor y ${abiertas}.`);
  for (const conexion of conexiones) conexion.close();
  console.log("Taluego, clientes!");
  Deno.exit(0);
}
Deno.addSignalListener("SIGINT", cerrarTodo);
if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", cerrarTodo); // Windows solo tiene Ctrl+C

let clientes = 0;
while (true) {
  let serverConnection: Deno.TcpConn;
  try {
    serverConnection = await server.accept();
  } catch (error) {
    // Por ejemplo, demasiados ficheros abiertos: lo decimos y seguimos tras una pausa.
    console.error(`No se pudo aceptar un cliente: ${(error as Error).message}`);
    await new Promise((seguir) => setTimeout(seguir, 100));
    continue;
  }
  clientes++;
  conexiones.add(serverConnection);
  atenderCliente(serverConnection, clientes); // sin await: seguimos aceptando clientes
}
