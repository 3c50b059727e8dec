/**
 * Servidor eco por UDP: cada datagrama que llega vuelve tal cual a quien lo envió.
 *
 * Con UDP no hay conexión: ni `listen()` ni `accept()`. El servidor recibe datagramas sueltos
 * y cada uno trae la dirección de quien lo envió (`recvfrom` en Python); la respuesta va a
 * esa dirección (`sendto`). Cada datagrama es un mensaje entero: no llega partido ni pegado
 * al siguiente, así que no hace falta buscar dónde acaba. A cambio, puede perderse por el
 * camino y nadie avisa (el cliente espera el eco como mucho un segundo). Como el servidor del
 * capítulo, con «cerrar» se despide y termina; Ctrl+C también lo termina.
 *
 * Python -> Deno: socket(AF_INET, SOCK_DGRAM) + bind() -> dgram.createSocket("udp4") +
 * bind(); recvfrom(1024) -> cada evento "message", con los datos y la dirección de quien
 * envía (el datagrama entero: recvfrom(1024) cortaría lo que pase de 1024 bytes);
 * sendto() -> server.send(). Usamos `node:dgram`, que en Deno 2 es estable y solo pide
 * --allow-net; `Deno.listenDatagram` se lee casi igual, pero aún exige --unstable-net, un
 * permiso más que explicar en clase y una API que puede cambiar.
 *
 * Opciones: --host (por defecto 0.0.0.0, todas las interfaces) y --port (por defecto 9999;
 * 0 deja que el sistema elija uno libre). Prueba también con `nc -u localhost 9999`.
 *
 * @python Apartado 1 «Sockets», más allá: el ejemplo de servidor con UDP, socket(AF_INET, SOCK_DGRAM), bind(), recvfrom(1024), sendto()
 * @ejecutar deno run --allow-net sockets/servidor_udp.ts
 * @junto_a sockets/cliente_udp.ts
 * @salida
 *   Servidor UDP escuchando en 0.0.0.0:9999
 *   127.0.0.1:42841 dice: hola
 *   Taluego, cliente!
 * @cambia El puerto del cliente, que elige el sistema en cada ejecución.
 */

import dgram from "node:dgram";
import { on } from "node:events";
import { parseArgs } from "node:util";

const { host, port } = leerOpciones();

const server = dgram.createSocket("udp4");
await escuchar(server, host, port);
const { address, port: puerto } = server.address();
console.log(`Servidor UDP escuchando en ${address}:${puerto}`);

// Cada vuelta, un datagrama entero con la dirección de quien lo envía (el recvfrom de Python).
for await (const [receivedInBytes, addresses] of on(server, "message")) {
  const received = new TextDecoder().decode(receivedInBytes).replace(/\r?\n$/, ""); // el \n de nc

  if (received === "cerrar") {
    break;
  }

  console.log(`${addresses.address}:${addresses.port} dice: ${visible(received)}`);

  server.send(receivedInBytes, addresses.port, addresses.address); // el eco, a quien lo envió
}

console.log("Taluego, cliente!");

server.close();

// --- Lo de siempre, explicado en español: opciones, permiso y errores al escuchar ---

/**
 * Lo que envía otro equipo se muestra con los caracteres de control a la vista (\n, \x1b):
 * así no puede mover el cursor ni borrar nuestra terminal, ni inventarse una línea del
 * registro con un salto de línea. Un mensaje, una línea.
 */
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

/** bind() con los fallos de siempre dichos en español (código 1, sin traza). */
function escuchar(socket: dgram.Socket, host: string, port: number): Promise<void> {
  return new Promise((listo) => {
    socket.once("error", (error: Error & { code?: string }) => {
      if (error.code === "EADDRINUSE") {
        terminar(
          `El puerto UDP ${port} ya está en uso: ¿hay otro servidor abierto? Ciérralo (Ctrl+C ` +
            "en su terminal) o elige otro puerto con --port.",
        );
      }
      if (error.code === "EACCES") {
        terminar(
          `El sistema no deja escuchar en el puerto ${port}: los puertos por debajo de 1024 ` +
            "son del administrador. Elige otro con --port, como 9999.",
        );
      }
      terminar(
        `No se puede escuchar en ${host}:${port}: ${host} no es una dirección de este equipo ` +
          "(prueba con --host 0.0.0.0 o --host 127.0.0.1).",
      );
    });
    socket.bind(port, host, listo);
  });
}

function terminar(frase: string): never {
  console.error(frase);
  Deno.exit(1);
}

/** --host y --port (y -h/--help), con los errores de uso en una frase y código 2. */
function leerOpciones(): { host: string; port: number } {
  const orden = `deno run --allow-net ${ruta("servidor_udp.ts")}`;
  const uso = `Uso: ${orden} [--host 0.0.0.0] [--port 9999]`;
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
        host: { type: "string", default: "0.0.0.0" },
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
  --host H    dirección en la que escuchar (por defecto 0.0.0.0: todas las de este equipo)
  --port N    puerto UDP, de 0 a 65535 (por defecto 9999; 0: uno libre que elige el sistema)
  -h, --help  esta ayuda`);
    Deno.exit(0);
  }
  const port = /^\d{1,5}$/.test(values.port) ? Number(values.port) : NaN;
  if (!(port <= 65535)) errorDeUso(`--port debe ser un número de 0 a 65535 (no "${values.port}").`);
  // Antes de usar la red: sin permiso, Deno preguntaría en inglés (o fallaría con una traza).
  const donde = values.host.includes(":") ? `[${values.host}]` : values.host; // IPv6: [::1]
  if (Deno.permissions.querySync({ name: "net", host: `${donde}:${port}` }).state !== "granted") {
    terminar(`No hay permiso para escuchar en ${donde}:${port}. Ejecuta: ${orden}`);
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
