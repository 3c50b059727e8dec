/**
 * Cliente: envía al servidor cada línea que escribes y muestra el eco que le devuelve.
 *
 * Como el de Python: pide un mensaje, envía sus bytes UTF-8 tal cual (sin añadir nada) y con
 * «cerrar» se despide. Además, tras cada mensaje espera su eco (tantos bytes como envió) y lo
 * muestra; así dos mensajes seguidos nunca llegan pegados al servidor. El eco se recibe a la
 * vez que se envía: un mensaje de megas no se atasca con los buffers del sistema llenos.
 *
 * La entrada se lee como un flujo de líneas, así que funciona tecleando y también con una
 * tubería (`printf 'hola\ncerrar\n' | deno run ...`). Si la entrada se acaba (Ctrl+D) se envía
 * «cerrar», para que el servidor termine bien; también con Ctrl+C mientras esperas a teclear
 * (sale con 130) o si nadie lee ya la salida (`| head -c 5`, sale con 0): el servidor del
 * capítulo, si el cliente se va sin «cerrar», se queda repitiendo `127.0.0.1 dice: ` sin fin.
 * Sin servidor, lo dice y sale con 1. Si el eco no llega en 2 segundos (el servidor atiende a
 * otro cliente, o está parado), lo avisa y sigue esperando: el eco llegará cuando el servidor
 * te atienda, y Ctrl+C termina en cualquier momento (sin «cerrar», que se pegaría al mensaje).
 *
 * Mientras esperas a teclear, el cliente vigila la conexión: si el servidor la cierra (Ctrl+C
 * en su terminal), lo dice al momento, sin esperar a tu Enter, y termina con 0, porque la
 * conversación acabó con normalidad; si la corta de golpe (un reset), lo dice y sale con 1.
 *
 * Python -> Deno: socket() + connect() -> Deno.connect(); input() -> la siguiente línea de
 * Deno.stdin.readable; send() -> writer.write(), que envía todos los bytes; print() ->
 * print(), definida abajo: una línea, como console.log, pero más deprisa con líneas de megas.
 *
 * Opciones: --host (por defecto localhost) y --port (por defecto 9999).
 *
 * @python Apartado 1 «Sockets», ejemplo de cliente: socket(), connect(("localhost", 9999)), input(), send(), close()
 * @ejecutar deno run --allow-net sockets/cliente.ts
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

import { parseArgs } from "node:util";

const ORDEN = `deno run --allow-net ${ruta("cliente.ts")}`;
const SERVIDOR = "servidor.ts"; // el que hay que arrancar antes

const encoder = new TextEncoder();
let lineas: AsyncGenerator<string> | undefined; // las líneas de stdin, al leer la primera
let despedida: (() => Promise<void>) | undefined; // envía «cerrar», cuando ya hay conexión
let enVuelo = false; // un mensaje enviado espera su eco (o ya se envió «cerrar»)
let despidiendonos = false; // Ctrl+C: despedirse() envía «cerrar» y termina con 130
let adelantada: Promise<number | null> | undefined; // la lectura de vigilar(), hasta recibir()
const primerByte = new Uint8Array(1); // el byte que lee vigilar()

if (import.meta.main) {
  const { host, port } = opciones();

  const client = await conectar(host, port);
  const writer = client.writable.getWriter(); // send(): write() envía todos los bytes
  const decoder = new TextDecoder();
  // Irse sin «cerrar» deja al servidor del capítulo dando vueltas sin fin (su recv() devuelve
  // b"" una y otra vez): con Ctrl+C, o si nadie lee ya nuestra salida, también nos despedimos.
  despedida = () => writer.write(encoder.encode("cerrar"));
  Deno.addSignalListener("SIGINT", irse);

  while (true) {
    const message = await input("Mensaje a enviar: ", client); // y vigila la conexión
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

// --- Lo de siempre, dicho en español: opciones, permiso, conexión, entrada y eco ---

/**
 * `input()` de Python: muestra el aviso y devuelve la línea siguiente. Si la entrada se acaba
 * (Ctrl+D), devuelve «cerrar». Con una tubería nada se ve al teclear, así que repetimos la
 * línea leída: la salida queda igual que en la terminal. Mientras espera la línea, vigila la
 * conexión (ver vigilar(), abajo): si el servidor se va, lo dice y termina ya.
 */
async function input(aviso: string, client: Deno.TcpConn): Promise<string> {
  // Si nadie lee nuestra salida (`| head -c 5` ya terminó), acabamos sin ruido (y con «cerrar»).
  await Deno.stdout.write(encoder.encode(aviso)).catch(() => despedirse(0));
  lineas ??= leerLineas(Deno.stdin.readable);
  const siguiente = lineas.next();
  // Lo que pase antes: que llegue la línea o que el servidor cierre (o corte) la conexión.
  const antes = await Promise.race([siguiente.then(() => "línea"), vigilar(client)]);
  if (antes === "cerrada" || antes === "cortada") {
    // Tras Ctrl+C, el servidor cierra porque le hemos dicho «cerrar»: despedirse() termina.
    if (despidiendonos) await new Promise(() => {});
    print(""); // el aviso «Mensaje a enviar: » quedó a medias: la frase, en su línea
    if (antes === "cerrada") conversacionTerminada();
    servidorCortado();
  }
  const { done, value } = await siguiente;
  if (done) {
    print("(fin de la entrada: se envía «cerrar»)");
    return "cerrar";
  }
  const linea = value.replace(/\r?\n?$/, ""); // sin el \n (ni el \r de Windows)
  if (!Deno.stdin.isTerminal()) print(linea);
  // Ctrl+D tras escribir algo entrega la línea sin Enter: la terminal no ha pasado de línea.
  else if (!value.endsWith("\n")) print("");
  return linea;
}

/**
 * Las líneas de un flujo de bytes, una a una, como readline() de Python: cada una con su \n,
 * y la última sin él si el flujo se acaba antes (Ctrl+D tras escribir algo).
 */
async function* leerLineas(flujo: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let pendiente = "";
  for await (const trozo of flujo.pipeThrough(new TextDecoderStream())) {
    const partes = trozo.split("\n");
    partes[0] = pendiente + partes[0];
    pendiente = partes.pop()!;
    for (const linea of partes) yield linea + "\n";
  }
  if (pendiente !== "") yield pendiente;
}

/**
 * Vigilar la conexión mientras esperamos al teclado. Si el servidor se va mientras escribes,
 * el sistema nos lo dice en cuanto leemos de la conexión: read() devuelve null si la cerró
 * con normalidad, o falla si la cortó de golpe. Así que, mientras esperamos la línea, dejamos
 * una lectura de 1 byte en marcha. Casi siempre ese byte acaba siendo el primero del eco del
 * mensaje que vas a enviar; si llega antes (un servidor que habla sin que le pregunten), se
 * guarda igual. Ningún byte se pierde ni cambia de sitio: recibir() empieza siempre por él.
 */
function vigilar(client: Deno.TcpConn): Promise<"cerrada" | "cortada" | "habla"> {
  adelantada ??= client.read(primerByte);
  return adelantada.then((leidos) => leidos === null ? "cerrada" : "habla", () => "cortada");
}

/**
 * Recibe el eco: exactamente `n` bytes, que pueden llegar en varios trozos. El primero, de la
 * lectura que dejó vigilar(), si la hay. Si en 2 segundos no llega nada, lo avisa una vez y
 * sigue esperando.
 */
async function recibir(client: Deno.TcpConn, n: number): Promise<Uint8Array> {
  const eco = new Uint8Array(n);
  const aviso = setTimeout(() => {
    console.error(
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

/**
 * Ctrl+C: terminamos con 130, como si la señal nos hubiera parado. En la terminal, el ^C queda
 * tras el aviso: pasamos de línea, como hace la shell con un programa parado por Ctrl+C.
 */
function irse(): Promise<never> {
  if (Deno.stdout.isTerminal()) print("");
  return despedirse(130);
}

/**
 * Terminar a mitad de la conversación. Si no hay un mensaje esperando su eco, antes enviamos
 * «cerrar», para que el servidor termine bien; si lo hay, no: «cerrar» podría llegarle pegado
 * al mensaje y no lo reconocería. Si la conexión ya no está, no se dice nada más.
 */
async function despedirse(code: number): Promise<never> {
  if (despedida && !enVuelo && !despidiendonos) {
    despidiendonos = true; // un segundo Ctrl+C, mientras tanto, termina ya
    await despedida().catch(() => {});
  }
  Deno.exit(code);
}

/** El servidor cerró la conexión mientras escribías: la conversación ha terminado, sin más. */
function conversacionTerminada(): never {
  print("El servidor ha cerrado la conexión: la conversación ha terminado.");
  print("Taluego, servidor!");
  Deno.exit(0); // sin esperar al Enter que nunca llegará: la lectura del teclado queda a medias
}

/** El servidor se fue sin devolver el eco: el mensaje se ha perdido, no se puede seguir. */
function servidorCerrado(): never {
  terminar("El servidor ha cerrado la conexión: no se puede seguir.");
}

/** La conexión se cortó de golpe (reset): no es un final normal. */
function servidorCortado(): never {
  terminar("Se ha cortado la conexión con el servidor: no se puede seguir.");
}

/**
 * connect(). "localhost" puede ser 127.0.0.1 (IPv4) o ::1 (IPv6), y el servidor quizá escucha
 * solo en una: probamos las dos.
 */
async function conectar(host: string, port: number): Promise<Deno.TcpConn> {
  for (const hostname of host === "localhost" ? ["127.0.0.1", "::1"] : [host]) {
    try {
      return await Deno.connect({ hostname, port });
    } catch (error) {
      if (/lookup/.test(String(error))) {
        terminar(`No se encuentra el equipo «${host}»: ese nombre no existe. Revisa --host.`);
      }
      if (error instanceof Deno.errors.NotCapable) sinPermiso(host, port);
    }
  }
  terminar(
    `No se pudo conectar con ${host}:${port}. ¿Está el servidor en marcha? ` +
      `Arráncalo antes en otra terminal: deno run --allow-net ${ruta(SERVIDOR)}`,
  );
}

/**
 * print() de Python: escribe una línea en la salida. Hace lo que console.log(linea), sin su
 * maquinaria de formatos (%s, objetos...), que con miles de mensajes por segundo se nota.
 */
function print(linea: string) {
  const bytes = encoder.encode(linea + "\n");
  try {
    for (let escritos = 0; escritos < bytes.length;) {
      escritos += Deno.stdout.writeSync(bytes.subarray(escritos));
    }
  } catch {
    // Nadie lee ya nuestra salida (`| head` terminó): seguimos sin imprimir, como console.log.
  }
}

function terminar(frase: string): never {
  console.error(frase);
  Deno.exit(1);
}

/** Sin permiso de red (o con uno para otro equipo): la orden con el permiso, sin traza. */
function sinPermiso(host: string, port: number): never {
  terminar(`No hay permiso para conectar con ${host}:${port}. Ejecuta: ${ORDEN}`);
}

/** Las opciones de Deno.args; con -h, un error de uso o sin permiso de red, termina aquí. */
function opciones(): { host: string; port: number } {
  const leidas = leerOpciones(Deno.args);
  if ("texto" in leidas) {
    (leidas.code === 0 ? console.log : console.error)(leidas.texto);
    Deno.exit(leidas.code);
  }
  // Antes de usar la red: sin permiso, Deno preguntaría en inglés (o fallaría con una traza).
  const donde = leidas.host.includes(":") ? `[${leidas.host}]` : leidas.host;
  if (
    Deno.permissions.querySync({ name: "net", host: `${donde}:${leidas.port}` }).state !== "granted"
  ) {
    sinPermiso(leidas.host, leidas.port);
  }
  return leidas;
}

/**
 * --host y --port (y -h/--help). Devuelve las opciones, o el texto que hay que mostrar y el
 * código de salida: 0 con la ayuda, 2 con un error de uso (una frase y el uso).
 */
export function leerOpciones(
  args: string[],
): { host: string; port: number } | { texto: string; code: 0 | 2 } {
  const uso = `Uso: ${ORDEN} [--host localhost] [--port 9999]`;
  // parseArgs lee "--port -1" como la opción -1 sin valor: lo juntamos en "--port=-1".
  const juntos: string[] = [];
  for (const arg of args) {
    if (juntos.at(-1) === "--port" && /^-\d/.test(arg)) juntos[juntos.length - 1] += `=${arg}`;
    else juntos.push(arg);
  }
  let values: { host: string; port: string; help?: boolean };
  try {
    values = parseArgs({
      args: juntos,
      options: {
        host: { type: "string", default: "localhost" },
        port: { type: "string", default: "9999" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const cual = message.match(/'([^' ]+)/)?.[1] ?? "";
    const frase = code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE"
      ? `Falta el valor de ${cual}.`
      : code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL"
      ? `Sobra «${cual}»: las opciones empiezan por --.`
      : `Opción desconocida: ${cual}.`;
    return { texto: `${frase}\n${uso}`, code: 2 };
  }
  if (values.help) {
    return {
      texto: `${uso}
  --host H    equipo del servidor, nombre o dirección (por defecto localhost: este equipo)
  --port N    puerto del servidor, de 1 a 65535 (por defecto 9999)
  -h, --help  esta ayuda`,
      code: 0,
    };
  }
  const port = /^-?\d+$/.test(values.port) ? Number(values.port) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    const frase = Number.isNaN(port)
      ? `--port debe ser un número (no «${values.port}»).`
      : `--port ${values.port} está fuera de rango: debe ser de 1 a 65535.`;
    return { texto: `${frase}\n${uso}`, code: 2 };
  }
  return { host: values.host, port };
}

/**
 * La ruta de un script de esta carpeta para una orden que se pueda pegar donde estamos: vista
 * desde la carpeta actual (`sockets/x.ts`, o `x.ts` dentro de sockets/), o entera si no cuelga
 * de ella. Con espacios, entre comillas.
 */
function ruta(fichero: string): string {
  const separador = Deno.build.os === "windows" ? "\\" : "/";
  const carpeta = `${import.meta.dirname}${separador}`;
  const actual = `${Deno.cwd()}${separador}`;
  const script = (carpeta.startsWith(actual) ? carpeta.slice(actual.length) : carpeta) + fichero;
  return /^[\w\-.\/\\\u00C0-\u024F]+$/.test(script) ? script : `"${script}"`;
}

/**
 * Los caracteres de control, a la vista (\n, \r, \t, \x1b...): lo que envía otro equipo no
 * debe mover el cursor, borrar la terminal ni inventarse una línea.
 */
export function visible(texto: string): string {
  const nombres: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
  const codigo = (c: string) => {
    const hex = c.charCodeAt(0).toString(16);
    return c > "\xff" ? `\\u${hex.padStart(4, "0")}` : `\\x${hex.padStart(2, "0")}`;
  };
  return texto.replace(
    // \x00-\x1f y \x7f-\x9f; los separadores de línea de Unicode; y los invisibles que dan la
    // vuelta al texto o lo esconden (\u202e escribe lo que sigue de derecha a izquierda).
    /[\p{Cc}\u061c\u200b\u200e\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069\ufeff]/gu,
    (c) => nombres[c] ?? codigo(c),
  );
}
