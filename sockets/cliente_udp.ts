/**
 * Cliente UDP: envía cada línea que escribes en un datagrama y muestra el eco del servidor.
 *
 * Como el cliente del capítulo, pero sin conexión: no hay `connect()` que falle si el
 * servidor no está, porque cada mensaje sale suelto hacia una dirección (`sendto`). Por eso
 * el cliente no puede saber si alguien lo recibe: espera el eco como mucho un segundo y, si
 * no llega, lo dice y pide el siguiente mensaje en vez de quedarse colgado (un datagrama
 * puede perderse, o el servidor no estar en marcha; UDP no avisa de ninguna de las dos). Un
 * eco que llega tarde se muestra como tal mientras se espera el del mensaje siguiente.
 *
 * «cerrar» se envía y termina el cliente (y el servidor, como en el capítulo); Ctrl+D
 * (fin de la entrada) envía «cerrar» igual, y Ctrl+C termina sin enviar nada. Funciona
 * tecleando y con una tubería (`printf 'hola\ncerrar\n' | deno run ...`).
 *
 * Python -> Deno: socket(AF_INET, SOCK_DGRAM) -> dgram.createSocket("udp4"); sendto() ->
 * client.send(bytes, port, address); recvfrom() con settimeout(1) -> esperar el evento
 * "message" con un temporizador de un segundo. `node:dgram` y no `Deno.listenDatagram`, que
 * aún exige --unstable-net (lo explica servidor_udp.ts).
 *
 * Opciones: --host (por defecto localhost) y --port (por defecto 9999).
 *
 * @python Apartado 1 «Sockets», más allá: el ejemplo de cliente con UDP, socket(AF_INET, SOCK_DGRAM), input(), sendto(), recvfrom()
 * @ejecutar deno run --allow-net sockets/cliente_udp.ts
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
import { parseArgs } from "node:util";

const { host, port } = leerOpciones();
const address = await resolver(host);

const client = dgram.createSocket("udp4");
const llegados: string[] = []; // lo que devuelve el servidor, en orden de llegada
let avisar = () => {};
client.on("message", (datos: Uint8Array, quien: dgram.RemoteInfo) => {
  if (quien.address !== address || quien.port !== port) return;
  llegados.push(new TextDecoder().decode(datos));
  avisar();
});
const encoder = new TextEncoder();
const lineas = leerLineas(Deno.stdin.readable);

while (true) {
  let message = await input("Mensaje a enviar: ");
  if (message === null) {
    console.log("(fin de la entrada: se envía «cerrar»)");
    message = "cerrar";
  }
  if (message === "") continue; // una línea vacía no se envía: no habría eco que esperar

  const enviado = await sendto(encoder.encode(message));

  if (message === "cerrar") {
    break;
  }
  if (!enviado) continue; // no cabía en un datagrama: no hay eco que esperar

  const data = await recvfrom(message, 1000); // el eco, o null si no llega en un segundo
  if (data === null) {
    console.log(
      `El servidor no ha respondido en un segundo. ¿Está en marcha en ${host}:${port}? ` +
        "(Con UDP nadie avisa: el datagrama pudo perderse o no haber nadie escuchando.)",
    );
  } else {
    console.log(`El servidor responde: ${data}`);
  }
}

console.log("Taluego, servidor!");

client.close();
Deno.exit(0); // en una terminal queda una lectura del teclado pendiente: no esperamos otro Enter

// --- Lo de siempre: leer líneas, enviar, esperar el eco, opciones y errores en español ---

/** client.send() como una promesa: cuando se cumple, el datagrama ya ha salido (true). */
function sendto(bytes: Uint8Array): Promise<boolean> {
  return new Promise((enviado) => {
    client.send(bytes, port, address, (error: Error | null) => {
      if (!error) return enviado(true);
      if ((error as { code?: string }).code === "EMSGSIZE") {
        console.log(`(${bytes.length} bytes no caben en un datagrama UDP: como mucho 65507)`);
        return enviado(false);
      }
      terminar(`No se pudo enviar a ${host}:${port}: ${error.message}`);
    });
  });
}

/**
 * recvfrom() con settimeout(): espera el eco de `message` como mucho `ms` milisegundos y lo
 * devuelve (null si no llega). Otro texto es el eco tardío de un mensaje anterior: se muestra
 * como tal y se sigue esperando. Los datagramas de otras direcciones no son del servidor.
 */
async function recvfrom(message: string, ms: number): Promise<string | null> {
  const limite = Date.now() + ms;
  while (true) {
    for (let data; (data = llegados.shift()) !== undefined;) {
      if (data === message) return visible(data);
      console.log(`(eco que llegó tarde: ${visible(data)})`);
    }
    if (Date.now() >= limite) return null;
    let temporizador: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((seguir) => {
      avisar = seguir;
      temporizador = setTimeout(seguir, limite - Date.now());
    });
    clearTimeout(temporizador);
  }
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
 * `input()` de Python: muestra el aviso y devuelve la línea siguiente, o `null` si la
 * entrada se ha acabado. Con una tubería no se ve lo tecleado: repetimos la línea leída.
 */
async function input(aviso: string): Promise<string | null> {
  // Si quien lee nuestra salida se ha ido (`... | head`), no queda a quién hablar: salimos.
  await Deno.stdout.write(encoder.encode(aviso)).catch(() => Deno.exit(0));
  const { done, value } = await lineas.next();
  if (done) return null;
  const linea = value.replace(/\r?\n?$/, ""); // sin el \n (ni el \r de Windows)
  if (!Deno.stdin.isTerminal()) console.log(linea);
  // Ctrl+D tras escribir algo entrega la línea sin Enter: la terminal no ha pasado de línea.
  else if (!value.endsWith("\n")) console.log();
  return linea;
}

/** El nombre del servidor, a su dirección IPv4 (sendto la necesita). */
async function resolver(host: string): Promise<string> {
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch {
    terminar(`No se encuentra el equipo «${host}»: ese nombre no existe. Revisa --host.`);
  }
}

function terminar(frase: string): never {
  console.error(frase);
  Deno.exit(1);
}

/** --host y --port (y -h/--help), con los errores de uso en una frase y código 2. */
function leerOpciones(): { host: string; port: number } {
  const orden = `deno run --allow-net ${ruta("cliente_udp.ts")}`;
  const uso = `Uso: ${orden} [--host localhost] [--port 9999]`;
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
  --host H    equipo del servidor (por defecto localhost)
  --port N    puerto UDP del servidor, de 1 a 65535 (por defecto 9999)
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
    terminar(`No hay permiso para enviar a ${donde}:${port}. Ejecuta: ${orden}`);
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
