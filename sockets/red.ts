/**
 * red.ts: lo que todos los ejemplos de sockets/ hacen igual, escrito una vez y en español.
 * Cada ejemplo importa solo este módulo (y lo que trae Deno): se copia con él, a su lado.
 *
 * Se lee de arriba abajo, en este orden:
 *   1. print() y visible(): escribir una línea; y lo que llega de otro equipo, a la vista.
 *      avisar() y terminar(): un aviso, o un fallo en una frase (código 1, sin traza).
 *   2. Las opciones: leerOpciones() (--host, --port, -h, con una frase por cada error, las
 *      mismas que en threads/threading.ts); opcionesDelServidor() y opcionesDelCliente(),
 *      que además comprueban el permiso de red.
 *   3. El servidor: escuchar(), decirComoConectarse() (la orden que teclean los alumnos),
 *      aceptar(), sendall(), sinSaltoFinal(), alPulsarCtrlC().
 *   4. El cliente: conectar() (y por qué no se pudo, en una frase), input(), leerLineas().
 *   5. ruta() y direccion(): las órdenes y direcciones que escribimos, listas para pegar.
 *   6. Lo que solo usa el chat, al final.
 */

// =======================================================================================
// 1. Escribir: print() y visible()
// =======================================================================================

const encoder = new TextEncoder();
let porEscribir = ""; // lo que print() aún no ha escrito

/**
 * print() de Python: escribe una línea en la salida, como console.log(linea). Como Python
 * cuando la salida no es una terminal, junta las líneas y las escribe de una vez (una sola
 * llamada al sistema), en cuanto termina lo que el programa esté haciendo: con muchos
 * mensajes por segundo, un servidor va un tercio más rápido, y cada línea sale enseguida.
 */
export function print(linea = "") {
  if (porEscribir === "") queueMicrotask(escribirYa);
  porEscribir += linea + "\n";
}

/** Escribe ya lo que print() ha ido juntando (también al salir con Deno.exit()). */
export function escribirYa() {
  const bytes = encoder.encode(porEscribir);
  porEscribir = "";
  try {
    escribirTodo(bytes);
  } catch {
    // Nadie lee ya nuestra salida (`| head` terminó): seguimos sin imprimir, como console.log.
  }
}
globalThis.addEventListener("unload", escribirYa); // Deno.exit() avisa con "unload"

/** Escribe todos los bytes en la salida (una escritura puede quedarse a medias). */
function escribirTodo(bytes: Uint8Array) {
  for (let escritos = 0; escritos < bytes.length;) {
    escritos += Deno.stdout.writeSync(bytes.subarray(escritos));
  }
}

/** Un aviso para quien mira la terminal, en la salida de errores, tras lo ya escrito. */
export function avisar(frase: string) {
  escribirYa();
  console.error(frase);
}

/** Un fallo que no deja seguir: una frase en español, sin traza, y código 1. */
export function terminar(frase: string): never {
  avisar(frase);
  Deno.exit(1);
}

/**
 * Los caracteres de control, a la vista (\n, \r, \t, \x1b...): lo que envía otro equipo no
 * debe mover el cursor, borrar la terminal ni inventarse una línea del registro.
 */
export function visible(texto: string): string {
  if (!CONTROL.test(texto)) return texto; // lo normal: nada que cambiar, y así cuesta menos
  return texto.replace(new RegExp(CONTROL, "gu"), (c) => NOMBRES[c] ?? codigo(c));
}

// \x00-\x1f y \x7f-\x9f; los separadores de línea de Unicode; y los invisibles que dan la
// vuelta al texto o lo esconden (\u202e escribe lo que sigue de derecha a izquierda).
const CONTROL = /[\p{Cc}\u061c\u200b\u200e\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069\ufeff]/u;
const NOMBRES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Un carácter de control por su código: \x1b, \u202e. */
function codigo(c: string): string {
  const hex = c.charCodeAt(0).toString(16);
  return c > "\xff" ? `\\u${hex.padStart(4, "0")}` : `\\x${hex.padStart(2, "0")}`;
}

// =======================================================================================
// 2. Opciones de la línea de órdenes (las mismas, frase a frase, que en threads/threading.ts)
// =======================================================================================

/** Los permisos con que se ejecuta el script, para las órdenes que sugerimos. */
let permisos = "--allow-net";

/** Las opciones que tienen todos los scripts, además de las suyas: ninguna. */
const OPCIONES_DE_TODOS: Record<string, Opcion> = {};

/** `sockets/servidor.ts`: este programa, tal como se escribe en una orden desde aquí. */
export function scriptDeLaOrden(): string {
  return ruta(decodeURIComponent(new URL(Deno.mainModule).pathname.split("/").at(-1)!));
}

// ---------------------------------------------------------------------------------------
// Opciones de la línea de órdenes. Este bloque es el mismo, letra a letra, en
// sockets/red.ts: usa `permisos`, `scriptDeLaOrden()` y `OPCIONES_DE_TODOS`, que cada módulo
// define arriba.
// ---------------------------------------------------------------------------------------

/** Una opción numérica entera: su valor por defecto, su rango y qué es. */
export interface Entero {
  defecto: number;
  min: number;
  max: number;
  ayuda: string;
}

/** Una opción de texto: su valor por defecto, los valores admitidos (si se limitan) y qué es. */
export interface Texto {
  defecto: string;
  valores: string[];
  ayuda: string;
  /** Si el valor se puede omitir (`--traza` sola da ""), cómo se llama en la ayuda. */
  opcional?: string;
}

/** Un interruptor sin valor: false si no se escribe, true con `--nombre`. */
export interface Bandera {
  bandera: true;
  ayuda: string;
}

/** Lo que puede ser cada opción de `leerOpciones`. */
export type Opcion = Entero | Texto | Bandera;

/** `--nombre N`: un entero entre `min` y `max`. Con `ayuda` "", es interna: no sale en el uso. */
export function entero(defecto: number, min: number, max: number, ayuda: string): Entero {
  return { defecto, min, max, ayuda };
}

/** `--nombre X`: un texto; con `valores`, uno de ellos. */
export function texto(defecto: string, valores: string[], ayuda: string): Texto {
  return { defecto, valores, ayuda };
}

/** `--nombre`, sin valor: un interruptor (el `action="store_true"` de argparse). */
export function bandera(ayuda: string): Bandera {
  return { bandera: true, ayuda };
}

type Valores<O> = {
  [K in keyof O]: O[K] extends Entero ? number : O[K] extends Bandera ? boolean : string;
};

/** El resultado de leer las opciones, sin terminar el programa (para probarlo). */
export type Lectura<O> =
  | { valores: Valores<O> }
  | { error: string; uso: string }
  | { ayuda: string };

/** Las frases de los errores de uso: una por tipo de error, las mismas en todo el proyecto. */
export const frases = {
  noEsEntero: (nombre: string, leido: string) =>
    `--${nombre} debe ser un número entero (no «${leido}»).`,
  fueraDeRango: (nombre: string, o: Entero, leido: string) =>
    `--${nombre} debe estar entre ${o.min} y ${o.max} (no «${leido}»).`,
  noEsUnValor: (nombre: string, valores: string[], leido: string) =>
    `--${nombre} debe ser ${unoDe(valores)} (no «${leido}»).`,
  desconocida: (opcion: string) => `Opción desconocida: ${opcion}.`,
  faltaElValor: (nombre: string) => `Falta el valor de --${nombre}.`,
  sinValor: (nombre: string) => `--${nombre} no lleva valor: escribe solo --${nombre}.`,
  inesperado: (arg: string) => `Argumento inesperado: «${arg}» (las opciones empiezan por --).`,
};

/** "a o b", "a, b o c". */
function unoDe(valores: string[]): string {
  return valores.length < 2
    ? valores.join("")
    : `${valores.slice(0, -1).join(", ")} o ${valores[valores.length - 1]}`;
}

/** Lo que se escribe tras `--nombre` en el uso y en la ayuda: `N`, `a|b`, `X`, `[x]` o nada. */
function valorDe(o: Opcion): string {
  if ("bandera" in o) return "";
  if ("opcional" in o) return ` [${o.opcional}]`;
  if ("min" in o) return " N";
  return ` ${o.valores.length ? o.valores.join("|") : "X"}`;
}

/** La línea de uso: `deno run --allow-read threads/x.ts [--veces N]`. */
function lineaDeUso(opciones: Record<string, Opcion>, orden: string): string {
  const partes = Object.entries(opciones).filter(([, o]) => o.ayuda !== "")
    .map(([nombre, o]) => `[--${nombre}${valorDe(o)}]`);
  return [orden, ...partes].join(" ");
}

/**
 * Lee las opciones de `args` sin terminar el programa. `orden` es cómo se ejecuta el script
 * (`deno run --allow-read threads/carrera.ts`), o una función que la da: solo se llama si
 * hace falta escribir el uso (un error, la ayuda).
 */
export function analizarOpciones<O extends Record<string, Opcion>>(
  opciones: O,
  orden: string | (() => string),
  args: string[],
): Lectura<O> {
  const resultado = leerArgs(opciones, args);
  if (resultado.valores) return { valores: resultado.valores };
  const uso = lineaDeUso(opciones, typeof orden === "string" ? orden : orden());
  return resultado.error !== undefined ? { error: resultado.error, uso } : {
    ayuda: `Uso: ${uso}\nOpciones:\n${lineasDeAyuda(opciones).join("\n")}`,
  };
}

/** La columna de la opción en la ayuda: 30 letras, y al menos dos espacios tras ella. */
function columna(texto: string): string {
  return texto.padEnd(Math.max(30, texto.length + 2));
}

/** Cada opción visible con su valor por defecto, una por línea, para `--help`. */
function lineasDeAyuda(opciones: Record<string, Opcion>): string[] {
  const visibles = Object.entries(opciones).filter(([, o]) => o.ayuda !== "");
  const lineas = visibles.map(([nombre, o]) => {
    const rango = "min" in o ? `; de ${o.min} a ${o.max}` : "";
    const defecto = "bandera" in o || "opcional" in o
      ? "no"
      : o.defecto === ""
      ? "ninguno"
      : o.defecto;
    return columna(`  --${nombre}${valorDe(o)}`) + `${o.ayuda} (por defecto: ${defecto}${rango})`;
  });
  lineas.push(columna("  -h, --help") + "muestra esta ayuda");
  return lineas;
}

/** Lee `args`: los valores, o el error (una frase), o que se ha pedido la ayuda. */
function leerArgs<O extends Record<string, Opcion>>(
  opciones: O,
  args: string[],
): { valores?: Valores<O>; error?: string } {
  // Las leemos a mano en vez de con `parseArgs` de node:util: cargar node:util cuesta unos
  // 30 ms de arranque en cada thread. Y así `--veces -1` es el valor -1 (fuera de rango), no
  // «falta el valor» seguido de una opción -1, como lo entiende parseArgs.
  const leidos: Record<string, string | boolean | undefined> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "-h" || arg === "--help") {
      leidos.help = true;
    } else if (arg.startsWith("--")) {
      const igual = arg.indexOf("=");
      const nombre = igual < 0 ? arg.slice(2) : arg.slice(2, igual);
      if (!Object.hasOwn(opciones, nombre)) return { error: frases.desconocida(`--${nombre}`) };
      if ("bandera" in opciones[nombre]) {
        if (igual >= 0) return { error: frases.sinValor(nombre) };
        leidos[nombre] = true;
        continue;
      }
      const o = opciones[nombre];
      if ("opcional" in o && igual < 0 && !(args[i + 1] ?? "-").startsWith("-")) {
        leidos[nombre] = args[++i];
        continue;
      }
      if ("opcional" in o && igual < 0) {
        leidos[nombre] = "";
        continue;
      }
      const valor = igual < 0 ? args[++i] : arg.slice(igual + 1);
      if (valor === undefined || valor.startsWith("--")) {
        return { error: frases.faltaElValor(nombre) };
      }
      leidos[nombre] = valor;
    } else if (arg.startsWith("-")) {
      return { error: frases.desconocida(arg) };
    } else {
      return { error: frases.inesperado(arg) };
    }
  }

  if (leidos.help) return {}; // ni valores ni error: la ayuda

  const valores: Record<string, number | string | boolean> = {};
  for (const [nombre, o] of Object.entries(opciones)) {
    const leido = leidos[nombre];
    if ("bandera" in o) {
      valores[nombre] = leido === true;
    } else if (typeof leido !== "string") {
      valores[nombre] = o.defecto;
    } else if ("min" in o) {
      if (!/^-?\d+$/.test(leido)) return { error: frases.noEsEntero(nombre, leido) };
      const numero = Number(leido);
      if (numero < o.min || numero > o.max) return { error: frases.fueraDeRango(nombre, o, leido) };
      valores[nombre] = numero;
    } else {
      if (o.valores.length && !o.valores.includes(leido)) {
        return { error: frases.noEsUnValor(nombre, o.valores, leido) };
      }
      valores[nombre] = leido;
    }
  }
  return { valores: valores as Valores<O> };
}

/**
 * Lee las opciones del programa (`Deno.args`). Con un error de uso: la frase, el uso y
 * código 2, sin traza. Con `-h` o `--help`: la ayuda y código 0. `conPermisos`: los de la
 * orden de ejecución, para el uso y para la orden que se sugiere si falta un permiso.
 */
export function leerOpciones<O extends Record<string, Opcion>>(
  opciones: O,
  conPermisos = permisos,
): Valores<O> {
  permisos = conPermisos;
  const lectura = analizarOpciones(
    { ...opciones, ...OPCIONES_DE_TODOS },
    () => ordenDelScript(),
    Deno.args,
  );
  if ("ayuda" in lectura) {
    console.log(lectura.ayuda);
    Deno.exit(0);
  }
  if ("error" in lectura) {
    console.error(`${lectura.error}\nUso: ${lectura.uso}`);
    Deno.exit(2);
  }
  return lectura.valores;
}

/** Las opciones de los servidores: dónde escuchar. */
export const OPCIONES_DEL_SERVIDOR = {
  host: texto("0.0.0.0", [], "dirección en la que escuchar"),
  port: entero(9999, 0, 65535, "puerto"),
};

/** Las opciones de los clientes: dónde está el servidor. */
export const OPCIONES_DEL_CLIENTE = {
  host: texto("localhost", [], "equipo del servidor, nombre o dirección"),
  port: entero(9999, 1, 65535, "puerto del servidor"),
};

/**
 * --host y --port de un servidor, y el permiso para escuchar allí. Los servidores piden
 * también --allow-sys=networkInterfaces: para decir su dirección a la clase.
 */
export function opcionesDelServidor(): { host: string; port: number } {
  const opciones = leerOpciones(OPCIONES_DEL_SERVIDOR, "--allow-net --allow-sys=networkInterfaces");
  opciones.host = sinCorchetes(opciones.host);
  comprobarHost(OPCIONES_DEL_SERVIDOR, opciones.host, opciones.port);
  comprobarPermiso("escuchar en", opciones.host, opciones.port);
  return opciones;
}

/** --host y --port de un cliente, y el permiso para `que` ("conectar con", "enviar a"). */
export function opcionesDelCliente(que: string): { host: string; port: number } {
  const opciones = leerOpciones(OPCIONES_DEL_CLIENTE);
  opciones.host = sinCorchetes(opciones.host);
  comprobarHost(OPCIONES_DEL_CLIENTE, opciones.host, opciones.port);
  comprobarPermiso(que, opciones.host, opciones.port);
  return opciones;
}

/**
 * `[::1]` es la dirección ::1: los corchetes solo separan una IPv6 de su puerto ([::1]:9999).
 * Sin ellos, `[::]` sería un nombre que no existe, o un servidor solo para este equipo.
 */
export function sinCorchetes(host: string): string {
  return host.replace(/^\[([^\[\]]*)\]$/, "$1");
}

/**
 * Un --host mal escrito (con el puerto, una dirección web, con espacios o vacío): la frase
 * que dice cómo se escribe, la misma en clientes y servidores; null si está bien escrito.
 */
export function fraseDelHost(host: string, port: number): string | null {
  const web = host.match(/^\w+:\/\/\[?([^\/\]]*?)\]?(?::(\d+))?(?:\/.*)?$/);
  const conPuerto = host.match(/^(?:([^:\[\]]+)|\[(.*)\]):(\d+)$/);
  if (web) {
    return "--host es solo la dirección del equipo, no una dirección web: escribe " +
      `--host ${web[1]} --port ${web[2] ?? port}.`;
  }
  if (conPuerto) {
    return "--host lleva la dirección sin el puerto: escribe " +
      `--host ${conPuerto[1] ?? conPuerto[2]} --port ${conPuerto[3]}.`;
  }
  if (host.trim() === "" || /\s/.test(host)) {
    return "--host es el nombre o la dirección de un equipo, sin espacios: escribe, por " +
      "ejemplo, --host 192.168.1.20 o --host localhost.";
  }
  return null;
}

/** Un --host mal escrito es un error de uso: la frase, el uso y código 2, sin traza. */
function comprobarHost(opciones: Record<string, Opcion>, host: string, port: number) {
  const frase = fraseDelHost(host, port);
  if (frase === null) return;
  avisar(`${frase}\nUso: ${lineaDeUso(opciones, ordenDelScript())}`);
  Deno.exit(2);
}

/**
 * Antes de usar la red, ¿hay permiso? Sin él, Deno preguntaría en inglés (o fallaría con una
 * traza): lo decimos en una frase, con la orden que lo da y las opciones que se escribieron.
 * `que`: "escuchar en", "conectar con" o "enviar a".
 */
export function comprobarPermiso(que: string, host: string, port: number) {
  if (conPermiso(host, port).length === 0) sinPermiso(que, direccion(host, port));
}

/**
 * Las direcciones de `host` que el permiso de red deja usar en `port`, en el orden en que se
 * prueban. "localhost" puede ser 127.0.0.1 (IPv4) o ::1 (IPv6), y el servidor quizá escucha
 * solo en una: se prueban las dos; con --allow-net=localhost, el nombre tal cual.
 */
export function conPermiso(host: string, port: number): string[] {
  const permitido = (donde: string) =>
    Deno.permissions.querySync({ name: "net", host: direccion(donde, port) }).state === "granted";
  if (host !== "localhost") return permitido(host) ? [host] : [];
  const ips = ["127.0.0.1", "::1"].filter(permitido);
  return ips.length > 0 ? ips : permitido(host) ? [host] : [];
}

/** Sin permiso de red (o con uno para otro equipo): la orden con el permiso, sin traza. */
export function sinPermiso(que: string, donde: string): never {
  const opciones = Deno.args.map((a) => /^[\w\-.:=\/@\[\]]+$/.test(a) ? a : `"${a}"`);
  terminar(
    `No hay permiso para ${que} ${donde}. Ejecuta: ${[ordenDelScript(), ...opciones].join(" ")}`,
  );
}

/** `deno run --allow-net sockets/servidor.ts`: cómo se ejecuta este programa, desde aquí. */
export function ordenDelScript(): string {
  return `deno run ${permisos} ${scriptDeLaOrden()}`;
}

// =======================================================================================
// 3. El servidor: escuchar, decir cómo conectarse, aceptar, enviar, cerrar
// =======================================================================================

/** Deno.listen(), con los fallos de siempre en una frase (código 1, sin traza). */
export function escuchar(host: string, port: number): Deno.TcpListener {
  try {
    return Deno.listen({ hostname: host, port });
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) sinPermiso("escuchar en", direccion(host, port));
    noSePuedeEscuchar(error, host, port);
  }
}

/** Por qué no se puede escuchar en `host`:`port`, en una frase (también para UDP). */
export function noSePuedeEscuchar(error: unknown, host: string, port: number): never {
  const codigo = (error as { code?: string }).code;
  terminar(
    error instanceof Deno.errors.AddrInUse || codigo === "EADDRINUSE"
      ? `El puerto ${port} ya está en uso: ¿hay otro servidor abierto? Ciérralo (Ctrl+C en ` +
        "su terminal) o elige otro puerto con --port. (Tras cerrar el servidor de Python " +
        "del capítulo, el puerto tarda un minuto en quedar libre.)"
      : error instanceof Deno.errors.PermissionDenied || codigo === "EACCES"
      ? `El sistema no deja escuchar en el puerto ${port}: los puertos por debajo de 1024 ` +
        "son del administrador. Elige otro con --port, como 9999."
      : /lookup|ENOTFOUND|EAI_/.test(String(error)) || codigo === "ENOTFOUND"
      ? `No se encuentra el equipo «${host}»: ese nombre no existe. Revisa --host.`
      : `No se puede escuchar en ${direccion(host, port)}: ${host} no es una dirección de ` +
        "este equipo (prueba con --host 0.0.0.0 o --host 127.0.0.1).",
  );
}

/** ¿Es `host` este mismo equipo, sin mirar sus interfaces? (127.x, ::1, localhost, 0.0.0.0) */
export function esEsteEquipo(host: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|::1|localhost|0\.0\.0\.0|::|\[::1?\])$/i.test(host);
}

/**
 * Lo que el profesor dice a la clase: la orden del cliente que cada alumno pega, con la
 * dirección de este equipo en la red (una por red: cable, wifi). Va a la salida de errores,
 * como un aviso: la salida es la conversación. Saber las direcciones pide el permiso
 * --allow-sys=networkInterfaces; sin él, decimos cómo buscarlas a mano.
 */
export function decirComoConectarse(host: string, port: number, cliente: string) {
  const orden = (donde: string) =>
    `  deno run --allow-net ${ruta(cliente)} --host ${donde}` +
    (port === 9999 ? "" : ` --port ${port}`);
  if (esEsteEquipo(host) && !/^(0\.0\.0\.0|::)$/.test(host)) {
    return avisar(
      `Solo este equipo puede conectarse (escucha en ${host}). Para que se conecte la ` +
        "clase, arráncalo con --host 0.0.0.0.",
    );
  }
  if (!/^(0\.0\.0\.0|::)$/.test(host)) {
    return avisar(`Desde otro equipo de la red, los alumnos escriben:\n${orden(host)}`);
  }
  const permiso = Deno.permissions.querySync({ name: "sys", kind: "networkInterfaces" });
  if (permiso.state !== "granted") {
    return avisar(
      "Desde otro equipo de la red, los alumnos escriben (con la dirección de este equipo):\n" +
        orden("<dirección>") + "\nPara verla aquí, arranca con --allow-sys=networkInterfaces; " +
        "o búscala: ip addr o hostname -I (Linux), ipconfig getifaddr en0 (macOS), " +
        "ipconfig (Windows).",
    );
  }
  // Primero las redes de verdad (cable, wifi); las de Docker, VPN o máquinas virtuales no son
  // la de la clase: se nombran aparte, para que nadie las proyecte.
  const redes = Deno.networkInterfaces()
    .filter((i) => i.family === "IPv4" && !esEsteEquipo(i.address));
  const deClase = redes.filter((i) => !esVirtual(i.name));
  const otras = redes.filter((i) => esVirtual(i.name)).map((i) => `${i.address} (${i.name})`);
  avisar(
    (deClase.length === 0
      ? "Este equipo no está en ninguna red de clase: conéctalo a la de la clase (cable o wifi)."
      : "Desde otro equipo de la red, los alumnos escriben (la orden de la red que compartís):\n" +
        deClase.map((i) => `  en ${i.name}:\n  ${orden(i.address)}`).join("\n")) +
      (otras.length ? `\nNo son de la red de clase: ${otras.join(", ")}.` : ""),
  );
}

/** ¿Es una interfaz de Docker, una VPN o una máquina virtual (docker0, tun0, wg0, vEthernet)? */
export function esVirtual(interfaz: string): boolean {
  return /^(docker|br-|veth|virbr|vboxnet|vmnet|vnet|tun|tap|wg|utun|zt|tailscale|lxc|lxd|cni|flannel|podman|cali)|vEthernet|VirtualBox|VMware|Hyper-V|WireGuard|OpenVPN|ZeroTier|Tailscale/i
    .test(interfaz);
}

/**
 * accept() de Python, sin pausas. Un cliente que se corta (reset) antes de ser aceptado, como
 * hace un escáner de puertos, no es un fallo: se acepta el siguiente enseguida. Devuelve null
 * cuando el servidor se cierra.
 */
export async function aceptar(server: Deno.TcpListener): Promise<Deno.TcpConn | null> {
  for (let pausa = 100;; pausa = Math.min(pausa * 2, 2000)) {
    try {
      return await server.accept();
    } catch (error) {
      if (error instanceof Deno.errors.BadResource) return null; // lo cerró Ctrl+C
      if (seFue(error)) continue;
      // Otro fallo, casi siempre demasiados ficheros abiertos (cada conexión es uno): lo
      // decimos (una vez cada medio minuto, no en cada intento) y esperamos cada vez más a que
      // se libere alguno, sin dar vueltas.
      const sinFicheros = /os error 24|Too many open files/i.test(String(error));
      if (!sinFicheros || performance.now() - avisoSinFicheros > 30_000) {
        avisar(
          sinFicheros
            ? "Demasiadas conexiones abiertas: el sistema no deja abrir más ficheros a este " +
              "programa. Los nuevos clientes esperan a que se vaya alguno; para admitir más, " +
              "sube el límite antes de arrancar el servidor (en Linux y macOS, ulimit -n 4096)."
            : `No se pudo aceptar un cliente: ${(error as Error).message}`,
        );
      }
      if (sinFicheros) avisoSinFicheros = performance.now();
      await new Promise((seguir) => setTimeout(seguir, pausa));
    }
  }
}
let avisoSinFicheros = -Infinity; // cuándo se dijo por última vez que no quedan ficheros

/**
 * servidor.ts atiende a un solo cliente, como el del capítulo: a quien llega mientras, el
 * sistema lo deja esperando sin decir nada. Lo aceptamos para decírselo a quien mira el
 * servidor, en una frase, y lo dejamos esperar (su cliente avisa si no le llega el eco).
 */
export async function avisarDeLosQueEsperan(server: Deno.TcpListener) {
  for (let otro; (otro = await aceptar(server)) !== null;) {
    const multicliente = `deno run ${permisos} ${ruta("servidor_multicliente.ts")}`;
    print(frasesDeRed.ocupado(otro.remoteAddr.hostname, multicliente));
  }
}

/** Las frases de la red para quien mira un servidor. */
export const frasesDeRed = {
  ocupado: (quien: string, multicliente: string) =>
    `${quien} quiere conectarse y espera: este servidor atiende a un solo cliente; para ` +
    `toda la clase, arranca ${multicliente}.`,
};

/** ¿Es el error de un cliente que se fue (reset) antes de que lo aceptáramos? */
export function seFue(error: unknown): boolean {
  return error instanceof Deno.errors.NotConnected ||
    error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.ConnectionAborted;
}

/**
 * sendall() de Python: write() puede enviar solo una parte de los bytes (si el buffer del
 * sistema está lleno), así que repetimos hasta enviarlos todos. (Un writer de
 * `serverConnection.writable` hace lo mismo, pero cada escritura le cuesta más: con 200
 * clientes, el servidor atiende un cuarto menos de mensajes por segundo.)
 */
export async function sendall(conexion: Deno.Conn, bytes: Uint8Array) {
  let enviados = await conexion.write(bytes); // lo normal: todos de una vez
  while (enviados < bytes.length) enviados += await conexion.write(bytes.subarray(enviados));
}

/** Quita el salto de línea final que añaden `nc` o `telnet` (\n o \r\n). */
export function sinSaltoFinal(texto: string): string {
  return texto.endsWith("\n") ? texto.replace(/\r?\n$/, "") : texto;
}

/** Cuándo llegó el primer Ctrl+C (o SIGTERM); `undefined` si aún no ha llegado ninguno. */
let primerCtrlC: number | undefined;

/**
 * true si ya llegó un Ctrl+C antes. Un segundo Ctrl+C, pasado un segundo, sale ya; dentro de
 * ese segundo es el mismo: con `deno task`, una pulsación llega dos veces (la terminal y el
 * reenvío de la tarea), y salir en la segunda cortaría la despedida.
 */
function otraVez(): boolean {
  if (primerCtrlC === undefined) {
    primerCtrlC = performance.now();
    return false;
  }
  if (performance.now() - primerCtrlC > 1000) Deno.exit(0);
  return true;
}

/**
 * Ctrl+C (SIGINT) o SIGTERM (fuera de Windows, que no tiene): `cerrar()` se despide y
 * termina con 0. Un segundo Ctrl+C (pasado un segundo) sale ya, sin esperar más.
 */
export function alPulsarCtrlC(cerrar: () => void) {
  const alRecibir = () => {
    if (otraVez()) return;
    if (Deno.stdout.isTerminal()) print(""); // la terminal ya escribió ^C: pasamos de línea
    cerrar();
  };
  Deno.addSignalListener("SIGINT", alRecibir);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", alRecibir);
}

// =======================================================================================
// 4. El cliente: conectar, y leer lo que se teclea
// =======================================================================================

/**
 * Ctrl+C en un cliente, haga lo que haga (teclear, conectar, esperar un eco): se despide en
 * una línea y termina con 0, sin traza. Antes, `antes()` (enviar «cerrar»), si lo hay, como
 * mucho medio segundo. Un segundo Ctrl+C (pasado un segundo) termina ya.
 */
export function despedirseConCtrlC(despedida: string, antes = (): unknown => undefined) {
  Deno.addSignalListener("SIGINT", async () => {
    if (otraVez()) return;
    if (Deno.stdout.isTerminal()) print(""); // la terminal ya escribió ^C: pasamos de línea
    const medioSegundo = new Promise((seguir) => setTimeout(seguir, 500));
    await Promise.race([Promise.resolve().then(antes).catch(() => {}), medioSegundo]);
    print(despedida);
    Deno.exit(0);
  });
}

/** Lo más que se espera a que el otro equipo conteste al conectar. */
const ESPERA_AL_CONECTAR_MS = 5000;

/**
 * connect(), a cada dirección de `host` con permiso (conPermiso()). Si no se puede, una frase
 * que dice por qué y qué hacer; `servidor`, el script que hay que arrancar antes (servidor.ts).
 */
export async function conectar(host: string, port: number, servidor: string) {
  let fallo: unknown;
  for (const hostname of conPermiso(host, port)) {
    try {
      const signal = AbortSignal.timeout(ESPERA_AL_CONECTAR_MS);
      return await Deno.connect({ hostname, port, signal });
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) {
        sinPermiso("conectar con", direccion(host, port));
      }
      fallo ??= error;
    }
  }
  terminar(porQueNoConecta(fallo, host, port, servidor));
}

/** Por qué no se pudo conectar, en una frase con lo que hay que hacer. */
export function porQueNoConecta(
  error: unknown,
  host: string,
  port: number,
  servidor: string,
): string {
  const texto = String(error);
  const donde = direccion(host, port);
  if (/lookup|Name or service|No address|nodename|ENOTFOUND|getaddrinfo/i.test(texto)) {
    return `No se encuentra el equipo «${host}»: ese nombre no existe. Revisa --host (o escribe ` +
      "su dirección, la que dice el servidor al arrancar).";
  }
  const arrancar = `deno run --allow-net --allow-sys=networkInterfaces ${ruta(servidor)}` +
    (port === 9999 ? "" : ` --port ${port}`);
  if (error instanceof Deno.errors.ConnectionRefused && esEsteEquipo(host)) {
    // Con ::1 lo más probable es un servidor en marcha en 0.0.0.0: eso primero.
    return `No se pudo conectar con ${donde}: nada escucha en ese puerto de este equipo` +
      (esIPv6(host)
        ? ` por IPv6.${soloIPv4(host)} Si el servidor no está en marcha, arráncalo antes en ` +
          `otra terminal: ${arrancar}`
        : `. Arranca antes el servidor en otra terminal: ${arrancar}`);
  }
  if (error instanceof Deno.errors.ConnectionRefused) {
    return `El equipo ${host} contesta, pero nada escucha en su puerto ${port}` +
      (esIPv6(host)
        ? ` por IPv6.${soloIPv4(host)}`
        : ": ¿está en marcha el servidor del profesor? ¿Es ese el puerto que dice al arrancar " +
          "(--port)?");
  }
  // Un datagrama hacia una red sin ruta (ENETUNREACH): Deno no lo conoce y dice «send UNKNOWN».
  if (
    error instanceof Deno.errors.NetworkUnreachable ||
    /unreachable|os error 101|send UNKNOWN/i.test(texto)
  ) {
    return `No hay camino hasta la red de ${host}: este equipo no está en esa red. Conéctate a ` +
      "la red de la clase (la misma wifi o el mismo cable) y revisa la dirección.";
  }
  if (
    error instanceof Deno.errors.TimedOut || /timed? ?out|abort|No route|os error 113/i.test(texto)
  ) {
    return `El equipo ${host} no contesta: revisa la dirección (la que dice el servidor al ` +
      "arrancar), que los dos equipos estéis en la misma red y que su cortafuegos deje pasar " +
      "la conexión (en Windows, el aviso «Firewall de Windows Defender» al arrancar el " +
      "servidor: «Permitir acceso»).";
  }
  return `No se pudo conectar con ${donde}: ${(error as Error).message}`;
}

/** ¿Es `host` una dirección IPv6 (::1, [::1], fe80::1...)? */
const esIPv6 = (host: string) => host.includes(":");

/** Con una dirección IPv6 (::1), el aviso de que un servidor en 0.0.0.0 no la atiende. */
export function soloIPv4(host: string): string {
  return esIPv6(host)
    ? " Un servidor en 0.0.0.0 solo escucha por IPv4: escribe --host " +
      (esEsteEquipo(host) ? "127.0.0.1." : "con su dirección IPv4 (la que dice al arrancar).")
    : "";
}

/** Las líneas de stdin, desde la primera vez que input() lee una. */
let lineas: AsyncGenerator<string> | undefined;

/**
 * `input()` de Python: muestra el aviso y devuelve la línea siguiente, sin el \n. Si la entrada
 * se acaba (Ctrl+D) o nadie lee ya la salida (`| head`), devuelve «cerrar»: despedirse. Con
 * una tubería nada se ve al teclear, así que repetimos la línea leída: la salida queda igual
 * que en la terminal. `mientras`: algo que vigilar a la vez (la conexión, en cliente.ts).
 */
export async function input(aviso: string, mientras?: Promise<unknown>): Promise<string> {
  escribirYa();
  try {
    escribirTodo(encoder.encode(aviso));
  } catch {
    return "cerrar"; // nadie lee ya nuestra salida
  }
  lineas ??= leerLineas(Deno.stdin.readable);
  const siguiente = lineas.next();
  if (mientras) await Promise.race([siguiente, mientras]);
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
export async function* leerLineas(flujo: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let pendiente = "";
  for await (const trozo of flujo.pipeThrough(new TextDecoderStream())) {
    const partes = trozo.split("\n");
    partes[0] = pendiente + partes[0];
    pendiente = partes.pop()!;
    for (const linea of partes) yield linea + "\n";
  }
  if (pendiente !== "") yield pendiente;
}

// =======================================================================================
// 5. Órdenes y direcciones para pegar
// =======================================================================================

/**
 * La ruta de un script de esta carpeta para una orden que se pueda pegar donde estamos: vista
 * desde la carpeta actual (`sockets/x.ts`, o `x.ts` dentro de sockets/), o entera si no cuelga
 * de ella. Con espacios, entre comillas.
 */
export function ruta(fichero: string): string {
  return rutaDesde(import.meta.dirname!, Deno.cwd(), fichero);
}

/** ruta(), desde la carpeta `actual`: siempre con `/`, que también vale en Windows. */
export function rutaDesde(carpetaDelScript: string, actual: string, fichero: string): string {
  const barras = (ruta: string) => `${ruta.replaceAll("\\", "/").replace(/\/$/, "")}/`;
  const [carpeta, desde] = [barras(carpetaDelScript), barras(actual)];
  const script = (carpeta.startsWith(desde) ? carpeta.slice(desde.length) : carpeta) + fichero;
  return /^[\w\-.\/:\u00C0-\u024F]+$/.test(script) ? script : `"${script}"`;
}

/**
 * `127.0.0.1:9999`, o `[::1]:9999`: una dirección IPv6 va entre corchetes. Un cliente IPv4 de
 * un servidor en `::` llega como `::ffff:10.0.0.2`: se escribe como es, `10.0.0.2`.
 */
export function direccion(host: string, port: number): string {
  host = host.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1");
  return `${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${port}`;
}

// --- Lo que solo usa el chat (servidor_chat.ts, cliente_chat.ts) ---
//
// Las líneas del chat (un mensaje cada una, con un tope), su cola de escritura hacia cada
// cliente y qué nombres se ven igual. Lo que el chat enseña está en servidor_chat.ts; esto es
// cómo se consigue sin que un cliente lento, o que no lee, frene a los demás.

/** La línea más larga del chat, en caracteres: lo que pase de ahí se corta, con «…». */
export const LARGO_MAXIMO = 4096;

/**
 * Las líneas que llegan (por la conexión o del teclado), sin el \n (ni el \r de Windows). Se
 * lee con `read()`, como el recv() del capítulo: dejar de leer no cierra la conexión (la
 * despedida aún tiene que salir). Una línea es un mensaje, mida lo que mida: si pasa de
 * `limite` caracteres, se corta ahí, con «…» al final, y lo que llegue después hasta su \n se
 * tira sin guardarlo (una línea de varios MB sin \n no llena la memoria).
 */
export async function* leerMensajes(
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

/** Lo que puede esperar en la cola de un cliente: pasado esto, quien le escribe espera. */
const COLA_MAXIMA = 64 * 1024;
/** Con la cola llena, tanto tiempo sin leer nada es no leer (ms). */
const PACIENCIA_MS = 2000;

/**
 * La cola de escritura hacia un cliente. `enviar` pone la línea en la cola y vuelve al
 * momento; la cola se escribe cuando el cliente puede recibirla, por lotes (muchas líneas
 * cortas, una sola escritura). Con más de COLA_MAXIMA esperando, `llena()`: quien le escribe
 * espera a `sitio`. Si así pasan PACIENCIA_MS sin que lea nada, `alAtascarse()`. `despedir`
 * envía lo que queda y el aviso, cierra nuestro lado (el cliente lee el final) y, cuando el
 * cliente cierra el suyo (`finDeLectura`) o pasado un segundo, la conexión: cerrar con datos
 * sin leer haría que el sistema la cortara (un reset) y la despedida se perdería.
 */
export class Cola {
  /** Se cumple cuando vuelve a haber sitio en la cola (o ya no se envía nada). */
  sitio: Promise<void>;
  /** Ya no se envía nada más: se despide (o se ha cortado). */
  despedida = false;
  #haySitio!: () => void;
  #lineas: string[] = [];
  #enCola = 0; // caracteres en la cola, aún sin escribir
  #escribiendo = false;
  #finDeLectura = false; // el cliente ya cerró su lado (o se cortó)
  #finDeEscritura = false; // ya cerramos el nuestro
  #reloj?: ReturnType<typeof setTimeout>;
  #cerrada = Promise.withResolvers<void>();
  /** Se cumple cuando la conexión está cerrada. */
  readonly cerrada: Promise<void> = this.#cerrada.promise;

  constructor(readonly conexion: Deno.TcpConn, readonly alAtascarse: () => void) {
    this.sitio = new Promise((cumplir) => this.#haySitio = cumplir);
  }

  llena(): boolean {
    return this.#enCola > COLA_MAXIMA;
  }

  enviar(linea: string) {
    if (this.despedida) return;
    this.#lineas.push(linea + "\n");
    this.#enCola += linea.length + 1;
    if (this.llena() && this.#reloj === undefined) this.#vigilar();
    this.#vaciar();
  }

  /** Lo que quedaba y el aviso; después, se cierra. Se cumple cuando está cerrada. */
  despedir(aviso: string): Promise<void> {
    if (!this.despedida) {
      this.enviar(aviso);
      this.despedida = true;
      this.#haySitio(); // nadie espera ya por esta cola
      this.#vigilar();
      this.#vaciar();
    }
    return this.cerrada;
  }

  /** El cliente ha cerrado su lado (o se ha cortado): si ya nos despedimos, se cierra. */
  finDeLectura() {
    this.#finDeLectura = true;
    if (this.#finDeEscritura) this.cortar();
  }

  /** Cierra ya, sin esperar a nada. */
  cortar() {
    this.despedida = true;
    this.#haySitio();
    clearTimeout(this.#reloj);
    try {
      this.conexion.close();
    } catch {
      // ya estaba cerrada
    }
    this.#cerrada.resolve();
  }

  /** Escribe la cola por lotes de hasta 16 KiB; en la despedida, al acabar, cierra su lado. */
  async #vaciar() {
    if (this.#escribiendo) return;
    this.#escribiendo = true;
    try {
      while (this.#lineas.length > 0) {
        let [cuantas, largo] = [0, 0];
        while (cuantas < this.#lineas.length && largo < 16 * 1024) {
          largo += this.#lineas[cuantas++].length;
        }
        await sendall(this.conexion, encoder.encode(this.#lineas.splice(0, cuantas).join("")));
        this.#enCola -= largo;
        this.#vigilar(); // ha leído: la cuenta vuelve a empezar
      }
      if (this.despedida && !this.#finDeEscritura) {
        this.#finDeEscritura = true;
        await this.conexion.closeWrite();
        if (this.#finDeLectura) this.cortar();
        else this.#reloj = setTimeout(() => this.cortar(), 1000); // si no cierra su lado
      }
    } catch {
      this.cortar(); // se cortó: quien lee su conexión lo verá
    }
    this.#escribiendo = false;
  }

  /** Llena (o despidiéndose con algo pendiente), PACIENCIA_MS sin leer nada: atascada. */
  #vigilar() {
    clearTimeout(this.#reloj);
    this.#reloj = undefined;
    if (!this.llena() && !this.despedida) {
      this.#haySitio();
      this.sitio = new Promise((cumplir) => this.#haySitio = cumplir);
    } else if (this.#enCola > 0) {
      this.#reloj = setTimeout(
        () => this.despedida ? this.cortar() : this.alAtascarse(),
        PACIENCIA_MS,
      );
    }
  }
}

/** El nombre más largo, en letras tal como se ven (un emoji compuesto, 👩‍👧, es una). */
export const LARGO_NOMBRE = 20;
let grafemas: Intl.Segmenter | undefined; // se crea la primera vez (cuesta al arrancar)

/**
 * El nombre tal como se verá, a partir de la línea que escribió el cliente:
 * - la misma «é» tanto si llega de una vez como si llega como «e» + tilde (NFC);
 * - sin lo que no se ve (control y formato, como \u200b o \u202e, y lo que Unicode marca para
 *   no dibujar, como \ufe0f o \u3164), salvo el \u200d que une emoji (👩‍👧); los espacios
 *   seguidos (también tabuladores y \u2800, el braille sin puntos), uno;
 * - y LARGO_NOMBRE letras como mucho, contadas como se ven: un emoji no se parte (`cortado`).
 * Si no queda nada que se vea (letras, cifras, signos), es "".
 */
export function limpiarNombre(linea: string): { nombre: string; cortado: boolean } {
  const limpio = linea.normalize("NFC")
    .replace(/(?![\t-\r\u200d])[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu, "")
    .replace(/[\s\u2800]+/g, " ")
    .trim();
  grafemas ??= new Intl.Segmenter("es", { granularity: "grapheme" });
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
 * La clave de un nombre: dos nombres son el mismo si se ven igual. Si solo cambian en
 * mayúsculas y minúsculas, en un \u200d, en la forma de escribir la misma letra o cifra (NFKC:
 * «３» es «3») o en letras de otro alfabeto que se ven igual («Аna» con la А cirílica es
 * «Ana»; solo las cirílicas y griegas, no «l» e «I», que en minúsculas ya son distintas).
 */
export function clave(nombre: string): string {
  return nombre.normalize("NFKC").replaceAll("\u200d", "")
    .replace(/[\p{Script=Cyrillic}\p{Script=Greek}]/gu, (letra) => PARECIDAS.get(letra) ?? letra)
    .toLowerCase();
}
