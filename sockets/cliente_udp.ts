/**
 * Cliente UDP: envía cada línea que escribes en un datagrama y muestra el eco del servidor.
 *
 * Como el cliente del capítulo, pero sin conexión: no hay `connect()` que falle si el
 * servidor no está, porque cada mensaje sale suelto hacia una dirección (`sendto`). Por eso
 * espera el eco como mucho un segundo y, si no llega, lo dice y pide el siguiente mensaje (el
 * datagrama pudo perderse, o no hay servidor: UDP no avisa). Un eco que llega tarde se
 * muestra como tal. «cerrar» (o Ctrl+D) se despide del servidor y termina.
 *
 * Python -> Deno: socket(AF_INET, SOCK_DGRAM) -> dgram.createSocket("udp4"); sendto() ->
 * client.send(bytes, port, address); recvfrom() con settimeout(1) -> recvfrom(), abajo.
 *
 * @python Apartado 1 «Sockets», más allá: el cliente con UDP, SOCK_DGRAM, sendto(), recvfrom()
 * @ejecutar deno run --allow-net sockets/cliente_udp.ts
 * @copiar también red.ts, a su lado: lo importa de allí
 * @entrada
 *   hola
 *   cerrar
 * @salida
 *   Mensaje a enviar: hola
 *   El servidor responde: hola
 *   Mensaje a enviar: cerrar
 *   Taluego, servidor!
 * @cambia Nada, si el servidor está en marcha; sin él, tras «hola» avisa de que no responde.
 */

import dgram from "node:dgram";
import { lookup } from "node:dns/promises";
import { conPermiso, despedirseConCtrlC, direccion, esEsteEquipo, input } from "./red.ts";
import { opcionesDelCliente, porQueNoConecta, print, sinPermiso, soloIPv4 } from "./red.ts";
import { terminar, visible } from "./red.ts";

const encoder = new TextEncoder();
const llegados: string[] = []; // lo que devuelve el servidor, en orden de llegada
let despertar = () => {}; // avisa a recvfrom() de que ha llegado algo

if (import.meta.main) {
  const { host, port } = opcionesDelCliente("enviar a");
  const noConecta = (e: unknown) => terminar(porQueNoConecta(e, host, port, "servidor_udp.ts"));
  const { address, family } = await lookup(conPermiso(host, port)[0]).catch(noConecta);
  // Las respuestas llegan a un puerto que elige el sistema: también hay que poder usarlo.
  if (!conPermiso(family === 6 ? "::" : "0.0.0.0", 0).length) {
    sinPermiso("enviar a", direccion(host, port));
  }
  // En este equipo, si nadie escucha en el puerto lo sabemos ya: podemos ocuparlo nosotros.
  if (await puertoLibre(address, port, family)) noConecta(new Deno.errors.ConnectionRefused());

  const client = dgram.createSocket(family === 6 ? "udp6" : "udp4");
  client.on("message", (datos: Uint8Array, quien: dgram.RemoteInfo) => {
    // Del puerto del servidor, desde cualquiera de sus direcciones (enviado a 0.0.0.0, o a
    // un equipo con varias, el eco puede volver desde otra: 127.0.0.1, la de otra red).
    if (quien.port !== port) return;
    llegados.push(new TextDecoder().decode(datos));
    despertar();
  });
  // Ctrl+C: como Ctrl+D, «cerrar» al servidor (si no se ha enviado ya) y la despedida.
  let dichoCerrar = false;
  despedirseConCtrlC("Taluego, servidor!", () => {
    if (!dichoCerrar) return sendto(client, encoder.encode("cerrar"), port, address);
  });

  while (true) {
    const message = await input("Mensaje a enviar: ");
    if (message === "") continue; // una línea vacía no se envía: no habría eco que esperar

    dichoCerrar = message === "cerrar";
    const enviado = await sendto(client, encoder.encode(message), port, address);

    if (message === "cerrar") {
      break;
    }
    if (!enviado) continue; // no cabía en un datagrama: no hay eco que esperar

    const data = await recvfrom(message, 1000); // el eco, o null si no llega en un segundo
    if (data === null) {
      print(
        `El servidor no ha respondido en un segundo. ¿Está en marcha en ${
          direccion(host, port)
        }? (Con UDP nadie avisa: el datagrama pudo perderse o no haber nadie escuchando.)` +
          soloIPv4(host),
      );
    } else {
      print(`El servidor responde: ${data}`);
    }
  }

  print("Taluego, servidor!");

  client.close();
  Deno.exit(0); // en una terminal queda una lectura del teclado pendiente: no esperamos otro Enter
}

/** client.send() como una promesa: cuando se cumple, el datagrama ya ha salido (true). */
function sendto(client: dgram.Socket, bytes: Uint8Array, port: number, address: string) {
  return new Promise<boolean>((enviado) => {
    client.send(bytes, port, address, (error: Error | null) => {
      if (!error) return enviado(true);
      if ((error as { code?: string }).code === "EMSGSIZE") {
        print(`(${bytes.length} bytes no caben en un datagrama UDP: como mucho 65507)`);
        return enviado(false);
      }
      terminar(porQueNoConecta(error, address, port, "servidor_udp.ts")); // sin ruta, casi siempre
    });
  });
}

/** ¿Nadie escucha en `port` de este equipo (`address` es de aquí y se puede ocupar)? */
function puertoLibre(address: string, port: number, family: number): Promise<boolean> {
  const aqui = address === "0.0.0.0" ? "127.0.0.1" : address;
  if (!esEsteEquipo(aqui) || !conPermiso(aqui, port).length) return Promise.resolve(false);
  const prueba = dgram.createSocket(family === 6 ? "udp6" : "udp4");
  return new Promise((libre) => {
    prueba.once("error", () => libre(false));
    prueba.bind(port, aqui, () => {
      prueba.close();
      libre(true);
    });
  });
}

/**
 * recvfrom() con settimeout(): espera el eco de `message` como mucho `ms` milisegundos y lo
 * devuelve (null si no llega). Otro texto es el eco tardío de un mensaje anterior: se muestra
 * como tal y se sigue esperando.
 */
async function recvfrom(message: string, ms: number): Promise<string | null> {
  const limite = Date.now() + ms;
  while (true) {
    for (let data; (data = llegados.shift()) !== undefined;) {
      if (data === message) return visible(data);
      print(`(eco que llegó tarde: ${visible(data)})`);
    }
    if (Date.now() >= limite) return null;
    const { promise, resolve: seguir } = Promise.withResolvers<void>();
    despertar = seguir;
    const temporizador = setTimeout(seguir, limite - Date.now());
    await promise;
    clearTimeout(temporizador);
  }
}
