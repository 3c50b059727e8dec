/**
 * Cliente de chat: lo que escribes va al chat y lo que dicen los demás aparece a la vez.
 *
 * El cliente del capítulo hace una cosa detrás de otra: pide un mensaje, lo envía, espera la
 * respuesta. En un chat no se puede: los mensajes de los demás llegan cuando llegan, también
 * mientras escribes. Así que aquí hay dos tareas a la vez en un solo hilo: una lee el teclado
 * y envía cada línea; la otra lee la conexión y muestra cada línea que llega. Ninguna bloquea
 * a la otra porque las dos esperan con `await` (en Python harían falta dos threads, o
 * asyncio).
 *
 * La primera línea que escribes es tu nombre. Si ya lo usa otro, el servidor te pide otro
 * («Ana» ya está en el chat: escribe otro nombre.) y lo siguiente que escribes vuelve a ser tu
 * nombre. «cerrar» o Ctrl+D (fin de la entrada) es salir del chat: el servidor se despide y
 * cierra, y el cliente termina; Ctrl+C termina sin más.
 * Funciona tecleando y con una tubería (`printf 'Ana\nhola\n' | deno run ...`). Lo que
 * llega se muestra con los caracteres de control escapados (\x1b), por si acaso. Cada línea
 * es un mensaje: una de más de 4096 caracteres se envía cortada, con «…» al final, como la
 * cortaría el servidor.
 *
 * Python -> Deno: socket() + connect() -> Deno.connect(); un thread para recv() y otro para
 * input() + send() -> dos funciones async en marcha a la vez.
 *
 * Opciones: --host (por defecto localhost) y --port (por defecto 9999).
 *
 * @python Apartado 1 «Sockets», más allá: el cliente de un chat, que envía y recibe a la vez
 * @ejecutar deno run --allow-net sockets/cliente_chat.ts
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

import { parseArgs } from "node:util";

const ORDEN = `deno run --allow-net ${ruta("cliente_chat.ts")}`;
const SERVIDOR = "servidor_chat.ts"; // el que hay que arrancar antes

const { host, port } = leerOpciones();
const client = await conectar(host, port);
let saliendo = false; // hemos dicho «cerrar» (o se acabó la entrada): el servidor cerrará

/** La línea más larga que se envía, en caracteres: la misma que en servidor_chat.ts. */
const LARGO_MAXIMO = 4096;
/**
 * Lo que llega del servidor no se corta (un mensaje escapado, \x01 -> "\\x01", o la lista de
 * quién está, puede ser más largo): el límite solo está para no llenar la memoria.
 */
const LARGO_RECIBIDO = 1024 * 1024;

// Una tarea muestra lo que llega (recv)...
const recibir = (async () => {
  for await (const linea of leerLineas(client, LARGO_RECIBIDO)) console.log(visible(linea));
})();

// ...y la otra envía lo que se teclea (input + send), a la vez.
(async () => {
  const escritor = client.writable.getWriter();
  for await (const message of leerLineas(Deno.stdin, LARGO_MAXIMO)) {
    await escritor.write(new TextEncoder().encode(message + "\n"));
    if (message === "cerrar") break;
  }
  saliendo = true;
  await client.closeWrite(); // no enviamos más: el servidor se despide y cierra
  setTimeout(() => Deno.exit(0), 2000); // si no cerrara, no esperamos para siempre
})().catch(() => {}); // el servidor ya cerró: lo dice la otra tarea

try {
  await recibir;
  if (!saliendo) console.log("(el servidor ha cerrado la conexión)");
} catch {
  terminar("Se ha cortado la conexión con el servidor.");
}
client.close();
Deno.exit(0); // en una terminal queda una lectura del teclado pendiente: no esperamos otro Enter

// --- Lo de siempre: conectar, leer líneas, escapar, opciones y errores en español ---

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
 * Las líneas que llegan (por la conexión o del teclado), sin el \n (ni el \r de Windows). Se
 * lee con `read()`, como el recv() del capítulo: dejar de leer no cierra la conexión (la
 * despedida aún tiene que salir). Una línea es un mensaje, mida lo que mida: si pasa de
 * `limite` caracteres, se corta ahí, con «…» al final, y lo que llegue después hasta su \n se
 * tira sin guardarlo (una línea de varios MB sin \n no llena la memoria).
 */
async function* leerLineas(
  origen: Deno.Conn | typeof Deno.stdin,
  limite: number,
): AsyncGenerator<string> {
  const bytes = new Uint8Array(16 * 1024);
  const decoder = new TextDecoder(); // con stream: true, una letra partida entre dos lecturas
  let linea = ""; // lo que ha llegado de la línea actual (como mucho, `limite` caracteres)
  let cortada = false; // pasó del límite: lo que llegue hasta el \n se tira
  let leidos;
  while ((leidos = await origen.read(bytes)) !== null) {
    const trozos = decoder.decode(bytes.subarray(0, leidos), { stream: true }).split("\n");
    for (let i = 0; i < trozos.length; i++) {
      if (!cortada) linea += trozos[i];
      // .length cuenta mitades de emoji; [...texto] cuenta caracteres enteros (y no los parte).
      if (!cortada && linea.length > limite) {
        const caracteres = [...linea.replace(/\r$/, "")];
        if (caracteres.length > limite) {
          linea = caracteres.slice(0, limite).join("") + "…";
          cortada = true;
        }
      }
      if (i < trozos.length - 1) { // tras este trozo venía un \n: la línea está completa
        yield linea.replace(/\r$/, "");
        linea = "";
        cortada = false;
      }
    }
  }
  if (linea !== "") yield linea.replace(/\r$/, "");
}

/** Lo que envía otro equipo, con los caracteres de control a la vista (\n, \x1b). */
function visible(texto: string): string {
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

function terminar(frase: string): never {
  console.error(frase);
  Deno.exit(1);
}

/** Sin permiso de red (o con uno para otro equipo): la orden con el permiso, sin traza. */
function sinPermiso(host: string, port: number): never {
  terminar(`No hay permiso para conectar con ${host}:${port}. Ejecuta: ${ORDEN}`);
}

/** --host y --port (y -h/--help), con los errores de uso en una frase y código 2. */
function leerOpciones(): { host: string; port: number } {
  const uso = `Uso: ${ORDEN} [--host localhost] [--port 9999]`;
  function errorDeUso(frase: string): never {
    console.error(`${frase}\n${uso}`);
    Deno.exit(2);
  }
  // parseArgs lee "--port -1" como una opción -1 sin valor: lo juntamos en "--port=-1".
  const args: string[] = [];
  for (const arg of Deno.args) {
    if (args.at(-1) === "--port" && /^-\d/.test(arg)) args[args.length - 1] += `=${arg}`;
    else args.push(arg);
  }
  let values: { host: string; port: string; help?: boolean };
  try {
    values = parseArgs({
      args,
      options: {
        host: { type: "string", default: "localhost" },
        port: { type: "string", default: "9999" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const cual = message.match(/'([^' ]+)/)?.[1] ?? "";
    errorDeUso(
      code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE"
        ? `Falta el valor de ${cual}.`
        : code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL"
        ? `Sobra «${cual}»: las opciones empiezan por --.`
        : `Opción desconocida: ${cual}.`,
    );
  }
  if (values.help) {
    console.log(`${uso}
  --host H    equipo del servidor de chat (por defecto localhost)
  --port N    puerto del servidor, de 1 a 65535 (por defecto 9999)
  -h, --help  esta ayuda`);
    Deno.exit(0);
  }
  const port = /^\d{1,5}$/.test(values.port) ? Number(values.port) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    errorDeUso(`--port debe ser un número de 1 a 65535 (no "${values.port}").`);
  }
  // Antes de usar la red: sin permiso, Deno preguntaría en inglés (o fallaría con una traza).
  const donde = values.host.includes(":") ? `[${values.host}]` : values.host; // IPv6: [::1]
  if (Deno.permissions.querySync({ name: "net", host: `${donde}:${port}` }).state !== "granted") {
    sinPermiso(values.host, port);
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
