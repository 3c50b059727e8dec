/**
 * Cliente de chat: lo que escribes va al chat y lo que dicen los demás aparece a la vez.
 *
 * El cliente del capítulo hace una cosa detrás de otra: pide un mensaje, lo envía, espera la
 * respuesta. En un chat no se puede: los mensajes de los demás llegan cuando llegan, también
 * mientras escribes. Así que aquí hay dos tareas a la vez en un solo hilo: una lee el teclado
 * y envía cada línea; la otra lee la conexión y muestra cada línea que llega. Ninguna bloquea
 * a la otra porque las dos esperan con `await` (en Python, dos threads, o asyncio).
 * La primera línea que escribes es tu nombre (si no vale, el servidor pide otro). «cerrar» o
 * Ctrl+D es salir: el servidor se despide y cierra; Ctrl+C se despide y sale ya.
 *
 * Python -> Deno: socket() + connect() -> conectar(); un thread para recv() y otro para
 * input() + send() -> dos funciones async en marcha a la vez.
 * @python Apartado 1 «Sockets», más allá: el cliente de un chat, que envía y recibe a la vez
 * @ejecutar deno run --allow-net sockets/cliente_chat.ts
 * @copiar también red.ts, a su lado: lo importa de allí
 * @entrada
 *   Ana
 *   hola a todos
 *   cerrar
 * @salida
 *   Bienvenido al chat. ¿Cómo te llamas?
 *   Hola, Ana. En el chat: Ana. Para salir, «cerrar».
 *   Taluego, Ana!
 * @cambia Con más gente en el chat, sus nombres, sus mensajes y cuándo llegan.
 */

import { conectar, LARGO_MAXIMO, leerMensajes, opcionesDelCliente } from "./red.ts";
import { despedirseConCtrlC, print, sendall, terminar, visible } from "./red.ts";

/**
 * Lo que llega del servidor no se corta (un mensaje escapado, \x01 -> "\\x01", o la lista de
 * quién está, puede ser más largo): el límite solo está para no llenar la memoria.
 */
const LARGO_RECIBIDO = 1024 * 1024;

if (import.meta.main) {
  const { host, port } = opcionesDelCliente("conectar con");
  despedirseConCtrlC("Taluego!"); // también mientras conecta
  const client = await conectar(host, port, "servidor_chat.ts");
  let saliendo = false; // hemos dicho «cerrar» (o se acabó la entrada): el servidor cerrará

  // Una tarea muestra lo que llega (recv)...
  const recibir = (async () => {
    for await (const linea of leerMensajes(client, LARGO_RECIBIDO)) print(visible(linea));
  })();

  // ...y la otra envía lo que se teclea (input + send), a la vez. Una línea de más de
  // LARGO_MAXIMO caracteres se envía cortada, con «…», como la cortaría el servidor.
  (async () => {
    for await (const message of leerMensajes(Deno.stdin, LARGO_MAXIMO)) {
      await sendall(client, new TextEncoder().encode(message + "\n"));
      if (message === "cerrar") break;
    }
    saliendo = true;
    await client.closeWrite(); // no enviamos más: el servidor se despide y cierra
    setTimeout(() => Deno.exit(0), 2000); // si no cerrara, no esperamos para siempre
  })().catch(() => {}); // el servidor ya cerró: lo dice la otra tarea

  try {
    await recibir;
    if (!saliendo) print("(el servidor ha cerrado la conexión)");
  } catch {
    terminar("Se ha cortado la conexión con el servidor.");
  }
  Deno.exit(0); // en una terminal queda una lectura del teclado pendiente: no esperamos otro Enter
}
