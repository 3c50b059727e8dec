/**
 * Cliente: envía al servidor cada línea que escribes y muestra el eco que le devuelve.
 *
 * Como el de Python: pide un mensaje, envía sus bytes UTF-8 tal cual y con «cerrar» se
 * despide. Además espera el eco de cada mensaje (tantos bytes como envió) y lo muestra, así
 * dos mensajes nunca llegan pegados. Ctrl+D, Ctrl+C o una salida cortada (`| head`) también
 * envían «cerrar»: el servidor del capítulo, sin él, da vueltas sin fin (Ctrl+C se despide
 * siempre). Mientras tecleas, vigila la conexión: si el servidor se va, lo dice al momento.
 *
 * Python -> Deno: socket() + connect() -> conectar() (Deno.connect(), con una frase para cada
 * fallo); input() -> input(); send() -> writer.write(), que envía todos los bytes; recv() ->
 * client.read(). Lo de siempre está en red.ts.
 *
 * @python Apartado 1 «Sockets», ejemplo de cliente: socket(), connect(("localhost", 9999)),
 *   input(), send(), close()
 * @ejecutar deno run --allow-net sockets/cliente.ts
 * @copiar también red.ts, a su lado: lo importa de allí
 * @entrada
 *   hola
 *   cerrar
 * @salida
 *   Mensaje a enviar: hola
 *   El servidor responde: hola
 *   Mensaje a enviar: cerrar
 *   Taluego, servidor!
 * @cambia Nada, con el servidor del capítulo en marcha; sin él, un aviso en vez de la conversación.
 */

import { avisar, conectar, despedirseConCtrlC, input, opcionesDelCliente } from "./red.ts";
import { print, terminar, visible } from "./red.ts";

const encoder = new TextEncoder();
let enVuelo = false; // un mensaje enviado espera su eco (o ya se envió «cerrar»)
let saliendo = false; // Ctrl+C: nos despedimos con «cerrar» y terminamos
let adelantada: Promise<number | null> | undefined; // la lectura de vigilar(), hasta recibir()
const primerByte = new Uint8Array(1); // el byte que lee vigilar()
let writer: WritableStreamDefaultWriter<Uint8Array> | undefined; // send(), una vez conectados

if (import.meta.main) {
  const { host, port } = opcionesDelCliente("conectar con");
  // Ctrl+C, también mientras conecta o espera un eco: «cerrar», para que el servidor del
  // capítulo termine bien (no con un mensaje esperando su eco: le llegaría pegado), y adiós.
  despedirseConCtrlC("Taluego, servidor!", () => {
    saliendo = true;
    if (writer && !enVuelo) return writer.write(encoder.encode("cerrar"));
  });

  const client = await conectar(host, port, "servidor.ts");
  writer = client.writable.getWriter(); // send(): write() envía todos los bytes
  const decoder = new TextDecoder();

  while (true) {
    const message = await input("Mensaje a enviar: ", vigilar(client));
    if (message === "") continue; // una línea vacía no envía nada: no habría eco que esperar

    const bytes = encoder.encode(message);
    enVuelo = true;
    const enviado = writer.write(bytes).catch(servidorCerrado);

    if (message === "cerrar") {
      await enviado;
      break;
    }

    const eco = await recibir(client, bytes.length); // a la vez que se envía: no se atasca
    enVuelo = false;
    print(`El servidor responde: ${visible(decoder.decode(eco))}`); // \x1b a la vista
  }

  print("Taluego, servidor!");

  client.close();
  Deno.exit(0); // stdin aún tiene una lectura pendiente: sin esto, la terminal esperaría otro Enter
}

/**
 * Vigilar la conexión mientras esperamos al teclado: si el servidor se va, read() devuelve
 * null (la cerró) o falla (la cortó de golpe). Así que dejamos una lectura de 1 byte en
 * marcha; casi siempre ese byte es el primero del eco del mensaje siguiente, y recibir()
 * empieza por él: ningún byte se pierde ni cambia de sitio.
 */
async function vigilar(client: Deno.TcpConn) {
  adelantada ??= client.read(primerByte);
  const como = await adelantada.then((leidos) => leidos === null ? "cerrada" : "", () => "cortada");
  if (como === "" || saliendo || enVuelo) return; // habla solo; nos despedimos; o es el eco
  print(""); // el aviso «Mensaje a enviar: » quedó a medias: la frase, en su línea
  if (como === "cortada") servidorCortado();
  print("El servidor ha cerrado la conexión: la conversación ha terminado.");
  print("Taluego, servidor!");
  Deno.exit(0); // sin esperar al Enter que nunca llegará
}

/**
 * Recibe el eco: exactamente `n` bytes, que pueden llegar en varios trozos; el primero, de la
 * lectura que dejó vigilar(), si la hay. Si en 2 segundos no llega nada, lo avisa una vez y
 * sigue esperando.
 */
async function recibir(client: Deno.TcpConn, n: number): Promise<Uint8Array> {
  const eco = new Uint8Array(n);
  const aviso = setTimeout(() => {
    avisar(
      "El servidor aún no ha respondido. Puede que esté atendiendo a otro cliente " +
        "(servidor.ts atiende a uno solo; servidor_multicliente.ts, a muchos) o que esté " +
        "parado. Seguimos esperando; Ctrl+C para salir.",
    );
  }, 2000);
  for (let recibidos = 0; recibidos < n;) {
    let leidos;
    if (adelantada) {
      leidos = await adelantada.catch(servidorCortado);
      if (leidos) eco[recibidos] = primerByte[0];
      adelantada = undefined;
    } else {
      leidos = await client.read(eco.subarray(recibidos)).catch(servidorCortado);
    }
    if (leidos === null) servidorCerrado();
    clearTimeout(aviso);
    recibidos += leidos;
  }
  return eco;
}

/** El servidor se fue sin devolver el eco: el mensaje se ha perdido, no se puede seguir. */
function servidorCerrado(): never {
  terminar("El servidor ha cerrado la conexión: no se puede seguir.");
}

/** La conexión se cortó de golpe (reset): no es un final normal. */
function servidorCortado(): never {
  terminar("Se ha cortado la conexión con el servidor: no se puede seguir.");
}
