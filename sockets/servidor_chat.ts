/**
 * Servidor de chat: cada línea que envía un cliente les llega a todos los demás con su nombre.
 *
 * Es el servidor del capítulo para muchos clientes que, en vez de recibir su propio eco, se
 * hablan entre sí. Al conectarse, el servidor pregunta el nombre, y la línea que llega es el
 * nombre (20 caracteres como mucho). Si ya lo usa otro, el servidor lo dice y pide otro: la
 * línea siguiente vuelve a ser un nombre, hasta que llega uno libre. Dos nombres que se ven
 * igual son el mismo: «ana» y «Ana», o «José» tecleado de dos maneras. Una línea vacía (o sin
 * nada que se vea) es «Cliente N», con N el número de conexión: ese nombre, en mayúsculas o
 * en minúsculas, solo lo pone el servidor. Quien se va mientras elige no llega a entrar: nadie
 * lo ve. Ya dentro, cada línea va a los demás como `<nombre>: <texto>`, y todos ven quién
 * entra y quién sale. «cerrar», o cerrar la conexión, es salir del chat. Una línea es un
 * mensaje, mida lo que mida: la de más de 4096 caracteres llega cortada, con «…» al final.
 *
 * Cada cliente es una tarea asíncrona, como en servidor_multicliente.ts: mientras una espera a
 * su cliente, las demás siguen. Enviar a los demás nunca espera a nadie: cada envío se pone en
 * la cola de escritura de ese cliente y el servidor sigue. Un cliente que no lee lo que le
 * llega (su cola pasa de 1 MiB) sale del chat; uno que desaparece de golpe (reset) solo sale:
 * los demás no notan nada. Ctrl+C (o SIGTERM, fuera de Windows) avisa a todos (también a
 * quien aún elige nombre) y cierra.
 *
 * Para unirse, el cliente de este chat, que lee el teclado y la red a la vez:
 * `deno run --allow-net sockets/cliente_chat.ts`; o bien `nc localhost 9999`.
 *
 * Python -> Deno: lo de servidor.ts (socket() + bind() + listen() -> Deno.listen(); accept()
 * -> server.accept()), con un thread por cliente en Python -> una tarea asíncrona aquí;
 * send() a cada uno de los demás -> writer.write() sin esperar a que termine. Con threads,
 * mirar si un nombre está libre y apuntarlo pedirían un Lock (dos clientes podrían elegir el
 * mismo a la vez); aquí corre una sola tarea cada vez, y entre mirar y apuntar no hay await.
 *
 * Opciones: --host (por defecto 0.0.0.0, todas las interfaces) y --port (por defecto 9999;
 * 0 deja que el sistema elija uno libre).
 *
 * @python Apartado 1 «Sockets», más allá: un chat, el servidor del capítulo para muchos clientes que se hablan entre sí
 * @ejecutar deno run --allow-net sockets/servidor_chat.ts
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

import { parseArgs } from "node:util";

const { host, port } = leerOpciones();

const server = escuchar(host, port);
console.log(`Servidor de chat escuchando en ${server.addr.hostname}:${server.addr.port}`);

/** Quién está dentro del chat: cada nombre (su `clave`), con el cliente que lo lleva. */
const clientes = new Map<string, Cliente>();
/** Todos los conectados, dentro del chat o eligiendo nombre: a todos se les avisa al cerrar. */
const conectados = new Set<Cliente>();
let cerrando = false;

/** La línea más larga, en caracteres: lo que pase de ahí se corta (también en el cliente). */
const LARGO_MAXIMO = 4096;

Deno.addSignalListener("SIGINT", cerrarTodo);
if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", cerrarTodo); // Windows: Ctrl+C

let numero = 0;
while (true) {
  const serverConnection = await aceptar(server);
  if (serverConnection === null) break; // el servidor se ha cerrado (Ctrl+C)
  atenderCliente(nuevoCliente(serverConnection), ++numero); // sin await: seguimos aceptando
}

/** La vida de un cliente en el chat: su nombre, sus mensajes a los demás y su salida. */
async function atenderCliente(cliente: Cliente, numero: number) {
  conectados.add(cliente);
  let motivo = "";
  try {
    cliente.enviar("Bienvenido al chat. ¿Cómo te llamas?");
    const lineas = leerLineas(cliente.conexion, LARGO_MAXIMO);
    // Cada línea es un nombre, hasta que uno está libre. Quien se va antes no deja rastro.
    let nombre = await lineas.next();
    while (!nombre.done && nombre.value !== "cerrar" && !entrar(cliente, nombre.value, numero)) {
      nombre = await lineas.next();
    }
    if (nombre.done || nombre.value === "cerrar") return cliente.despedir();

    for await (const received of lineas) {
      if (received === "cerrar") break;
      // Un Enter sin texto no se envía a nadie; mientras el chat se cierra, nada.
      if (received === "" || cerrando) continue;
      const mensaje = `${cliente.nombre}: ${visible(received)}`;
      console.log(mensaje);
      difundir(mensaje, cliente);
    }
  } catch {
    motivo = "se cortó la conexión"; // se fue de golpe (reset): otra forma de salir
  }
  salir(cliente, motivo);
}

/**
 * Entra con `linea` como nombre si está libre (sin nada que se vea: «Cliente N») y avisa a
 * todos; si no, le pide otro nombre y devuelve false. Mirar si está libre y entrar van
 * seguidos, sin await en medio: dos clientes que piden el mismo nombre a la vez nunca lo
 * consiguen los dos.
 */
function entrar(cliente: Cliente, linea: string, numero: number): boolean {
  if (cerrando) return false; // el chat se cierra: ya no entra nadie
  const nombre = limpiarNombre(linea);
  if (/^cliente \p{Nd}+$/u.test(clave(nombre))) { // «Cliente N» lo pone solo el servidor
    cliente.enviar(`«${nombre}» es un nombre que pone el servidor: escribe otro nombre.`);
    return false;
  }
  const otro = clientes.get(clave(nombre));
  if (otro) { // se le dice el nombre tal como lo ven todos (quizá con otras mayúsculas)
    cliente.enviar(`«${otro.nombre}» ya está en el chat: escribe otro nombre.`);
    return false;
  }
  cliente.nombre = nombre || `Cliente ${numero}`;
  clientes.set(clave(cliente.nombre), cliente);

  const { hostname, port } = cliente.conexion.remoteAddr;
  console.log(
    `${cliente.nombre} (${hostname}:${port}) entra en el chat (${clientes.size} dentro)`,
  );
  const dentro = [...clientes.values()].map((otro) => otro.nombre).join(", ");
  cliente.enviar(`Hola, ${cliente.nombre}. En el chat: ${dentro}. Para salir, «cerrar».`);
  difundir(`${cliente.nombre} entra en el chat.`, cliente);
  return true;
}

/**
 * El nombre tal como se verá, a partir de la línea que escribió el cliente:
 * - la misma «é» tanto si llega de una vez como si llega como «e» + tilde (NFC);
 * - sin lo que no se ve (caracteres de control y de formato como \u200b o \u202e, y los que
 *   Unicode marca para no dibujar, como \ufe0f o \u3164), salvo el \u200d que une emoji
 *   (👩‍👧); los tabuladores y los espacios seguidos, un espacio;
 * - y 20 caracteres como mucho, enteros: un emoji no se parte por la mitad.
 * Si no queda nada que se vea (letras, cifras, signos), es "": el servidor pone «Cliente N».
 */
function limpiarNombre(linea: string): string {
  const limpio = linea.normalize("NFC")
    // Control, formato e invisibles, fuera (\t y los saltos son espacios; \u200d une emoji).
    .replace(/(?![\t-\r\u200d])[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu, "")
    .replace(/\s+/g, " ")
    .trim();
  const nombre = [...limpio].slice(0, 20).join("").trim(); // [...texto]: caracteres enteros
  return /[\p{L}\p{N}\p{P}\p{S}]/u.test(nombre) ? nombre : "";
}

/**
 * Dos nombres son el mismo si solo cambian en mayúsculas y minúsculas, en un \u200d o en la
 * forma de escribir la misma letra o cifra (NFKC: «３» de ancho completo es «3»).
 */
function clave(nombre: string): string {
  return nombre.normalize("NFKC").replaceAll("\u200d", "").toLowerCase();
}

/** Sale del chat (una sola vez): se avisa a los demás y se cierra su conexión. */
function salir(cliente: Cliente, motivo = "") {
  if (cerrando) return; // el chat se cierra: cerrarTodo() despide a todos
  if (clientes.get(clave(cliente.nombre)) !== cliente) return cliente.cortar(); // no estaba
  clientes.delete(clave(cliente.nombre));
  const porque = motivo ? `: ${motivo}` : "";
  console.log(`${cliente.nombre} sale del chat${porque} (quedan ${clientes.size})`);
  difundir(`${cliente.nombre} sale del chat${porque}.`, cliente);
  if (motivo) cliente.cortar();
  else cliente.despedir();
}

/** Envía una línea a todos menos a `quien` (sin esperar a ninguno). */
function difundir(linea: string, quien: Cliente) {
  for (const cliente of clientes.values()) {
    if (cliente !== quien) cliente.enviar(linea);
  }
}

/** Ctrl+C (SIGINT) o SIGTERM: avisamos a todos, cerramos cada conexión y terminamos. */
async function cerrarTodo() {
  if (cerrando) return; // Ctrl+C otra vez: ya estamos en ello
  cerrando = true;
  server.close();
  if (Deno.stdout.isTerminal()) console.log(); // la terminal ya escribió ^C: pasamos de línea
  const n = clientes.size;
  console.log(`Cerrando el chat con ${n} ${n === 1 ? "cliente" : "clientes"} dentro.`);
  // Cada uno (dentro o eligiendo nombre) recibe lo que tenía pendiente y el aviso, con un
  // segundo como mucho.
  const despedidas = [...conectados].map((cliente) => cliente.despedir("El chat se cierra."));
  await Promise.race([Promise.all(despedidas), new Promise((fin) => setTimeout(fin, 1000))]);
  console.log("Taluego, clientes!");
  Deno.exit(0);
}

/** Un cliente conectado: su nombre, su conexión, y cómo enviarle, despedirlo o cortarlo. */
interface Cliente {
  nombre: string;
  conexion: Deno.TcpConn;
  enviar(linea: string): void;
  despedir(aviso?: string): Promise<void>;
  cortar(): void;
}

/**
 * `enviar` pone la línea en la cola de escritura del cliente y vuelve al momento: el writer
 * de la conexión la escribe cuando el cliente puede recibirla. Si la cola pasa de 1 MiB es
 * que no lee: sale del chat, y así nunca frena a los demás ni llena la memoria.
 */
function nuevoCliente(conexion: Deno.TcpConn): Cliente {
  const escritor = conexion.writable.getWriter();
  let enCola = 0; // bytes entregados al writer que aún no han salido
  let cerrado = false;
  let despedida: Promise<void> | undefined; // la primera despedida; las demás esperan a esa
  const cliente: Cliente = {
    nombre: "",
    conexion,
    enviar(linea) {
      if (cerrado) return;
      const bytes = new TextEncoder().encode(linea + "\n");
      if (enCola + bytes.length > 1024 * 1024) {
        cerrado = true;
        return salir(cliente, "no lee lo que le llega");
      }
      enCola += bytes.length;
      escritor.write(bytes).then(() => enCola -= bytes.length, () => {});
    },
    /** Se despide, le llega lo que quedaba en su cola y se cierra (un segundo como mucho). */
    despedir(aviso = `Taluego, ${cliente.nombre || "cliente"}!`) {
      despedida ??= (async () => {
        cliente.enviar(aviso);
        cerrado = true;
        const limite = setTimeout(cliente.cortar, 1000);
        await escritor.close().catch(() => {});
        clearTimeout(limite);
        cliente.cortar();
      })();
      return despedida;
    },
    cortar() {
      cerrado = true;
      conectados.delete(cliente);
      try {
        conexion.close();
      } catch {
        // ya estaba cerrada
      }
    },
  };
  return cliente;
}

// --- Lo de siempre, explicado en español: leer líneas, escapar, opciones, permiso, errores ---

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

/**
 * Lo que envía un cliente se muestra con los caracteres de control a la vista (\n, \x1b):
 * así no puede mover el cursor ni borrar la terminal de nadie, ni inventarse una línea.
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

function terminar(frase: string): never {
  console.error(frase);
  Deno.exit(1);
}

/** --host y --port (y -h/--help), con los errores de uso en una frase y código 2. */
function leerOpciones(): { host: string; port: number } {
  const orden = `deno run --allow-net ${ruta("servidor_chat.ts")}`;
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
  --port N    puerto TCP, de 0 a 65535 (por defecto 9999; 0: uno libre que elige el sistema)
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
