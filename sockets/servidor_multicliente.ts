/**
 * Servidor eco para muchos clientes a la vez, hasta que se pulse Ctrl+C.
 *
 * En Python se suele crear un thread por cliente. En JavaScript no hace falta: mientras una
 * conversación espera a su cliente (`await read()`), el programa atiende a las demás. Cada
 * cliente es una tarea asíncrona (`atenderCliente`, sin esperarla) y un solo hilo reparte el
 * trabajo: los threads hacen falta para calcular en paralelo, no para esperar a la red.
 * «cerrar» termina solo la conversación de ese cliente. Ctrl+C (o SIGTERM) cierra sin perder
 * nada: deja de aceptar, devuelve el eco de lo que ya llegó, cierra cada conexión con
 * normalidad y sale con 0; un segundo Ctrl+C sale ya. Como servidor.ts, avisa al arrancar
 * de la orden que teclean los alumnos en sus equipos.
 *
 * @python Apartado 1 «Sockets», ejemplo de servidor, para muchos clientes (un thread por cliente en
 *   Python)
 * @ejecutar deno run --allow-net --allow-sys=networkInterfaces sockets/servidor_multicliente.ts
 * @copiar también red.ts, a su lado: lo importa de allí
 * @junto_a sockets/cliente.ts
 * @salida
 *   Servidor escuchando en 0.0.0.0:9999
 *   Cliente 1 (127.0.0.1:54008) conectado
 *   Cliente 1 (127.0.0.1:54008) dice: hola
 *   Taluego, cliente 1!
 *   ^C
 *   Cerrando el servidor y 0 conexiones abiertas.
 *   Taluego, clientes!
 * @cambia El puerto de cada cliente, que elige el sistema; con varios clientes, el orden de sus
 *   líneas.
 */

import { alPulsarCtrlC, decirComoConectarse, escuchar, opcionesDelServidor } from "./red.ts";
import { aceptar, direccion, print, sendall, sinSaltoFinal, visible } from "./red.ts";

/** Las conexiones abiertas, y cuándo llegó el último mensaje (para cerrar sin perder nada). */
const abiertas = new Set<Deno.TcpConn>();
let ultimoMensaje = 0;
let cerrando = false;
/** Tras Ctrl+C, si ningún cliente ha enviado nada en este tiempo, ya no hay nada en camino. */
const SILENCIO_MS = 300;
/** Lo más que se espera a ese silencio, y después a que cada cliente cierre su lado. */
const ESPERA_MS = 1000;

if (import.meta.main) {
  const { host, port } = opcionesDelServidor();

  const server = escuchar(host, port);
  alPulsarCtrlC(() => cerrarSinPerderNada(server));
  print(`Servidor escuchando en ${direccion(server.addr.hostname, server.addr.port)}`);
  decirComoConectarse(host, server.addr.port, "cliente.ts");

  let clientes = 0;
  while (true) {
    const serverConnection = await aceptar(server);
    if (serverConnection === null) break; // Ctrl+C: ya no se aceptan clientes

    atenderCliente(serverConnection, ++clientes); // sin await: seguimos aceptando clientes
  }
}

/** La conversación del capítulo con un cliente, de principio a fin. */
async function atenderCliente(serverConnection: Deno.TcpConn, numero: number) {
  const addresses = serverConnection.remoteAddr;
  const quien = `Cliente ${numero} (${direccion(addresses.hostname, addresses.port)})`;
  print(`${quien} conectado`);
  abiertas.add(serverConnection);
  serverConnection.setNoDelay(true); // cada eco sale ya, sin esperar a juntar más bytes

  // Como recv(), de 16 KiB en 16 KiB: lo explica servidor.ts. (`for await (const trozo of
  // serverConnection.readable)` se escribe más corto, pero estrena 64 KiB en cada lectura:
  // con mensajes cortos, más trabajo para el recolector de basura y ecos más lentos.)
  const receivedInBytes = new Uint8Array(16 * 1024);
  const decoder = new TextDecoder();
  let aMedias = false; // ¿acabó la lectura anterior a mitad de una letra?
  let received = "";

  try {
    while (true) {
      const leidos = await serverConnection.read(receivedInBytes);
      if (leidos === null) break; // el cliente cerró la conexión
      if (cerrando) ultimoMensaje = performance.now(); // tras Ctrl+C: ¿callan ya todos?

      const bytes = receivedInBytes.subarray(0, leidos);
      // Una letra de varios bytes (ñ, é) puede llegar partida entre dos lecturas: con
      // { stream: true }, decode() guarda la mitad para la siguiente. Solo hace falta si un
      // trozo acaba fuera de ASCII (byte ≥ 0x80): sin él, decode() cuesta menos.
      const fueraDeAscii = bytes[leidos - 1] >= 0x80;
      const texto = aMedias || fueraDeAscii
        ? decoder.decode(bytes, { stream: true })
        : decoder.decode(bytes);
      aMedias = fueraDeAscii;
      received = sinSaltoFinal(texto);

      if (received === "cerrar") {
        break;
      }

      if (received !== "") print(`${quien} dice: ${visible(received)}`);

      await sendall(serverConnection, bytes);
    }
  } catch {
    // La conexión se cortó de golpe (reset): otra forma de irse.
  }
  if (received !== "cerrar" && !cerrando) print(`${quien} se ha ido sin decir «cerrar».`);

  print(`Taluego, cliente ${numero}!`);

  abiertas.delete(serverConnection);
  try {
    serverConnection.close();
  } catch {
    // Ya la cerró Ctrl+C: el cliente no cerraba la suya.
  }
}

// --- Cerrar sin perder nada ---

/**
 * Ctrl+C (SIGINT) o SIGTERM: dejamos de aceptar clientes y cerramos sin perder nada. Cerrar
 * una conexión a la vez que llega un mensaje lo perdería, y el cliente vería un corte (reset)
 * en vez del final. Así que esperamos a que los clientes callen (SILENCIO_MS sin mensajes:
 * los que estaban en camino ya tienen su eco), cerramos nuestro lado de cada conexión
 * (closeWrite: el cliente lee el final) y esperamos a que cada cliente cierre el suyo.
 */
function cerrarSinPerderNada(server: Deno.TcpListener) {
  cerrando = true;
  server.close();
  const n = abiertas.size;
  print(`Cerrando el servidor y ${n} ${n === 1 ? "conexión abierta" : "conexiones abiertas"}.`);
  const inicio = performance.now();
  let anterior = inicio;
  let avisadas = 0; // cuándo cerramos nuestro lado de todas
  const repasar = () => {
    const ahora = performance.now();
    // Callados desde antes del repaso anterior: entre los dos, el programa ha leído ya todo
    // lo que hubiera en camino (aunque el sistema lo haya tenido parado un rato).
    const callados = Math.max(ultimoMensaje, inicio) <= anterior - SILENCIO_MS;
    if (!avisadas && (callados || ahora - inicio > ESPERA_MS)) {
      for (const conexion of abiertas) conexion.closeWrite().catch(() => {});
      avisadas = ahora;
    } else if (avisadas && ahora - avisadas > ESPERA_MS) {
      for (const conexion of abiertas) conexion.close(); // cada conversación se despide y sale
      avisadas = Infinity;
    }
    anterior = ahora;
    if (abiertas.size > 0) return setTimeout(repasar, 100);
    print("Taluego, clientes!");
    Deno.exit(0);
  };
  repasar();
}
