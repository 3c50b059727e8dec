/**
 * Servidor eco de un cliente: recibe mensajes y devuelve a cada uno lo mismo que le llega.
 *
 * Como el de Python, atiende a un solo cliente y termina cuando este envía «cerrar». Y
 * arregla lo que el de Python hace mal: si el cliente se va sin decir «cerrar», `read()`
 * devuelve `null` (fin de la conexión) y el servidor lo dice y termina, en vez de imprimir
 * líneas vacías para siempre; una letra de varios bytes (ñ, €) partida entre dos lecturas
 * sale entera; y el eco devuelve todos los bytes aunque una escritura envíe solo una parte.
 *
 * Python -> Deno: socket() + bind() + listen() -> Deno.listen(); accept() -> server.accept();
 * recv(1024) -> serverConnection.read(buffer) (null al cerrar el cliente);
 * send() -> serverConnection.write() (puede escribir menos bytes: se repite hasta el final).
 *
 * Opciones: --host (por defecto 0.0.0.0, todas las interfaces, como el "" de Python) y
 * --port (por defecto 9999; 0 deja que el sistema elija uno libre).
 *
 * @python Apartado 1 «Sockets», ejemplo de servidor: socket(), bind(("", 9999)), listen(1), accept(), recv(1024), send(), close()
 * @ejecutar deno run --allow-net sockets/servidor.ts
 * @junto_a sockets/cliente.ts
 * @salida
 *   Servidor escuchando en 0.0.0.0:9999
 *   127.0.0.1 dice: hola
 *   Taluego, cliente!
 */

import { leerOpciones, terminarConError } from "../opciones.ts";

/**
 * `Deno.listen` con los errores de siempre explicados en español (lo usa también
 * servidor_multicliente.ts).
 */
export function escuchar(host: string, port: number, script: string): Deno.TcpListener {
  try {
    return Deno.listen({ hostname: host, port });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      terminarConError(
        `El puerto ${port} ya está en uso: ¿hay otro servidor abierto? ` +
          "Ciérralo (Ctrl+C en su terminal) o elige otro puerto con --port. " +
          "(Tras cerrar el servidor de Python del capítulo, el puerto tarda un minuto en quedar libre.)",
      );
    }
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      terminarConError(
        `No hay permiso para escuchar en ${host}:${port}. ` +
          `Ejecuta: deno run --allow-net ${script} (y un puerto desde 1024, como 9999).`,
      );
    }
    terminarConError(
      `No se puede escuchar en ${host}:${port}: ${host} no es una dirección de este equipo ` +
        "(prueba con --host 0.0.0.0 o --host 127.0.0.1).",
    );
  }
}

/** Envía todos los bytes: una escritura puede enviar solo una parte, así que repetimos. */
export async function enviarTodo(conexion: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let enviados = 0;
  while (enviados < bytes.length) {
    enviados += await conexion.write(bytes.subarray(enviados));
  }
}

/** Quita el salto de línea final que añaden `nc` o `telnet` (\n o \r\n). */
export function sinSaltoFinal(texto: string): string {
  return texto.replace(/\r?\n$/, "");
}

/**
 * El bucle del capítulo con un cliente: recibir hasta 1024 bytes, devolverlos (el eco) e
 * imprimirlos como `<quien> dice: ...`, hasta que llegue «cerrar» o el cliente se vaya.
 * (servidor_multicliente.ts lo usa también, una vez por cada cliente.)
 */
export async function conversar(serverConnection: Deno.TcpConn, quien: string): Promise<void> {
  serverConnection.setNoDelay(true); // cada eco sale ya, sin esperar a juntar más bytes

  // Los bytes llegan en trozos de hasta 1024; el decodificador guarda la mitad de una letra
  // que quede partida entre dos trozos (stream: true) y la completa con el siguiente.
  const receivedInBytes = new Uint8Array(1024);
  const decoder = new TextDecoder();

  try {
    while (true) {
      const leidos = await serverConnection.read(receivedInBytes);
      if (leidos === null) break; // fin de la conexión: el cliente se fue sin decir «cerrar»

      const bytes = receivedInBytes.subarray(0, leidos);
      const received = sinSaltoFinal(decoder.decode(bytes, { stream: true }));

      if (received === "cerrar") {
        return;
      }

      // Primero el eco y después la línea en pantalla: el cliente no espera por nuestra
      // terminal (el de Python imprime antes; lo que se ve es lo mismo).
      await enviarTodo(serverConnection, bytes);

      // Si el trozo era solo media letra, no hay nada que imprimir todavía.
      if (received !== "") console.log(`${quien} dice: ${received}`);
    }
  } catch {
    // La conexión se cortó de golpe (reset): es otra forma de irse.
  }
  console.log(`${quien} se ha ido sin decir «cerrar».`);
}

if (import.meta.main) {
  const { host, port } = leerOpciones(
    "deno run --allow-net sockets/servidor.ts [--host 0.0.0.0] [--port 9999]",
    { port: { defecto: 9999, min: 0, max: 65535 } },
    { host: "0.0.0.0" },
  );

  const server = escuchar(host, port, "sockets/servidor.ts");
  console.log(`Servidor escuchando en ${server.addr.hostname}:${server.addr.port}`);

  const serverConnection = await server.accept();
  const addresses = serverConnection.remoteAddr;

  await conversar(serverConnection, addresses.hostname);

  console.log("Taluego, cliente!");

  serverConnection.close();
  server.close();
}
