/**
 * Servidor eco para muchos clientes a la vez, hasta que se pulse Ctrl+C.
 *
 * El servidor del capítulo atiende a un solo cliente. Para atender a muchos, en Python se
 * suele crear un thread por cliente. En JavaScript no hace falta: mientras una conversación
 * espera a su cliente (`await read()`), el programa atiende a las demás. Cada cliente es una
 * tarea asíncrona (`atenderCliente`, sin esperarla); el sistema avisa de qué conexión tiene
 * datos y un solo hilo reparte el trabajo. Los threads hacen falta para calcular en paralelo,
 * no para esperar a la red.
 *
 * Cada cliente recibe un número. «cerrar» termina solo la conversación de ese cliente; un
 * cliente que se va de golpe, que envía bytes que no son UTF-8 o megas no molesta a los demás.
 * Lo que envían se imprime con los caracteres de control a la vista (\n, \x1b): un mensaje,
 * una línea. Ctrl+C (o SIGTERM, fuera de Windows) cierra sin perder nada: deja de aceptar
 * clientes, devuelve el eco de lo que ya ha llegado, cierra cada conexión con normalidad
 * (el cliente lee el final, no un corte) y sale con 0. Un segundo Ctrl+C sale ya.
 *
 * Opciones: las de servidor.ts, --host (0.0.0.0) y --port (9999).
 *
 * @python Apartado 1 «Sockets», ejemplo de servidor, para muchos clientes (un thread por cliente en Python)
 * @ejecutar deno run --allow-net sockets/servidor_multicliente.ts
 * @junto_a sockets/cliente.ts
 * @salida
 *   Servidor escuchando en 0.0.0.0:9999
 *   Cliente 1 (127.0.0.1:54008) conectado
 *   Cliente 1 (127.0.0.1:54008) dice: hola
 *   Taluego, cliente 1!
 *   ^C
 *   Cerrando el servidor y 0 conexiones abiertas.
 *   Taluego, clientes!
 * @cambia El puerto de cada cliente, que elige el sistema; con varios clientes, el orden de sus líneas.
 */

import { parseArgs } from "node:util";

const encoder = new TextEncoder();
let porEscribir = ""; // lo que print() aún no ha escrito
const ORDEN = `deno run --allow-net ${ruta("servidor_multicliente.ts")}`;

/** Las conexiones abiertas, y cuándo llegó el último mensaje (para cerrar sin perder nada). */
const abiertas = new Set<Deno.TcpConn>();
let ultimoMensaje = 0;
let cerrando = false;
/** Tras Ctrl+C, si ningún cliente ha enviado nada en este tiempo, ya no hay nada en camino. */
const SILENCIO_MS = 300;
/** Lo más que se espera a ese silencio, y después a que cada cliente cierre su lado. */
const ESPERA_MS = 1000;

if (import.meta.main) {
  const { host, port } = opciones();

  const server = escuchar(host, port);
  print(`Servidor escuchando en ${server.addr.hostname}:${server.addr.port}`);
  alPulsarCtrlC(server);

  let clientes = 0;
  while (true) {
    const serverConnection = await aceptar(server);
    if (serverConnection === null) break; // Ctrl+C: ya no se aceptan clientes

    atenderCliente(serverConnection, ++clientes); // sin await: seguimos aceptando clientes
  }
}

/** La conversación del capítulo con un cliente, de principio a fin. */
async function atenderCliente(serverConnection: Deno.TcpConn, numero: number) {
  const addresses = serverConnection.remoteAddr;
  const quien = `Cliente ${numero} (${addresses.hostname}:${addresses.port})`;
  print(`${quien} conectado`);
  abiertas.add(serverConnection);
  serverConnection.setNoDelay(true); // cada eco sale ya, sin esperar a juntar más bytes

  // Como recv(): cada lectura trae los bytes que ya hayan llegado, hasta llenar el buffer.
  // Python lee de 1024 en 1024; aquí, de 16 KiB: un mensaje largo sale en menos líneas. Lo
  // que no cabe llega en la lectura siguiente; media letra partida entre dos lecturas la
  // guarda el decodificador (stream: true) hasta completarla. (`for await (const trozo of
  // serverConnection.readable)` se escribe más corto, pero estrena 64 KiB en cada lectura:
  // con mensajes cortos, más trabajo para el recolector de basura y ecos más lentos.)
  const receivedInBytes = new Uint8Array(16 * 1024);
  const decoder = new TextDecoder();
  let received = "";

  try {
    while (true) {
      const leidos = await serverConnection.read(receivedInBytes);
      if (leidos === null) break; // el cliente cerró la conexión
      ultimoMensaje = performance.now(); // para Ctrl+C: saber cuándo callan todos

      const bytes = receivedInBytes.subarray(0, leidos);
      received = sinSaltoFinal(decoder.decode(bytes, { stream: true }));

      if (received === "cerrar") {
        break;
      }

      if (received !== "") print(`${quien} dice: ${visible(received)}`);

      await sendall(serverConnection, bytes);
    }
  } catch {
    // La conexión se cortó de golpe (reset): otra forma de irse.
  }
  if (received !== "cerrar" && !cerrando) print(`${quien} se ha ido sin decir «cerrar».`);

  print(`Taluego, cliente ${numero}!`);

  abiertas.delete(serverConnection);
  try {
    serverConnection.close();
  } catch {
    // Ya la cerró Ctrl+C: el cliente no cerraba la suya.
  }
}

// --- Cerrar sin perder nada; y lo de siempre: opciones, permiso, errores al escuchar y aceptar ---

/**
 * Ctrl+C (SIGINT) o SIGTERM: dejamos de aceptar clientes y cerramos sin perder nada. Cerrar
 * una conexión a la vez que llega un mensaje lo perdería, y el cliente vería un corte (reset)
 * en vez del final. Así que esperamos a que los clientes callen (SILENCIO_MS sin mensajes:
 * los que estaban en camino ya tienen su eco), cerramos nuestro lado de cada conexión
 * (closeWrite: el cliente lee el final) y esperamos a que cada cliente cierre el suyo.
 */
function alPulsarCtrlC(server: Deno.TcpListener) {
  const cerrar = () => {
    if (cerrando) { // segundo Ctrl+C: sin esperar más
      escribirYa();
      Deno.exit(0);
    }
    cerrando = true;
    server.close();
    if (Deno.stdout.isTerminal()) print(""); // la terminal ya escribió ^C: pasamos de línea
    const n = abiertas.size;
    print(
      `Cerrando el servidor y ${n} ${n === 1 ? "conexión abierta" : "conexiones abiertas"}.`,
    );
    const inicio = performance.now();
    let anterior = inicio;
    let avisadas = 0; // cuándo cerramos nuestro lado de todas
    const repasar = () => {
      const ahora = performance.now();
      // Callados desde antes del repaso anterior: entre los dos, el programa ha leído ya todo
      // lo que hubiera en camino (aunque el sistema lo haya tenido parado un rato).
      const callados = Math.max(ultimoMensaje, inicio) <= anterior - SILENCIO_MS;
      if (!avisadas && (callados || ahora - inicio > ESPERA_MS)) {
        for (const conexion of abiertas) conexion.closeWrite().catch(() => {});
        avisadas = ahora;
      } else if (avisadas && ahora - avisadas > ESPERA_MS) {
        for (const conexion of abiertas) conexion.close(); // cada conversación se despide y sale
        avisadas = Infinity;
      }
      anterior = ahora;
      if (abiertas.size > 0) return setTimeout(repasar, 100);
      print("Taluego, clientes!");
      escribirYa();
      Deno.exit(0);
    };
    repasar();
  };
  Deno.addSignalListener("SIGINT", cerrar);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", cerrar); // Windows: solo Ctrl+C
}

/**
 * accept() de Python, sin pausas. Un cliente que se corta (reset) antes de ser aceptado, como
 * hace un escáner de puertos, no es un fallo: se acepta el siguiente enseguida. Devuelve null
 * cuando el servidor se cierra.
 */
async function aceptar(server: Deno.TcpListener): Promise<Deno.TcpConn | null> {
  while (true) {
    try {
      return await server.accept();
    } catch (error) {
      if (error instanceof Deno.errors.BadResource) return null; // lo cerró Ctrl+C
      if (seFue(error)) continue;
      // Otro fallo, como demasiados ficheros abiertos: lo decimos y esperamos a que se libere
      // alguno (si no, daríamos vueltas sin parar).
      console.error(`No se pudo aceptar un cliente: ${(error as Error).message}`);
      await new Promise((seguir) => setTimeout(seguir, 100));
    }
  }
}

/** ¿Es el error de un cliente que se fue (reset) antes de que lo aceptáramos? */
function seFue(error: unknown): boolean {
  return error instanceof Deno.errors.NotConnected ||
    error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.ConnectionAborted;
}

/** Quita el salto de línea final que añaden `nc` o `telnet` (\n o \r\n). */
function sinSaltoFinal(texto: string): string {
  return texto.replace(/\r?\n$/, "");
}

/**
 * Los caracteres de control, a la vista (\n, \r, \t, \x1b...): lo que envía otro equipo no
 * debe mover el cursor, borrar la terminal ni inventarse una línea del registro.
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

/** Deno.listen(), con los fallos de siempre en una frase (código 1, sin traza). */
function escuchar(host: string, port: number): Deno.TcpListener {
  try {
    return Deno.listen({ hostname: host, port });
  } catch (error) {
    terminar(
      error instanceof Deno.errors.AddrInUse
        ? `El puerto ${port} ya está en uso: ¿hay otro servidor abierto? Ciérralo (Ctrl+C en ` +
          "su terminal) o elige otro puerto con --port. (Tras cerrar el servidor de Python " +
          "del capítulo, el puerto tarda un minuto en quedar libre.)"
        : error instanceof Deno.errors.PermissionDenied
        ? `El sistema no deja escuchar en el puerto ${port}: los puertos por debajo de 1024 ` +
          "son del administrador. Elige otro con --port, como 9999."
        : /lookup/.test(String(error))
        ? `No se encuentra el equipo «${host}»: ese nombre no existe. Revisa --host.`
        : `No se puede escuchar en ${host}:${port}: ${host} no es una dirección de este ` +
          "equipo (prueba con --host 0.0.0.0 o --host 127.0.0.1).",
    );
  }
}

/**
 * sendall() de Python: write() puede enviar solo una parte de los bytes (si el buffer del
 * sistema está lleno), así que repetimos hasta enviarlos todos. (Un writer de
 * `serverConnection.writable` hace lo mismo, pero cada escritura le cuesta más: con 200
 * clientes, el servidor atiende un cuarto menos de mensajes por segundo.)
 */
async function sendall(conexion: Deno.Conn, bytes: Uint8Array) {
  for (let enviados = 0; enviados < bytes.length;) {
    enviados += await conexion.write(bytes.subarray(enviados));
  }
}

/**
 * print() de Python: escribe una línea en la salida, como console.log(linea). Como Python
 * cuando la salida no es una terminal, junta las líneas y las escribe de una vez (una sola
 * llamada al sistema), en cuanto termina lo que el programa esté haciendo: con muchos
 * mensajes por segundo, el servidor va un tercio más rápido, y cada línea sale enseguida.
 */
function print(linea: string) {
  if (porEscribir === "") queueMicrotask(escribirYa);
  porEscribir += linea + "\n";
}

/** Escribe lo que print() ha ido juntando. */
function escribirYa() {
  const bytes = encoder.encode(porEscribir);
  porEscribir = "";
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

/** Las opciones de Deno.args; con -h, un error de uso o sin permiso de red, termina aquí. */
function opciones(): { host: string; port: number } {
  const leidas = leerOpciones(Deno.args);
  if ("texto" in leidas) {
    (leidas.code === 0 ? console.log : console.error)(leidas.texto);
    Deno.exit(leidas.code);
  }
  // Antes de usar la red: sin permiso, Deno preguntaría en inglés (o fallaría con una traza).
  const donde = leidas.host.includes(":") ? `[${leidas.host}]` : leidas.host;
  const permiso = Deno.permissions.querySync({ name: "net", host: `${donde}:${leidas.port}` });
  if (permiso.state !== "granted") {
    terminar(`No hay permiso para escuchar en ${donde}:${leidas.port}. Ejecuta: ${ORDEN}`);
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
  const uso = `Uso: ${ORDEN} [--host 0.0.0.0] [--port 9999]`;
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
        host: { type: "string", default: "0.0.0.0" },
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
  --host H    dirección en la que escuchar (por defecto 0.0.0.0: todas las de este equipo)
  --port N    puerto, de 0 a 65535 (por defecto 9999; 0: uno libre que elige el sistema)
  -h, --help  esta ayuda`,
      code: 0,
    };
  }
  const port = /^-?\d+$/.test(values.port) ? Number(values.port) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    const frase = Number.isNaN(port)
      ? `--port debe ser un número (no «${values.port}»).`
      : `--port ${values.port} está fuera de rango: debe ser de 0 a 65535.`;
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
