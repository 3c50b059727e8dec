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
 * Python -> Deno: socket() + bind() + listen() -> Deno.listen(); accept() -> server.accept();
 * un thread por cliente -> una tarea asíncrona; send() a cada uno -> `enviar()` a su cola.
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

/** La línea más larga, en caracteres: lo que pase de ahí se corta (también en el cliente). */
const LARGO_MAXIMO = 4096;
/** El nombre más largo, en letras tal como se ven (un emoji compuesto, 👩‍👧, es una). */
const LARGO_NOMBRE = 20;
/** Lo que puede esperar en la cola de un cliente: pasado esto, quien le escribe espera. */
const COLA_MAXIMA = 64 * 1024;
/** Un cliente con la cola llena que en este tiempo no lee nada sale del chat (ms). */
const PACIENCIA = 2000;

/** Quién está dentro del chat: cada nombre (su `clave`), con el cliente que lo lleva. */
const clientes = new Map<string, Cliente>();
/** Todos los conectados, dentro del chat o eligiendo nombre: a todos se les avisa al cerrar. */
const conectados = new Set<Cliente>();
let cerrando = false;

/**
 * La vida de un cliente en el chat. Cada línea es un nombre hasta que uno vale; después, un
 * mensaje para los demás. Tras «cerrar» (o mientras el chat se cierra) se sigue leyendo sin
 * hacer caso: cerrar con datos sin leer haría que el sistema cortara la conexión (un reset) y
 * la despedida se perdería.
 */
async function atenderCliente(cliente: Cliente) {
  conectados.add(cliente);
  let motivo = "";
  try {
    cliente.enviar("Bienvenido al chat. ¿Cómo te llamas?");
    for await (const received of leerLineas(cliente.conexion, LARGO_MAXIMO)) {
      if (cerrando || cliente.despedido) continue;
      if (received === "cerrar") salir(cliente);
      else if (!cliente.nombre) entrar(cliente, received);
      else if (received !== "") { // un Enter sin texto no se envía a nadie
        const mensaje = `${cliente.nombre}: ${visible(received)}`;
        console.log(mensaje);
        // Si la cola de alguien está llena, no leemos más de este cliente hasta que baje: quien
        // escribe sin parar va al paso de los demás, y no los echa del chat.
        await difundir(mensaje, cliente);
      }
    }
  } catch {
    motivo = "se cortó la conexión"; // se fue de golpe (reset): otra forma de salir
  }
  salir(cliente, motivo);
  cliente.finDeLectura();
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
    return cliente.enviar(`«${nombre}» es un nombre que pone el servidor: escribe otro nombre.`);
  }
  const otro = clientes.get(clave(nombre));
  if (otro) { // se le dice el nombre tal como lo ven todos (quizá con otras mayúsculas)
    return cliente.enviar(`«${otro.nombre}» ya está en el chat: escribe otro nombre.`);
  }
  cliente.nombre = nombre || `Cliente ${cliente.numero}`;
  clientes.set(clave(cliente.nombre), cliente);

  const donde = direccion(cliente.conexion.remoteAddr);
  console.log(`${cliente.nombre} (${donde}) entra en el chat (${clientes.size} dentro)`);
  if (cortado) {
    cliente.enviar(`Tu nombre pasa de ${LARGO_NOMBRE} letras: te quedas con «${nombre}».`);
  }
  const dentro = [...clientes.values()].map((otro) => otro.nombre).join(", ");
  cliente.enviar(`Hola, ${cliente.nombre}. En el chat: ${dentro}. Para salir, «cerrar».`);
  difundir(`${cliente.nombre} entra en el chat.`, cliente);
}

const grafemas = new Intl.Segmenter("es", { granularity: "grapheme" });

/**
 * El nombre tal como se verá, a partir de la línea que escribió el cliente:
 * - la misma «é» tanto si llega de una vez como si llega como «e» + tilde (NFC);
 * - sin lo que no se ve (control y formato, como \u200b o \u202e, y lo que Unicode marca para
 *   no dibujar, como \ufe0f o \u3164), salvo el \u200d que une emoji (👩‍👧); los espacios
 *   seguidos (también tabuladores y \u2800, el braille en blanco), uno;
 * - y 20 letras como mucho, contadas como se ven (Intl.Segmenter): un emoji no se parte.
 * Si no queda nada que se vea (letras, cifras, signos), es "": el servidor pone «Cliente N».
 */
function limpiarNombre(linea: string): { nombre: string; cortado: boolean } {
  const limpio = linea.normalize("NFC")
    .replace(/(?![\t-\r\u200d])[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu, "")
    .replace(/[\s\u2800]+/g, " ")
    .trim();
  const letras = [...grafemas.segment(limpio)].map(({ segment }) => segment);
  const nombre = letras.slice(0, LARGO_NOMBRE).join("").trim();
  const seVe = /[\p{L}\p{N}\p{P}\p{S}]/u.test(nombre);
  return { nombre: seVe ? nombre : "", cortado: seVe && letras.length > LARGO_NOMBRE };
}

/** Letras cirílicas y griegas que se ven igual que una latina, y esa latina. */
const PARECIDAS = new Map(
  [..."АВЕКМНОРСТХУІЈЅаеорсхуіјѕԁһԛԝӏΑΒΕΖΗΙΚΜΝΟΡΤΥΧαικνορυχ"]
    .map((letra, i) => [letra, "ABEKMHOPCTXYIJSaeopcxyijsdhqwlABEZHIKMNOPTYXaikvopux"[i]]),
);

/**
 * Dos nombres son el mismo si se ven igual: si solo cambian en mayúsculas y minúsculas, en un
 * \u200d, en la forma de escribir la misma letra o cifra (NFKC: «３» de ancho completo es «3»)
 * o en una letra de otro alfabeto que se ve igual («Аna» con la А cirílica es «Ana»).
 */
function clave(nombre: string): string {
  return nombre.normalize("NFKC").replaceAll("\u200d", "")
    .replace(/[\p{Script=Cyrillic}\p{Script=Greek}]/gu, (letra) => PARECIDAS.get(letra) ?? letra)
    .toLowerCase();
}

/** Sale del chat (una sola vez): se avisa a los demás y se le despide (o se le corta). */
function salir(cliente: Cliente, motivo = "") {
  if (!cerrando && clientes.get(clave(cliente.nombre)) === cliente) {
    clientes.delete(clave(cliente.nombre));
    const porque = motivo ? `: ${motivo}` : "";
    console.log(`${cliente.nombre} sale del chat${porque} (quedan ${clientes.size})`);
    difundir(`${cliente.nombre} sale del chat${porque}.`, cliente);
  }
  if (motivo) cliente.cortar();
  else if (!cerrando) cliente.despedir(); // al cerrar el chat, cerrarTodo() despide a todos
}

/** Envía una línea a todos menos a `quien`; lo que devuelve se cumple cuando hay sitio en sus colas. */
function difundir(linea: string, quien: Cliente): Promise<unknown> {
  const esperas: Promise<void>[] = [];
  for (const cliente of clientes.values()) {
    if (cliente === quien) continue;
    cliente.enviar(linea);
    if (cliente.lleno()) esperas.push(cliente.sitio);
  }
  return Promise.all(esperas);
}

/** Ctrl+C (SIGINT) o SIGTERM: avisamos a todos, cerramos cada conexión y terminamos. */
async function cerrarTodo(server: Deno.TcpListener) {
  if (cerrando) return; // Ctrl+C otra vez: ya estamos en ello
  cerrando = true;
  server.close();
  if (Deno.stdout.isTerminal()) console.log(); // la terminal ya escribió ^C: pasamos de línea
  const n = clientes.size;
  console.log(`Cerrando el chat con ${n} ${n === 1 ? "cliente" : "clientes"} dentro.`);
  // Cada uno (dentro o eligiendo nombre) recibe lo que tenía en su cola y el aviso; a quien no
  // lee, o no cierra su lado, se le corta (ver Cliente). Y nunca esperamos más de 3 s.
  const despedidas = [...conectados].map((cliente) => cliente.despedir("El chat se cierra."));
  await Promise.race([Promise.all(despedidas), esperar(PACIENCIA + 1000)]);
  console.log("Taluego, clientes!");
  Deno.exit(0);
}

/**
 * Un cliente conectado: su nombre, su conexión y su cola de escritura. `enviar` pone la línea
 * en la cola y vuelve al momento; `#vaciar` la escribe cuando el cliente puede recibirla, por
 * lotes (muchas líneas cortas, una sola escritura). Si la cola pasa de COLA_MAXIMA y en
 * PACIENCIA ms el cliente no lee nada, es que no lee: sale del chat. `despedir` envía lo que
 * queda y el aviso, cierra el lado de escritura (el cliente ve el final) y, cuando el cliente
 * cierra el suyo (o pasado un segundo), la conexión.
 */
class Cliente {
  nombre = "";
  /** Ya no se le envía nada más: se está despidiendo (o se le ha cortado). */
  despedido = false;
  /** Se cumple cuando vuelve a haber sitio en su cola (o se va). */
  sitio: Promise<void>;
  #haySitio!: () => void;
  #cola: string[] = [];
  #enCola = 0; // caracteres en la cola, aún sin escribir
  #escribiendo = false;
  #finDeLectura = false; // el cliente ya cerró su lado (o se cortó)
  #finDeEscritura = false; // ya cerramos el nuestro
  #reloj?: ReturnType<typeof setTimeout>; // PACIENCIA, mientras no lee; un segundo, al final
  #cerrada = Promise.withResolvers<void>();

  constructor(readonly conexion: Deno.TcpConn, readonly numero: number) {
    this.sitio = new Promise((cumplir) => this.#haySitio = cumplir);
  }

  lleno(): boolean {
    return this.#enCola > COLA_MAXIMA;
  }

  enviar(linea: string) {
    if (this.despedido) return;
    this.#cola.push(linea + "\n");
    this.#enCola += linea.length + 1;
    if (this.lleno() && this.#reloj === undefined) this.#vigilar();
    this.#vaciar();
  }

  /** Se despide: le llega lo que quedaba en su cola y el aviso, y se cierra. */
  despedir(aviso = `Taluego, ${this.nombre || "cliente"}!`): Promise<void> {
    if (!this.despedido) {
      this.enviar(aviso);
      this.despedido = true;
      this.#haySitio(); // nadie espera ya por su cola
      this.#vigilar();
      this.#vaciar();
    }
    return this.#cerrada.promise;
  }

  /** El cliente ha cerrado su lado (o se ha cortado): si ya nos despedimos, se cierra. */
  finDeLectura() {
    this.#finDeLectura = true;
    if (this.#finDeEscritura) this.cortar();
  }

  cortar() {
    this.despedido = true;
    this.#haySitio();
    clearTimeout(this.#reloj);
    conectados.delete(this);
    try {
      this.conexion.close();
    } catch {
      // ya estaba cerrada
    }
    this.#cerrada.resolve();
  }

  /** Escribe la cola por lotes de hasta 16 KiB; despedido, al acabar, cierra su lado. */
  async #vaciar() {
    if (this.#escribiendo) return;
    this.#escribiendo = true;
    try {
      while (this.#cola.length > 0) {
        let [cuantas, largo] = [0, 0];
        while (cuantas < this.#cola.length && largo < 16 * 1024) {
          largo += this.#cola[cuantas++].length;
        }
        await sendall(this.conexion, this.#cola.splice(0, cuantas).join(""));
        this.#enCola -= largo;
        this.#vigilar(); // ha leído: la cuenta vuelve a empezar
      }
      if (this.despedido && !this.#finDeEscritura) {
        this.#finDeEscritura = true;
        await this.conexion.closeWrite();
        if (this.#finDeLectura) this.cortar();
        else this.#reloj = setTimeout(() => this.cortar(), 1000); // si no cierra su lado
      }
    } catch {
      this.cortar(); // se cortó: quien lee su conexión lo verá y saldrá del chat
    }
    this.#escribiendo = false;
  }

  /** Con la cola llena (o despidiéndose con algo pendiente), PACIENCIA ms sin leer: fuera. */
  #vigilar() {
    clearTimeout(this.#reloj);
    this.#reloj = undefined;
    if (!this.lleno() && !this.despedido) {
      this.#haySitio();
      this.sitio = new Promise((cumplir) => this.#haySitio = cumplir);
    } else if (this.#enCola > 0) {
      this.#reloj = setTimeout(() => {
        if (this.despedido) this.cortar();
        else salir(this, "no lee lo que le llega");
      }, PACIENCIA);
    }
  }
}

const esperar = (ms: number) => new Promise((seguir) => setTimeout(seguir, ms));

// --- Lo de siempre, explicado en español: leer líneas, escapar, opciones, permiso, errores ---

/**
 * accept() de Python, sin pausas. Un cliente que se corta (reset) antes de ser aceptado, como
 * hace un escáner de puertos, no es un fallo: se acepta el siguiente enseguida. Devuelve null
 * cuando el servidor se cierra.
 */
async function aceptar(server: Deno.TcpListener): Promise<Deno.TcpConn | null> {
  for (let pausa = 100;; pausa = Math.min(2 * pausa, 1000)) {
    try {
      return await server.accept();
    } catch (error) {
      if (error instanceof Deno.errors.BadResource) return null; // lo cerró Ctrl+C
      if (seFue(error)) continue;
      // Otro fallo, como demasiados ficheros abiertos: lo decimos (una vez por minuto, no en
      // cada intento) y esperamos, cada vez un poco más, a que se libere alguno.
      if (Date.now() - avisado > 60_000) console.error(noSePudoAceptar(error as Error));
      avisado = Date.now();
      await esperar(pausa);
    }
  }
}
let avisado = 0; // cuándo se dijo por última vez que no se podía aceptar

function noSePudoAceptar(error: Error & { code?: string }): string {
  if (error.code === "EMFILE" || error.code === "ENFILE") {
    return "No caben más clientes: el sistema no deja a este programa abrir más conexiones " +
      "(demasiados ficheros abiertos). Los que llegan esperan a que salga alguien. Para " +
      "admitir más, cierra el servidor y arráncalo de nuevo tras `ulimit -n 4096` en la " +
      "misma terminal.";
  }
  return `No se pudo aceptar un cliente: ${error.message}`;
}

/** Envía el texto entero: una escritura puede enviar solo una parte (sendall() de Python). */
async function sendall(conexion: Deno.Conn, texto: string) {
  const bytes = new TextEncoder().encode(texto);
  for (let enviados = 0; enviados < bytes.length;) {
    enviados += await conexion.write(bytes.subarray(enviados));
  }
}

/** host:puerto, con una dirección IPv6 entre corchetes ([::1]:9999), como en una URL. */
function direccion({ hostname, port }: Deno.NetAddr): string {
  return hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
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

// (Al final, de momento: usa la clase Cliente, que ha de estar definida antes.)
if (import.meta.main) {
  const { host, port } = leerOpciones();
  const server = escuchar(host, port);
  console.log(`Servidor de chat escuchando en ${direccion(server.addr)}`);

  const cerrar = () => cerrarTodo(server);
  Deno.addSignalListener("SIGINT", cerrar);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", cerrar); // Windows: Ctrl+C

  let numero = 0;
  while (true) {
    const serverConnection = await aceptar(server);
    if (serverConnection === null) break; // el servidor se ha cerrado (Ctrl+C)
    atenderCliente(new Cliente(serverConnection, ++numero)); // sin await: seguimos aceptando
  }
}
