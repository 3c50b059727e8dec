/**
 * Servidor de chat: cada línea que envía un cliente les llega a todos los demás con su nombre.
 *
 * El servidor del capítulo para muchos clientes que, en vez de su eco, se hablan entre sí. La
 * primera línea de un cliente es su nombre (si no vale, se le pide otro); después, cada línea
 * va a los demás como `Ana: hola`, y todos ven quién entra y quién sale. «cerrar», o cerrar la
 * conexión, es salir. Cada cliente es una tarea asíncrona, como en servidor_multicliente.ts.
 * Enviar a los demás no espera a nadie: la línea va a la cola de cada uno. Quien escribe más
 * deprisa de lo que otro lee espera a que esa cola baje; quien no lee nada sale del chat.
 * Ctrl+C (o SIGTERM) avisa a todos y cierra. Para unirse: `cliente_chat.ts` o `nc`.
 *
 * Python -> Deno: socket() + bind() + listen() -> Deno.listen(); accept() -> aceptar(); un
 * thread por cliente -> una tarea asíncrona; send() a cada uno -> `enviar()` a su cola.
 * @python Apartado 1 «Sockets», más allá: un chat, el servidor del capítulo para muchos clientes
 *   que se hablan entre sí
 * @ejecutar deno run --allow-net --allow-sys=networkInterfaces sockets/servidor_chat.ts
 * @copiar también red.ts, a su lado: lo importa de allí
 * @junto_a sockets/cliente_chat.ts
 * @salida
 *   Servidor de chat escuchando en 0.0.0.0:9999
 *   Ana (127.0.0.1:57918) entra en el chat (1 dentro)
 *   Ana: hola a todos
 *   Ana sale del chat (quedan 0)
 *   ^C
 *   Cerrando el chat con 0 clientes dentro.
 *   Taluego, clientes!
 * @cambia El puerto del cliente; con más clientes, el orden de sus líneas.
 */

import { aceptar, alPulsarCtrlC, decirComoConectarse, direccion, escuchar } from "./red.ts";
import { opcionesDelServidor, print, visible } from "./red.ts";
import { clave, Cola, LARGO_MAXIMO, LARGO_NOMBRE, leerMensajes, limpiarNombre } from "./red.ts";

/** Un cliente conectado: su nombre (o "" mientras lo elige), su número y su cola. */
interface Cliente {
  nombre: string;
  numero: number;
  cola: Cola;
}

/** Quién está dentro del chat: cada nombre (su `clave`), con el cliente que lo lleva. */
const clientes = new Map<string, Cliente>();
/** Todos los conectados, dentro del chat o eligiendo nombre: a todos se les avisa al cerrar. */
const conectados = new Set<Cliente>();
let cerrando = false;

if (import.meta.main) {
  const { host, port } = opcionesDelServidor();

  const server = escuchar(host, port);
  alPulsarCtrlC(() => cerrarTodo(server));
  print(`Servidor de chat escuchando en ${direccion(server.addr.hostname, server.addr.port)}`);
  decirComoConectarse(host, server.addr.port, "cliente_chat.ts");

  let numero = 0;
  while (true) {
    const serverConnection = await aceptar(server);
    if (serverConnection === null) break; // el servidor se ha cerrado (Ctrl+C)
    atenderCliente(serverConnection, ++numero); // sin await: seguimos aceptando
  }
}

/**
 * La vida de un cliente en el chat. Cada línea es un nombre hasta que uno vale; después, un
 * mensaje para los demás. Tras «cerrar» (o mientras el chat se cierra) se sigue leyendo sin
 * hacer caso, hasta que el cliente cierra: así su despedida no se pierde (ver Cola).
 */
async function atenderCliente(serverConnection: Deno.TcpConn, numero: number) {
  const cliente: Cliente = {
    nombre: "",
    numero,
    cola: new Cola(serverConnection, () => salir(cliente, "no lee lo que le llega")),
  };
  conectados.add(cliente);
  cliente.cola.enviar("Bienvenido al chat. ¿Cómo te llamas?");
  let motivo = "";
  try {
    for await (const received of leerMensajes(serverConnection, LARGO_MAXIMO)) {
      if (cerrando || cliente.cola.despedida) continue;
      if (received === "cerrar") salir(cliente);
      else if (!cliente.nombre) entrar(cliente, received);
      else if (received !== "") { // un Enter sin texto no se envía a nadie
        const mensaje = `${cliente.nombre}: ${visible(received)}`;
        print(mensaje);
        // Si la cola de alguien está llena, no leemos más de este cliente hasta que baje: quien
        // escribe sin parar va al paso de los demás, y no los echa del chat.
        await difundir(mensaje, cliente);
      }
    }
  } catch {
    motivo = "se cortó la conexión"; // se fue de golpe (reset): otra forma de salir
  }
  salir(cliente, motivo);
  cliente.cola.finDeLectura();
  await cliente.cola.cerrada;
  conectados.delete(cliente);
}

/**
 * Entra con `linea` como nombre si está libre (sin nada que se vea: «Cliente N») y avisa a
 * todos; si no, le pide otro nombre. Mirar si está libre y entrar van seguidos, sin await en
 * medio: dos clientes que piden el mismo nombre a la vez nunca lo consiguen los dos (con
 * threads, en Python, haría falta un Lock).
 */
function entrar(cliente: Cliente, linea: string) {
  const { nombre, cortado } = limpiarNombre(linea);
  if (/^cliente \p{Nd}+$/u.test(clave(nombre))) { // «Cliente N» lo pone solo el servidor
    return cliente.cola.enviar(
      `«${nombre}» es un nombre que pone el servidor: escribe otro nombre.`,
    );
  }
  const otro = clientes.get(clave(nombre));
  if (otro) { // se le dice el nombre tal como lo ven todos (quizá con otras mayúsculas)
    return cliente.cola.enviar(`«${otro.nombre}» ya está en el chat: escribe otro nombre.`);
  }
  cliente.nombre = nombre || `Cliente ${cliente.numero}`;
  clientes.set(clave(cliente.nombre), cliente);

  const { hostname, port } = cliente.cola.conexion.remoteAddr;
  print(
    `${cliente.nombre} (${direccion(hostname, port)}) entra en el chat (${clientes.size} dentro)`,
  );
  if (cortado) {
    cliente.cola.enviar(`Tu nombre pasa de ${LARGO_NOMBRE} letras: te quedas con «${nombre}».`);
  }
  const dentro = [...clientes.values()].map((otro) => otro.nombre).join(", ");
  cliente.cola.enviar(`Hola, ${cliente.nombre}. En el chat: ${dentro}. Para salir, «cerrar».`);
  difundir(`${cliente.nombre} entra en el chat.`, cliente);
}

/** Sale del chat (una sola vez): se avisa a los demás y se le despide (o se le corta). */
function salir(cliente: Cliente, motivo = "") {
  if (!cerrando && clientes.get(clave(cliente.nombre)) === cliente) {
    clientes.delete(clave(cliente.nombre));
    const porque = motivo ? `: ${motivo}` : "";
    print(`${cliente.nombre} sale del chat${porque} (quedan ${clientes.size})`);
    difundir(`${cliente.nombre} sale del chat${porque}.`, cliente);
  }
  if (motivo) cliente.cola.cortar();
  // Al cerrar el chat, cerrarTodo() despide a todos.
  else if (!cerrando) cliente.cola.despedir(`Taluego, ${cliente.nombre || "cliente"}!`);
}

/** Envía una línea a todos menos a `quien`; se cumple cuando hay sitio en sus colas. */
function difundir(linea: string, quien: Cliente): Promise<unknown> {
  const esperas: Promise<void>[] = [];
  for (const cliente of clientes.values()) {
    if (cliente === quien) continue;
    cliente.cola.enviar(linea);
    if (cliente.cola.llena()) esperas.push(cliente.cola.sitio);
  }
  return Promise.all(esperas);
}

/** Ctrl+C (SIGINT) o SIGTERM: avisamos a todos, cerramos cada conexión y terminamos. */
async function cerrarTodo(server: Deno.TcpListener) {
  cerrando = true;
  server.close();
  const n = clientes.size;
  print(`Cerrando el chat con ${n} ${n === 1 ? "cliente" : "clientes"} dentro.`);
  // Cada uno (dentro o eligiendo nombre) recibe lo que tenía en su cola y el aviso; a quien no
  // lee, o no cierra su lado, se le corta (ver Cola). Y nunca esperamos más de 3 s.
  const despedidas = [...conectados].map(({ cola }) => cola.despedir("El chat se cierra."));
  await Promise.race([Promise.all(despedidas), new Promise((fin) => setTimeout(fin, 3000))]);
  print("Taluego, clientes!");
  Deno.exit(0);
}
