/**
 * Servidor eco por UDP: cada datagrama que llega vuelve tal cual a quien lo envió.
 *
 * Con UDP no hay conexión: ni `listen()` ni `accept()`. Cada datagrama es un mensaje entero
 * y trae la dirección de quien lo envió (`recvfrom`); la respuesta va a esa dirección
 * (`sendto`). Puede perderse por el camino y nadie avisa. Atiende a toda la clase: «cerrar»
 * despide solo a quien lo envía; Ctrl+C cierra el servidor.
 *
 * Python -> Deno: socket(AF_INET, SOCK_DGRAM) + bind() -> dgram.createSocket("udp4") +
 * bind(); recvfrom() -> cada evento "message" (datos y remitente); sendto() -> send().
 * `node:dgram` es estable en Deno 2 y solo pide --allow-net (`Deno.listenDatagram` aún
 * exige --unstable-net). Lo de siempre está en red.ts.
 *
 * @python Apartado 1 «Sockets», más allá: el ejemplo de servidor con UDP, socket(AF_INET,
 *   SOCK_DGRAM), bind(), recvfrom(1024), sendto()
 * @ejecutar deno run --allow-net --allow-sys=networkInterfaces sockets/servidor_udp.ts
 * @copiar también red.ts, a su lado: lo importa de allí
 * @junto_a sockets/cliente_udp.ts
 * @salida
 *   Servidor UDP escuchando en 0.0.0.0:9999
 *   127.0.0.1:42841 dice: hola
 *   Taluego, cliente 127.0.0.1:42841!
 *   ^C
 *   Cerrando el servidor.
 *   Taluego, clientes!
 * @cambia El puerto del cliente, que elige el sistema en cada ejecución.
 */

import dgram from "node:dgram";
import { on } from "node:events";
import { alPulsarCtrlC, decirComoConectarse, direccion, noSePuedeEscuchar } from "./red.ts";
import { opcionesDelServidor, print, sinSaltoFinal, visible } from "./red.ts";

if (import.meta.main) {
  const { host, port } = opcionesDelServidor();

  const server = dgram.createSocket(host.includes(":") ? "udp6" : "udp4");
  await bind(server, host, port);
  alPulsarCtrlC(() => {
    print("Cerrando el servidor.");
    print("Taluego, clientes!");
    Deno.exit(0);
  });
  const { address, port: puerto } = server.address();
  print(`Servidor UDP escuchando en ${direccion(address, puerto)}`);
  decirComoConectarse(host, puerto, "cliente_udp.ts");

  // Cada vuelta, un datagrama entero con la dirección de quien lo envía (el recvfrom de Python).
  for await (const [receivedInBytes, addresses] of on(server, "message")) {
    if (addresses.port === 0) continue; // del puerto 0 no envía nadie: es falso, sin respuesta
    const quien = direccion(addresses.address, addresses.port);
    const received = sinSaltoFinal(new TextDecoder().decode(receivedInBytes)); // el \n de nc

    if (received === "cerrar") {
      print(`Taluego, cliente ${quien}!`); // solo ese: los demás siguen
      continue;
    }

    print(`${quien} dice: ${visible(received)}`);

    server.send(receivedInBytes, addresses.port, addresses.address, () => {}); // el eco
  }
}

/** bind(), con los fallos de siempre en una frase (código 1, sin traza). */
function bind(socket: dgram.Socket, host: string, port: number): Promise<void> {
  return new Promise((listo) => {
    socket.once("error", (error) => noSePuedeEscuchar(error, host, port));
    socket.bind(port, host, listo);
  });
}
