/**
 * queue.ts: el módulo `queue` de Python para los threads de threading.ts. Una `Queue` es una
 * cola que varios threads comparten: unos ponen (`put`), otros sacan (`get`), y nada se pierde
 * ni sale dos veces. Es lo que un programador de Python usa para el productor y el consumidor.
 *
 *   Python                                   aquí
 *   q = queue.Queue(maxsize=3)               const q = new Queue(3)      (0 o nada: sin límite)
 *   q.put(x); q.put(x, timeout=0.5)          q.put(x); q.put(x, true, 0.5)    espera si está llena
 *   q.get(); q.get(block=False)              q.get(); q.get(false)            espera si está vacía
 *   q.put_nowait(x); q.get_nowait()          igual: sin esperar; lanzan Full / Empty
 *   except queue.Empty:                      catch (e) { if (e instanceof Empty) ... }
 *   q.qsize(); q.empty(); q.full()           igual (como en Python: un vistazo, no una promesa)
 *   q.task_done(); q.join()                  q.task_done(); await q.join()   (como await t.join())
 *   (espera siempre: nadie pondrá o sacará)  el principal recibe un RuntimeError que lo dice
 *
 * Lo que viaja: lo que un thread puede recibir en `args` (números, textos, objetos, arrays,
 * Map, Date...), copiado. Una función no: lanza un error que lo dice. Como un Lock, la cola
 * se crea a nivel de módulo (así es la misma en todos los threads) o se pasa en `args`.
 *
 * ---------------------------------------------------------------------------------------
 * Cómo está hecha (la lección de este fichero)
 * ---------------------------------------------------------------------------------------
 *
 * 1. Como Lib/queue.py de Python: un Lock (`mutex`) y una Condition sobre él, donde esperan
 *    los `get` con la cola vacía y los `put` con la cola llena; quien pone o saca avisa con
 *    `notify_all()`. (Python usa dos Condition, `not_empty` y `not_full`, para despertar solo
 *    a los del otro lado; con una, la Queue es un objeto compartido de threading.ts más, como
 *    una Condition: memoria y su Lock dentro, y así viaja en `args`.)
 *
 * 2. Los elementos no pueden vivir en un array de JavaScript: cada thread tiene su memoria y
 *    no vería los del otro. Viven en la memoria compartida de la cola, como bytes, uno tras
 *    otro en un búfer circular: 4 bytes con su longitud y después sus bytes. Al llegar al
 *    final del búfer se sigue por el principio. Cuando la cola se vacía, se vuelve al
 *    principio: así solo se tocan las páginas de memoria que de verdad se llenan.
 *
 * 3. Un elemento se convierte en bytes (se serializa) al ponerlo y se reconstruye al sacarlo.
 *    Números, textos, null, undefined, true y false, con unos bytes hechos a mano: es lo que
 *    más viaja y así cuesta poco (un número, 9 bytes). Arrays y objetos que JSON devuelve
 *    iguales, en JSON. Lo demás, con `serialize` de node:v8, el mismo formato con el que
 *    `postMessage` copia los mensajes entre workers: así viaja exactamente lo que viaja en
 *    `args` (Map, Set, Date, undefined, NaN, ciclos), que JSON perdería o cambiaría. No lo
 *    usamos para todo porque cuesta más (un objeto pequeño, unos 20 µs frente a 2 µs en JSON)
 *    y cargar node:v8, unos 25 ms: solo lo carga el thread que lo necesita, cuando lo necesita.
 *
 * 4. El búfer tiene un tamaño fijo, 64 MiB, como la memoria de todo objeto compartido de
 *    threading.ts (se reserva al crearlo; el sistema solo da de verdad las páginas que se
 *    escriben). Si lo que hay en la cola sin sacar no cabe, `put` espera como con la cola
 *    llena (y `put_nowait` lanza Full), aunque sea una cola sin límite.
 *
 * 5. `join()` espera con `Atomics.waitAsync` a que el número de tareas sin terminar llegue a 0:
 *    se usa con `await` para que el programa principal siga atendiendo a sus threads (si no,
 *    no vería el error de un thread) mientras espera.
 */

import {
  active_count,
  clonables,
  Compartido,
  comprobarTimeout,
  conAwait,
  Condition,
  Lock,
  reconstruir,
  RuntimeError,
  SIN_METODOS,
  sinNombres,
  tomarParte,
  traza,
  ValueError,
} from "./threading.ts";

// =======================================================================================
// Las excepciones de queue
// =======================================================================================

/** `queue.Empty`: `get(false)`, `get_nowait()` o `get` con `timeout` y la cola vacía. */
export class Empty extends Error {
  override name = "Empty";
  constructor() {
    super("la cola está vacía.");
  }
}

/** `queue.Full`: `put(x, false)`, `put_nowait(x)` o `put` con `timeout` y la cola llena. */
export class Full extends Error {
  override name = "Full";
  constructor() {
    super("la cola está llena.");
  }
}

// =======================================================================================
// Un elemento en bytes (punto 3)
// =======================================================================================

/** El primer byte de cada elemento dice qué es: 0 a 3, una de estas; 4 a 6, lo que sigue. */
const CONSTANTES = [undefined, null, false, true];
const NUMERO = 4, TEXTO = 5, JSON_ = 6, OTRO = 7;

const utf8 = new TextEncoder();
const deUtf8 = new TextDecoder();

/** node:v8, cargado la primera vez que hace falta (cuesta unos 25 ms). */
let v8: typeof import("node:v8") | null = null;
function nodeV8() {
  return v8 ??= process.getBuiltinModule("node:v8") as typeof import("node:v8");
}

/** Un texto en UTF-8, tras el byte de su tipo. */
function enUtf8(tipo: number, texto: string): Uint8Array {
  // Primero, un byte por letra (lo normal); si no cabe, hasta 3 por letra (UTF-8).
  for (const porLetra of [1, 3]) {
    const bytes = new Uint8Array(1 + porLetra * texto.length);
    bytes[0] = tipo;
    const { read, written } = utf8.encodeInto(texto, bytes.subarray(1));
    if (read === texto.length) return bytes.subarray(0, 1 + written);
  }
  throw new Error("inalcanzable: 3 bytes por letra siempre bastan");
}

/**
 * ¿Vuelve igual de JSON? Arrays y objetos normales con textos, números finitos (no -0),
 * true, false y null, sin huecos ni undefined, y no más de 20 niveles (así, sin ciclos).
 */
function esJSON(valor: unknown, nivel: number): boolean {
  if (valor === null || typeof valor === "string" || typeof valor === "boolean") return true;
  if (typeof valor === "number") return Number.isFinite(valor) && !Object.is(valor, -0);
  if (typeof valor !== "object" || nivel > 20) return false;
  if (Array.isArray(valor)) {
    for (let i = 0; i < valor.length; i++) {
      if (!(i in valor) || !esJSON(valor[i], nivel + 1)) return false;
    }
    return true;
  }
  if (Object.getPrototypeOf(valor) !== Object.prototype) return false;
  for (const dentro of Object.values(valor)) if (!esJSON(dentro, nivel + 1)) return false;
  return true;
}

/** Un elemento, como bytes: su tipo (un byte) y su contenido. */
function codificar(elemento: unknown): Uint8Array {
  const constante = CONSTANTES.indexOf(elemento as never);
  if (constante >= 0) return Uint8Array.of(constante);
  if (typeof elemento === "number") {
    const bytes = new Uint8Array(9);
    bytes[0] = NUMERO;
    new DataView(bytes.buffer).setFloat64(1, elemento); // exacto: también NaN, -0, Infinity
    return bytes;
  }
  if (typeof elemento === "string") return enUtf8(TEXTO, elemento);
  if (esJSON(elemento, 0)) return enUtf8(JSON_, JSON.stringify(elemento));
  const mal = loQueLlegariaMal(elemento, new Set());
  if (mal) throw new NoViaja(...mal);
  let serializado: Uint8Array;
  try {
    serializado = nodeV8().serialize(elemento);
  } catch {
    throw new NoViaja(describir(elemento), SOLO_DATOS);
  }
  const bytes = new Uint8Array(1 + serializado.length);
  bytes[0] = OTRO;
  bytes.set(serializado, 1);
  return bytes;
}

const SOLO_DATOS = "viajan datos (números, textos, objetos, arrays...), no funciones";
const SOLO_DATOS_COMPARTIDOS = "llegaría una copia, que ya no sería compartida; " +
  "créalo a nivel de módulo: así es el mismo en todos los threads";
/** Lo que no puede viajar por una cola: qué es y por qué. */
export class NoViaja extends ValueError {
  constructor(readonly que: string, readonly porque: string) {
    super(`put() no puede enviar ${que} a otro thread: ${porque}.`);
  }
}

/** Lo que serialize no sabe copiar: la función que lleva dentro, si la hay. */
function describir(elemento: unknown, vistos = new Set<unknown>()): string {
  if (typeof elemento === "function") return `la función ${elemento.name || "sin nombre"}`;
  if (elemento !== null && typeof elemento === "object" && !vistos.has(elemento)) {
    vistos.add(elemento);
    for (const dentro of Object.values(elemento)) {
      const que = describir(dentro, vistos);
      if (que.startsWith("la función")) return que;
    }
  }
  return "ese valor (o algo dentro de él)";
}

/**
 * Lo que serialize copiaría sin decir nada, pero mal: memoria compartida (un Lock, un Value,
 * un `compartido()`...: quien lo recibe trabajaría sobre otra memoria) o un objeto de una
 * clase (llegaría sin sus métodos). Devuelve [qué es, por qué no viaja], o null.
 */
function loQueLlegariaMal(valor: unknown, vistos: Set<unknown>): [string, string] | null {
  if (valor === null || typeof valor !== "object" || vistos.has(valor)) return null;
  vistos.add(valor);
  if (valor instanceof Compartido) {
    const tipo = valor.constructor.name;
    const una = ["Condition", "Queue", "Barrier"].includes(tipo) ? "una" : "un";
    return [`${una} ${tipo}`, SOLO_DATOS_COMPARTIDOS];
  }
  if (
    valor instanceof SharedArrayBuffer ||
    (ArrayBuffer.isView(valor) && valor.buffer instanceof SharedArrayBuffer)
  ) return ["memoria compartida", SOLO_DATOS_COMPARTIDOS];
  if (ArrayBuffer.isView(valor)) return null;
  const clase = Object.getPrototypeOf(valor);
  if (
    clase !== null && clase !== Object.prototype && !Array.isArray(valor) &&
    !clonables.some((c) => valor instanceof c)
  ) return [`un ${clase.constructor?.name || "objeto de una clase"}`, SIN_METODOS];
  const dentro = valor instanceof Map
    ? [...valor.keys(), ...valor.values()]
    : valor instanceof Set
    ? [...valor]
    : Object.values(valor);
  for (const d of dentro) {
    const mal = loQueLlegariaMal(d, vistos);
    if (mal) return mal;
  }
  return null;
}

/** Lo contrario de `codificar`: de los bytes, el elemento (una copia del que se puso). */
function decodificar(bytes: Uint8Array): unknown {
  const tipo = bytes[0];
  if (tipo < NUMERO) return CONSTANTES[tipo];
  if (tipo === NUMERO) return new DataView(bytes.buffer, bytes.byteOffset).getFloat64(1);
  if (tipo === TEXTO) return deUtf8.decode(bytes.subarray(1));
  if (tipo === JSON_) return JSON.parse(deUtf8.decode(bytes.subarray(1)));
  return nodeV8().deserialize(bytes.subarray(1));
}

// =======================================================================================
// Queue
// =======================================================================================

/** Bytes del búfer circular de cada cola (punto 4). */
const BYTES = 64 * 1024 * 1024;

// Los enteros del principio de su memoria compartida; después, el búfer.
const MAXSIZE = 0; // como mucho, tantos elementos (0: sin límite)
const CUANTOS = 1; // elementos en la cola
const INICIO = 2; // dónde empieza el primero (en bytes, dentro del búfer)
const OCUPADOS = 3; // bytes ocupados desde INICIO
const SIN_TERMINAR = 4; // tareas puestas sin su task_done() (en él espera join())
const CABECERA = 5;

/**
 * `queue.Queue(maxsize)` de Python: una cola FIFO (sale primero lo que entró primero) para
 * varios threads. Con `maxsize` mayor que 0, como mucho tantos elementos: `put` espera a que
 * haya hueco. Con 0 (o sin nada), sin límite.
 *
 * Es un objeto compartido más, como un Lock (punto 1): su memoria y, dentro, su Condition con
 * su Lock. Por eso también viaja en `args` y llega como la misma cola.
 */
export class Queue<T = unknown> extends Compartido {
  #buffer: Uint8Array;

  constructor(maxsize = 0) {
    if (!Number.isInteger(maxsize)) {
      throw new ValueError(`el maxsize de una Queue debe ser un número entero (no «${maxsize}»).`);
    }
    // Al llegar en `args`, su Condition ya reconstruida; si no, una nueva con su Lock.
    super("Queue", CABECERA + BYTES / 4, tomarParte() ?? new Condition(new Lock()));
    this.#buffer = new Uint8Array(this.m.buffer, CABECERA * 4);
    if (this.nuevo) this.m[MAXSIZE] = Math.max(maxsize, 0);
  }

  /**
   * La Condition de la cola: en ella esperan los `get` con la cola vacía y los `put` con la
   * cola llena. Python tiene dos sobre el mismo Lock, `not_empty` y `not_full`; aquí son la
   * misma, y se avisa con `notify_all()`: cada uno mira si ya le toca.
   */
  get not_empty(): Condition {
    return this.parte as Condition;
  }

  get not_full(): Condition {
    return this.parte as Condition;
  }

  /** El Lock de la cola (`mutex` en Python). */
  get mutex(): Lock {
    return this.not_empty.lock;
  }

  /** El máximo de elementos (0: sin límite), el de quien creó la cola. */
  get maxsize(): number {
    return this.m[MAXSIZE];
  }

  /** Cuántos elementos hay ahora (cuando lo uses, quizá otro thread ya puso o sacó). */
  qsize(): number {
    return this.#conElMutex(() => this.m[CUANTOS]);
  }

  /** ¿Está vacía ahora? */
  empty(): boolean {
    return this.qsize() === 0;
  }

  /** ¿Está llena ahora? (Sin límite, nunca.) */
  full(): boolean {
    return this.#conElMutex(() => this.maxsize > 0 && this.m[CUANTOS] >= this.maxsize);
  }

  /**
   * Pone `item` al final. Si la cola está llena, espera a que haya hueco: siempre
   * (`block` true, sin `timeout`), como mucho `timeout` segundos (y después lanza Full) o
   * nada (`block` false: lanza Full enseguida).
   */
  put(item: T, block = true, timeout: number | null = null): void {
    sinNombres("put", block, ["block", "timeout"], [true, null], ["item"]);
    traza?.callar(); // con --traza: «pone «x» en la cola», sin el Lock ni la Condition de dentro
    try {
      this.#put(item, block, timeout);
    } finally {
      traza?.hablar();
    }
  }

  #put(item: T, block: boolean, timeout: number | null): void {
    const limite = plazo(block, timeout);
    const bytes = codificar(item);
    if (4 + bytes.length > BYTES) {
      throw new ValueError(
        `el elemento ocupa ${bytes.length} bytes y en una Queue caben como mucho ${BYTES - 4}.`,
      );
    }
    this.not_full.acquire();
    let espera = false;
    try {
      while (!this.#cabe(bytes.length)) {
        const queda = limite - performance.now();
        if (queda <= 0) throw new Full();
        if (queda === Infinity) {
          nadieMas("put", "la cola está llena y no queda ningún thread que saque");
        }
        if (!espera) traza?.propio("espera_aviso", this, 1); // «espera: la cola está llena»
        espera = true;
        this.not_full.wait(Math.min(queda, VIGILAR) / 1000);
      }
      this.#escribir(bytes);
      traza?.elemento("pone", this, item);
      Atomics.add(this.m, CUANTOS, 1);
      Atomics.notify(this.m, CUANTOS); // por si alguien espera con `esperarElementos()`
      Atomics.add(this.m, SIN_TERMINAR, 1);
      this.not_empty.notify_all();
    } finally {
      this.not_full.release();
    }
  }

  /**
   * Saca el primer elemento y lo devuelve. Si la cola está vacía, espera a que alguien ponga
   * uno: siempre, como mucho `timeout` segundos (después lanza Empty) o nada (`block` false).
   */
  get(block = true, timeout: number | null = null): T {
    sinNombres("get", block, ["block", "timeout"], [true, null]);
    traza?.callar(); // con --traza: «saca «x» de la cola», sin el Lock ni la Condition de dentro
    try {
      return this.#get(block, timeout);
    } finally {
      traza?.hablar();
    }
  }

  #get(block: boolean, timeout: number | null): T {
    const limite = plazo(block, timeout);
    this.not_empty.acquire();
    let espera = false;
    try {
      while (this.m[CUANTOS] === 0) {
        const queda = limite - performance.now();
        if (queda <= 0) throw new Empty();
        if (queda === Infinity) {
          nadieMas("get", "la cola está vacía y no queda ningún thread que ponga");
        }
        if (!espera) traza?.propio("espera_aviso", this, 0); // «espera: la cola está vacía»
        espera = true;
        this.not_empty.wait(Math.min(queda, VIGILAR) / 1000);
      }
      const bytes = this.#leer();
      Atomics.sub(this.m, CUANTOS, 1);
      this.not_full.notify_all();
      const elemento = decodificar(bytes) as T;
      traza?.elemento("saca", this, elemento);
      return elemento;
    } finally {
      this.not_empty.release();
    }
  }

  /** `put(item, false)`: si no hay hueco, lanza Full. */
  put_nowait(item: T): void {
    this.put(item, false);
  }

  /** `get(false)`: si no hay nada, lanza Empty. */
  get_nowait(): T {
    return this.get(false);
  }

  /**
   * El consumidor dice que ha terminado con un elemento que sacó. Cuando cada elemento puesto
   * tiene su `task_done()`, `join()` vuelve.
   */
  task_done(): void {
    const antes = Atomics.sub(this.m, SIN_TERMINAR, 1);
    if (antes <= 0) {
      Atomics.add(this.m, SIN_TERMINAR, 1);
      throw new ValueError(
        "task_done() se ha llamado más veces que elementos se han puesto en la cola.",
      );
    }
    if (antes === 1) Atomics.notify(this.m, SIN_TERMINAR);
  }

  /**
   * Espera a que cada elemento puesto tenga su `task_done()` (en Python `q.join()`; aquí
   * `await q.join()`, como `await t.join()`).
   */
  join(): Promise<void> {
    return conAwait(this.#join(), "q.join()", "a que se procesen los elementos de la cola");
  }

  async #join(): Promise<void> {
    // `Atomics.waitAsync` sola no mantiene vivo el programa: un temporizador sí, mientras se espera.
    const vivo = setTimeout(() => {}, 2 ** 31 - 1);
    try {
      let sinTerminar;
      while ((sinTerminar = Atomics.load(this.m, SIN_TERMINAR)) > 0) {
        const espera = await Atomics.waitAsync(this.m, SIN_TERMINAR, sinTerminar, VIGILAR).value;
        if (espera !== "timed-out") continue;
        nadieMas(
          "join",
          (sinTerminar === 1 ? "queda 1 elemento" : `quedan ${sinTerminar} elementos`) +
            " sin su task_done() y no queda ningún thread que lo " +
            "llame (¿falta un task_done() tras cada get()?)",
        );
      }
    } finally {
      clearTimeout(vivo);
    }
  }

  /**
   * No es de Python: espera con `await`, sin bloquear el thread, a que haya algún elemento
   * (no lo saca). Lo usa el programa principal de un pool (concurrent_futures.ts), que no
   * puede quedarse dormido en `get()`: dejaría de atender a sus threads.
   */
  async esperarElementos(): Promise<void> {
    while (Atomics.load(this.m, CUANTOS) === 0) {
      await Atomics.waitAsync(this.m, CUANTOS, 0).value;
    }
  }

  // --- El búfer circular (punto 2), siempre con el mutex cogido ----------------------------

  /** ¿Caben `n` bytes más (y un elemento más, si hay `maxsize`)? */
  #cabe(n: number): boolean {
    const hayHueco = this.maxsize <= 0 || this.m[CUANTOS] < this.maxsize;
    return hayHueco && this.m[OCUPADOS] + 4 + n <= BYTES;
  }

  /** Escribe tras el último elemento: su longitud (4 bytes) y sus bytes. */
  #escribir(bytes: Uint8Array) {
    const longitud = new Uint8Array(Uint32Array.of(bytes.length).buffer);
    const fin = (this.m[INICIO] + this.m[OCUPADOS]) % BYTES;
    this.#copiarEn(longitud, fin);
    this.#copiarEn(bytes, (fin + 4) % BYTES);
    this.m[OCUPADOS] += 4 + bytes.length;
  }

  /** Lee el primer elemento (sus bytes) y lo quita del búfer. */
  #leer(): Uint8Array {
    const inicio = this.m[INICIO];
    const longitud = new Uint32Array(this.#copiarDe(inicio, 4).buffer)[0];
    const bytes = this.#copiarDe((inicio + 4) % BYTES, longitud);
    this.m[OCUPADOS] -= 4 + longitud;
    // Vacía: de vuelta al principio. Si no, la siguiente, tras lo que se sacó.
    this.m[INICIO] = this.m[OCUPADOS] === 0 ? 0 : (inicio + 4 + longitud) % BYTES;
    return bytes;
  }

  /** Copia `bytes` en el búfer desde `posicion`; lo que no cabe al final, al principio. */
  #copiarEn(bytes: Uint8Array, posicion: number) {
    const hastaElFinal = Math.min(bytes.length, BYTES - posicion);
    this.#buffer.set(bytes.subarray(0, hastaElFinal), posicion);
    this.#buffer.set(bytes.subarray(hastaElFinal), 0);
  }

  /** Una copia (no compartida) de `n` bytes del búfer desde `posicion`, dando la vuelta. */
  #copiarDe(posicion: number, n: number): Uint8Array {
    const bytes = new Uint8Array(n);
    const hastaElFinal = Math.min(n, BYTES - posicion);
    bytes.set(this.#buffer.subarray(posicion, posicion + hastaElFinal));
    bytes.set(this.#buffer.subarray(0, n - hastaElFinal), hastaElFinal);
    return bytes;
  }

  #conElMutex<R>(f: () => R): R {
    traza?.callar(); // un vistazo (qsize, full): con --traza, sin los pasos del mutex
    this.mutex.acquire();
    try {
      return f();
    } finally {
      this.mutex.release();
      traza?.hablar();
    }
  }
}

/** Cada cuánto (ms) mira, mientras espera sin límite, si queda algún thread que pueda avisarle. */
const VIGILAR = 100;

/**
 * Python esperaría siempre: el programa principal espera (sin límite de tiempo) algo que solo
 * un thread puede hacer, y no queda ninguno vivo. Aquí, un RuntimeError que lo dice.
 */
function nadieMas(metodo: string, porque: string) {
  if ("WorkerGlobalScope" in globalThis || active_count() > 1) return;
  throw new RuntimeError(`${metodo}() esperaría siempre: ${porque}.`);
}

/**
 * Hasta cuándo espera un `put` o un `get` (en milisegundos de `performance.now()`): siempre,
 * nada o `timeout` segundos. Como en Python, un `timeout` negativo es un error (ValueError).
 */
function plazo(block: boolean, timeout: number | null): number {
  if (!block) return -Infinity;
  if (timeout === null || timeout === undefined) return Infinity;
  comprobarTimeout(timeout); // las frases de threading.ts: negativo, no un número...
  return performance.now() + timeout * 1000;
}

// Para que una Queue en `args` llegue al thread como la misma cola (threading.ts, punto 2).
reconstruir.Queue = () => new Queue();
