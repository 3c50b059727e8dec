/**
 * Servidor eco de un cliente: recibe mensajes y devuelve a cada uno lo mismo que le llega.
 *
 * Como el de Python, atiende a un solo cliente y termina cuando este envía «cerrar». Si el
 * cliente se va sin decirlo, `read()` devuelve `null`: lo dice y termina (el de Python
 * imprime líneas vacías para siempre). Ctrl+C se despide y termina también. Al arrancar,
 * avisa de la orden que teclean los alumnos en sus equipos, con la dirección de este (la ve
 * con --allow-sys=networkInterfaces: «En clase, con varios equipos», en el README).
 *
 * Python -> Deno: socket() + bind() + listen() -> Deno.listen(); accept() -> aceptar(), que
 * salta a los clientes que se cortan antes de entrar; recv(1024) -> read(receivedInBytes),
 * null cuando el cliente cierra; send() -> sendall(). Lo de siempre está en red.ts.
 *
 * @python Apartado 1 «Sockets», ejemplo de servidor: socket(), bind(("", 9999)), listen(1),
 *   accept(), recv(1024), send(), close()
 * @ejecutar deno run --allow-net --allow-sys=networkInterfaces sockets/servidor.ts
 * @copiar también red.ts, a su lado: lo importa de allí
 * @junto_a sockets/cliente.ts
 * @salida
 *   Servidor escuchando en 0.0.0.0:9999
 *   127.0.0.1 dice: hola
 *   Taluego, cliente!
 * @cambia La dirección del cliente, si se conecta desde otro equipo o por IPv6 (::1).
 */

import { aceptar, alPulsarCtrlC, decirComoConectarse, direccion, escuchar } from "./red.ts";
import { avisarDeLosQueEsperan, opcionesDelServidor, print } from "./red.ts";
import { sendall, sinSaltoFinal, visible } from "./red.ts";

if (import.meta.main) {
  const { host, port } = opcionesDelServidor();

  const server = escuchar(host, port);
  let conCliente = false;
  alPulsarCtrlC(() => {
    print("Cerrando el servidor.");
    if (conCliente) print("Taluego, cliente!"); // sin cliente, no hay de quién despedirse
    Deno.exit(0);
  });
  print(`Servidor escuchando en ${direccion(server.addr.hostname, server.addr.port)}`);
  decirComoConectarse(host, server.addr.port, "cliente.ts");

  const serverConnection = await aceptar(server);
  if (serverConnection === null) Deno.exit(0); // cerrado antes de que llegara nadie
  conCliente = true;
  const addresses = serverConnection.remoteAddr;
  serverConnection.setNoDelay(true); // cada eco sale ya, sin esperar a juntar más bytes
  avisarDeLosQueEsperan(server); // otro cliente esperaría sin que lo sepamos: lo decimos

  // Como recv(): cada lectura trae los bytes que ya hayan llegado, hasta llenar el buffer
  // (Python lee de 1024 en 1024; aquí, de 16 KiB: un mensaje largo sale en menos líneas).
  // Media letra partida entre dos lecturas la guarda el decodificador (stream: true).
  const receivedInBytes = new Uint8Array(16 * 1024);
  const decoder = new TextDecoder();
  let received = "";

  try {
    while (true) {
      const leidos = await serverConnection.read(receivedInBytes);
      if (leidos === null) break; // el cliente cerró la conexión

      const bytes = receivedInBytes.subarray(0, leidos);
      received = sinSaltoFinal(decoder.decode(bytes, { stream: true }));

      if (received === "cerrar") {
        break;
      }

      if (received !== "") print(`${addresses.hostname} dice: ${visible(received)}`);

      await sendall(serverConnection, bytes);
    }
  } catch {
    // La conexión se cortó de golpe (reset): otra forma de irse.
  }
  if (received !== "cerrar") print(`${addresses.hostname} se ha ido sin decir «cerrar».`);

  print("Taluego, cliente!");

  serverConnection.close();
  server.close();
}
