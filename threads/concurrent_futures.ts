/**
 * concurrent_futures.ts: `concurrent.futures` de Python (el `ThreadPoolExecutor`, sus `Future`,
 * `as_completed` y `wait`) para los threads de threading.ts, junto a queue.ts (la usa).
 *
 *   Python                                          aquí
 *   with ThreadPoolExecutor(max_workers=2) as pool:  await using pool = new ThreadPoolExecutor({ max_workers: 2 })
 *   f = pool.submit(tarea, 10, "a")                  const f = pool.submit(tarea, 10, "a")
 *   f.result(); f.result(timeout=1)                  await f.result(); await f.result(1)   (lanza el error de la tarea)
 *   f.exception(); f.done()                          await f.exception(); f.done()
 *   f.add_done_callback(fn)                          igual: fn(f) cuando acaba
 *   for f in as_completed(fs):                       for await (const f of as_completed(fs))
 *   done, not_done = wait(fs, return_when=...)       const { done, not_done } = await wait(fs, { return_when: FIRST_COMPLETED })
 *   for r in pool.map(tarea, xs, ys):                for await (const r of pool.map(tarea, xs, ys))
 *   pool.map(tarea, xs, timeout=2)                   pool.map(tarea, xs, { timeout: 2 })
 *   f.cancel(); f.cancelled(); f.running()           igual (cancel: true si la tarea aún no ha empezado)
 *   except CancelledError:                           igual: result() de una tarea cancelada
 *   pool.shutdown(wait=True)                         await pool.shutdown()   (`await using` lo hace solo)
 *   pool.shutdown(cancel_futures=True)               await pool.shutdown(true, { cancel_futures: true })
 *   except TimeoutError:                             catch (e) { if (e instanceof TimeoutError) ... }
 *   except BrokenThreadPool:                         igual: un thread del pool acabó con un error
 *
 * Como el `target` de un Thread, la función de una tarea viaja por su nombre: lleva `export`.
 * Sus argumentos y su resultado viajan copiados, como los elementos de una Queue (números,
 * textos, objetos, arrays...). Un pool que no se cierra no retiene el programa: como en Python,
 * al acabar su última línea se esperan las tareas pendientes y el programa termina. Un uso
 * equivocado (`max_workers: 0`, `submit` tras `shutdown`) lanza ValueError o RuntimeError de
 * threading.ts; si nadie lo recoge, una frase y código 1, sin traza, como el error de una tarea.
 *
 * ---------------------------------------------------------------------------------------
 * Cómo está hecho (la lección de este fichero), como Lib/concurrent/futures/thread.py
 * ---------------------------------------------------------------------------------------
 *
 * 1. Un pool es una Queue de tareas y unos threads que sacan de ella. `submit` pone la tarea
 *    (su número, el nombre de la función y sus argumentos) y devuelve enseguida un `Future`:
 *    la promesa de un resultado que aún no existe. Cada thread del pool, en bucle: saca una
 *    tarea, busca la función en el módulo del ejemplo, la ejecuta y pone en otra Queue, la de
 *    resultados, el número de la tarea con su resultado o con su error.
 *
 * 2. El programa principal no puede dormirse en `get()` de la cola de resultados: dejaría de
 *    hacer todo lo demás. Espera con `await` (`esperarElementos()`, hecha con
 *    `Atomics.waitAsync`) y, cuando llega algo, completa el Future de ese número: quien espera
 *    su `result()` despierta, con el valor o con el error.
 *
 * 3. Al cerrar (`shutdown()`), el pool pone un `null` por thread en la cola de tareas: cada
 *    thread acaba las que quedan delante y, al sacar su `null`, termina.
 *
 * 4. Python, al acabar el programa, espera a las tareas pendientes de cada pool y cierra sus
 *    threads. Aquí: Deno lanza el evento «load» cuando el programa ha ejecutado su última
 *    línea (threading.ts lo avisa: `cuandoAcabeElPrincipal`); desde entonces, un pool sin
 *    tareas pendientes cierra sus threads (y si después llega otra tarea, los vuelve a
 *    arrancar). Si no, sus workers mantendrían vivo el programa para siempre.
 *
 * 5. Un thread del pool que acaba sin que se lo pidan: por `Deno.exit()` en una tarea (el
 *    thread lo cambia por uno que antes acaba la tarea con un error que lo dice), el pool
 *    pone otro thread; por otro error (el programa no carga en el thread), el pool queda roto
 *    (BrokenThreadPool) y sus tareas pendientes acaban con ese error: nadie se queda esperando
 *    un resultado que no llegará.
 */

import {
  BrokenBarrierError,
  comprobarTarget,
  comprobarTimeout,
  cuandoAcabeElPrincipal,
  erroresDeOtrosModulos,
  faltaExport,
  fraseDeUnError,
  importarElModulo,
  principalHaAcabado,
  RuntimeError,
  Thread,
  traza,
  ValueError,
} from "./threading.ts";
import { Empty, Full, NoViaja, Queue } from "./queue.ts";

/** Con --traza, las colas del pool no salen en la traza: son del pool, no del programa. */
function callada<T>(f: () => T): T {
  traza?.callar();
  try {
    return f();
  } finally {
    traza?.hablar();
  }
}

// =======================================================================================
// Los errores de concurrent.futures
// =======================================================================================

/** `TimeoutError`: `result(timeout)`, `exception(timeout)` o `as_completed` fuera de tiempo. */
export class TimeoutError extends Error {
  override name = "TimeoutError";
}

/** Los errores que vienen de una tarea llevan su nombre, para contarlo si nadie los recoge. */
const DE_LA_TAREA = Symbol("de la tarea");

/**
 * El error de una tarea, o un TimeoutError o CancelledError, que nadie recoge con try/catch en el programa
 * principal: como los errores de threading.ts, una frase sin traza («Error en la tarea
 * falla(3), en pool.ts:12: ...») y código 1. Los ValueError y RuntimeError los cuenta
 * threading.ts.
 */
function sinRecoger(error: unknown): string | null {
  if (error instanceof TimeoutError || error instanceof CancelledError) {
    return fraseDeUnError("el programa principal", error);
  }
  if (error instanceof Error && DE_LA_TAREA in error) {
    return fraseDeUnError(`la tarea ${String(error[DE_LA_TAREA])}`, error);
  }
  return null;
}
erroresDeOtrosModulos.frases.push(sinRecoger); // threading.ts los cuenta, con los suyos

/** `CancelledError`: `result()` o `exception()` de una tarea cancelada con `cancel()`. */
export class CancelledError extends Error {
  override name = "CancelledError";
}

/** `BrokenThreadPool`: un thread del pool acabó con un error fuera de sus tareas. */
export class BrokenThreadPool extends RuntimeError {
  override name = "BrokenThreadPool";
}

// =======================================================================================
// Future
// =======================================================================================

type Estado = "PENDING" | "CANCELLED" | "FINISHED";

/** Lo que el pool sabe hacer con la tarea de un Future: ¿ha empezado?; cancelarla si no. */
interface Control {
  empezada(): boolean;
  cancelar(): boolean;
}

/**
 * `concurrent.futures.Future`: el resultado de una tarea que quizá aún no ha acabado. Lo
 * devuelve `submit`; no se crea a mano.
 */
export class Future<T = unknown> {
  /** La tarea, para los mensajes: `contarPrimos(5000)`. */
  readonly _nombre: string;
  #estado: Estado = "PENDING";
  #valor: T | undefined;
  #error: unknown = null;
  #fallo = false;
  #llamadas: (() => void)[] = [];
  #fin = Promise.withResolvers<void>();
  #control: Control | null;

  constructor(nombre = "", control: Control | null = null) {
    this._nombre = nombre;
    this.#control = control;
  }

  /** ¿Ha acabado (con resultado, con error o cancelada)? */
  done(): boolean {
    return this.#estado !== "PENDING";
  }

  /** ¿Se está ejecutando ahora? (Empezada y sin acabar.) */
  running(): boolean {
    return !this.done() && (this.#control?.empezada() ?? false);
  }

  /**
   * Cancela la tarea si aún no ha empezado (true: ya no se hará; `result()` lanzará
   * CancelledError). Si ya está en marcha o ha acabado, false (salvo que ya estuviera cancelada).
   */
  cancel(): boolean {
    if (this.#estado === "CANCELLED") return true;
    if (this.done() || !this.#control?.cancelar()) return false;
    this._completar(true, new CancelledError(`la tarea ${this._nombre} se canceló.`), "CANCELLED");
    return true;
  }

  cancelled(): boolean {
    return this.#estado === "CANCELLED";
  }

  /**
   * El resultado de la tarea; si la tarea lanzó un error, lanza ese error. Con `timeout`
   * (segundos), si no ha acabado para entonces, lanza TimeoutError.
   */
  async result(timeout: number | null = null): Promise<T> {
    await this.#esperar(timeout, "result");
    if (this.#fallo) throw this.#error;
    return this.#valor as T;
  }

  /** El error que lanzó la tarea, o null si acabó bien. Con `timeout`, como `result`. */
  async exception(timeout: number | null = null): Promise<unknown> {
    await this.#esperar(timeout, "exception");
    if (this.cancelled()) throw this.#error; // como en Python: CancelledError
    return this.#fallo ? this.#error : null;
  }

  /** Llama a `fn(future)` cuando acabe (enseguida, si ya ha acabado). */
  add_done_callback(fn: (f: Future<T>) => void): void {
    if (typeof fn !== "function") {
      throw new ValueError("add_done_callback() necesita una función: la llama con el Future.");
    }
    if (this.done()) this.#llamar(fn);
    else this.#llamadas.push(() => this.#llamar(fn));
  }

  /** Lo usa `wait`: ¿acabó con error? (Cancelada no cuenta.) */
  _fallo(): boolean {
    return this.#fallo && !this.cancelled();
  }

  /** Lo usa el pool: la tarea ha acabado, con este valor o con este error. */
  _completar(fallo: boolean, valorOError: unknown, estado: Estado = "FINISHED"): void {
    if (this.done()) return;
    this.#fallo = fallo;
    if (fallo) this.#error = valorOError;
    else this.#valor = valorOError as T;
    this.#estado = estado;
    this.#fin.resolve();
    for (const llamar of this.#llamadas.splice(0)) llamar();
  }

  /** Como en Python: un error dentro de una llamada se cuenta y no para nada más. */
  #llamar(fn: (f: Future<T>) => void) {
    try {
      fn(this);
    } catch (error) {
      console.error(`Error en la función de add_done_callback: ${mensajeDe(error)}`);
    }
  }

  /** Espera a que acabe, como mucho `timeout` segundos. */
  async #esperar(timeout: number | null, metodo: string): Promise<void> {
    if (this.done()) return;
    if (timeout === null || timeout === undefined) return await this.#fin.promise;
    comprobarTimeout(timeout, false, metodo);
    if (!await conPlazo(this.#fin.promise, timeout)) {
      throw new TimeoutError(`la tarea ${this._nombre} no ha acabado en ${timeout} s.`);
    }
  }
}

/** Espera `promesa` como mucho `timeout` segundos: true si llegó a tiempo. */
async function conPlazo(promesa: Promise<unknown>, timeout: number): Promise<boolean> {
  let reloj: ReturnType<typeof setTimeout> | undefined;
  const plazo = new Promise<false>((listo) => reloj = setTimeout(listo, timeout * 1000, false));
  try {
    return await Promise.race([promesa.then(() => true), plazo]);
  } finally {
    clearTimeout(reloj); // si no, el programa esperaría a que sonara para acabar
  }
}

/** Un argumento, corto, para nombrar una tarea en un mensaje. */
function verArgumento(valor: unknown): string {
  // Deno.inspect y no String(): un objeto sin prototipo, o con una clave «toString», no se
  // puede pasar a texto con String().
  const texto = typeof valor === "string"
    ? JSON.stringify(valor)
    : valor !== null && typeof valor === "object"
    ? Deno.inspect(valor, { compact: true, breakLength: Infinity })
    : String(valor);
  return texto.length > 20 ? texto.slice(0, 19) + "…" : texto;
}

function mensajeDe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// =======================================================================================
// as_completed y wait
// =======================================================================================

/**
 * `as_completed(fs, timeout)`: cada Future de `fs` en cuanto acaba (primero los ya acabados).
 * Con `timeout` (segundos, desde la llamada), si no han acabado todos, TimeoutError.
 */
export function as_completed<T>(
  fs: Iterable<Future<T>>,
  timeout: number | null = null,
): AsyncGenerator<Future<T>> {
  return conForAwait(
    conforme(fs, timeout),
    "as_completed() da cada Future según acaba, con await: escribe " +
      "«for await (const f of as_completed(fs))».",
  );
}

async function* conforme<T>(
  fs: Iterable<Future<T>>,
  timeout: number | null,
): AsyncGenerator<Future<T>> {
  if (timeout !== null) comprobarTimeout(timeout, false, "as_completed");
  const limite = timeout === null ? Infinity : performance.now() + timeout * 1000;
  const pendientes = new Set(fs);
  const acabados: Future<T>[] = [];
  let aviso = Promise.withResolvers<void>();
  for (const f of pendientes) {
    f.add_done_callback(() => {
      acabados.push(f);
      aviso.resolve();
    });
  }
  while (pendientes.size > 0) {
    if (acabados.length === 0) {
      const queda = limite - performance.now();
      if (queda <= 0 || (queda !== Infinity && !await conPlazo(aviso.promise, queda / 1000))) {
        throw new TimeoutError(`quedan ${pendientes.size} tareas sin acabar tras ${timeout} s.`);
      }
      if (queda === Infinity) await aviso.promise;
      aviso = Promise.withResolvers<void>();
    }
    const f = acabados.shift();
    if (f === undefined) continue;
    pendientes.delete(f);
    yield f;
  }
}

/**
 * Lo que da sus resultados con `for await` (`as_completed`, `map`): el `for x in ...` de
 * Python escrito como `for (const x of ...)`, o un `await` delante, no da un TypeError con
 * traza ni un objeto que no es la lista: da la frase que dice cómo se escribe.
 */
function conForAwait<T>(resultados: AsyncGenerator<T>, frase: string): AsyncGenerator<T> {
  const falla = () => {
    throw new RuntimeError(frase);
  };
  return Object.assign(resultados, {
    [Symbol.iterator]: falla,
    then: (_: unknown, rechazar: (error: unknown) => void) => rechazar(new RuntimeError(frase)),
  });
}

export const FIRST_COMPLETED = "FIRST_COMPLETED";
export const FIRST_EXCEPTION = "FIRST_EXCEPTION";
export const ALL_COMPLETED = "ALL_COMPLETED";

/**
 * `wait(fs, timeout, return_when)`: espera a que acaben todos (ALL_COMPLETED), el primero
 * (FIRST_COMPLETED) o el primero con error (FIRST_EXCEPTION; si ninguno falla, todos), o a
 * que pase `timeout`. Devuelve los acabados y los que no: `{ done, not_done }`.
 */
export async function wait<T>(
  fs: Iterable<Future<T>>,
  { timeout = null, return_when = ALL_COMPLETED }: {
    timeout?: number | null;
    return_when?: typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;
  } = {},
): Promise<{ done: Set<Future<T>>; not_done: Set<Future<T>> }> {
  if (![FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED].includes(return_when)) {
    throw new ValueError(
      `return_when debe ser FIRST_COMPLETED, FIRST_EXCEPTION o ALL_COMPLETED (no «${return_when}»).`,
    );
  }
  const todos = new Set(fs);
  const hecho = () => {
    const acabados = [...todos].filter((f) => f.done());
    if (return_when === FIRST_COMPLETED) return acabados.length > 0;
    if (return_when === FIRST_EXCEPTION && acabados.some((f) => f._fallo())) return true;
    return acabados.length === todos.size;
  };
  const listo = Promise.withResolvers<void>();
  for (const f of todos) f.add_done_callback(() => hecho() && listo.resolve());
  if (!hecho() && todos.size > 0) {
    if (timeout === null) await listo.promise;
    else {
      comprobarTimeout(timeout);
      await conPlazo(listo.promise, timeout);
    }
  }
  const done = new Set([...todos].filter((f) => f.done()));
  return { done, not_done: new Set([...todos].filter((f) => !done.has(f))) };
}

// =======================================================================================
// ThreadPoolExecutor: el lado de los threads del pool (punto 1)
// =======================================================================================

/** Una tarea en la cola: su número, el nombre de la función y sus argumentos. */
type Tarea = [number, string, unknown[]];
/** Un resultado en la cola: el número de la tarea, si falló, y el valor o el error. */
type Resultado = [number, boolean, unknown, ClaseDelError?];

/**
 * Un error viaja copiado como un `Error` cualquiera: sin su clase (`Empty`, `ValueError`, la
 * del alumno) ni sus campos. Viajan aparte, y el principal se los devuelve (`restaurar`).
 */
interface ClaseDelError {
  clase: string;
  campos: Record<string, unknown>;
}

/** Las clases de error que el principal conoce por su nombre: las de Python. */
const CLASES_DE_ERROR: Record<string, { prototype: Error }> = {
  ValueError,
  RuntimeError,
  BrokenBarrierError,
  Empty,
  Full,
  TimeoutError,
  CancelledError,
  BrokenThreadPool,
};

/**
 * Devuelve a un error llegado de un thread su clase, si es una de CLASES_DE_ERROR (así
 * `instanceof Empty` vale, como `except queue.Empty` en Python), y sus campos. Una clase del
 * alumno no se puede reconstruir aquí: conserva su nombre y sus campos.
 */
function restaurar(error: Error, { clase, campos }: ClaseDelError) {
  const conocida = Object.hasOwn(CLASES_DE_ERROR, clase) ? CLASES_DE_ERROR[clase] : undefined;
  if (conocida) Object.setPrototypeOf(error, conocida.prototype);
  Object.assign(error, campos);
  if (!conocida && !(clase in globalThis)) error.name = clase;
}

/**
 * Lo que hace cada thread del pool: sacar una tarea, ejecutarla, poner su resultado; hasta
 * sacar un `null`. Exportada: es el `target` de los threads del pool, que la buscan por su
 * nombre en este fichero. `deLasTareas`: el módulo del ejemplo, donde están las funciones.
 */
export async function trabajador(
  tareas: Queue<Tarea | null>,
  resultados: Queue<Resultado>,
  deLasTareas: string,
  salidas: Int32Array,
  estados: Int32Array,
) {
  const modulo = await importarElModulo(deLasTareas);
  // `Deno.exit()` en una tarea (el `sys.exit()` de Python) acaba este thread: antes, su
  // tarea acaba con un error que lo dice, y se anota la salida para que el pool ponga otro
  // thread (lo anota antes de que el principal sepa que el thread acaba: sin carreras).
  let enCurso: Tarea | null = null;
  const salir = Deno.exit;
  Deno.exit = (codigo?: number) => {
    if (enCurso) {
      const [numero, nombre] = enCurso;
      enCurso = null;
      callada(() =>
        resultados.put([
          numero,
          true,
          new RuntimeError(
            `la tarea ${nombre} llamó a Deno.exit(), que en un pool acaba su thread: ` +
              "devuelve un valor o lanza un error.",
          ),
        ])
      );
      Atomics.add(salidas, 0, 1); // el principal pondrá otro thread
    }
    return salir(codigo);
  };
  for (;;) {
    const tarea = enCurso = callada(() => tareas.get());
    if (tarea === null) return; // el pool se cierra
    const [numero, nombre, args] = tarea;
    if (!empezar(estados, numero)) continue; // cancelada antes de empezar
    let resultado: Resultado;
    try {
      const f = modulo[nombre];
      if (typeof f !== "function") {
        throw new ValueError(faltaExport("el pool", nombre));
      }
      resultado = [numero, false, await f(...args)];
    } catch (error) {
      resultado = [numero, true, error];
      if (error instanceof Error) {
        resultado.push({ clase: error.constructor.name, campos: { ...error } });
      }
    }
    enCurso = null;
    try {
      try {
        callada(() => resultados.put(resultado));
      } catch (error) {
        if (resultado.length < 4) throw error;
        callada(() => resultados.put(resultado.slice(0, 3) as Resultado)); // sin sus campos
      }
    } catch (error) {
      // El valor (o el error) no puede viajar: viaja una frase que lo dice.
      const que = resultado[1] ? "lanzó un error" : "devolvió algo";
      const porque = error instanceof NoViaja
        ? error.porque
        : "viajan datos (números, textos, objetos, arrays...), no funciones";
      callada(() =>
        resultados.put([
          numero,
          true,
          new ValueError(
            `la tarea ${nombre} ${que} que no puede volver al programa principal: ${porque}.`,
          ),
        ])
      );
    }
  }
}

/**
 * El estado de cada tarea, en memoria compartida, para `cancel()`: en la casilla
 * `numero % ESTADOS`, `numero + 1` si un thread la ha empezado y `-(numero + 1)` si se ha
 * cancelado. Quien llega antes gana: los dos cambian la casilla con `compareExchange`. (Con
 * más de ESTADOS tareas pendientes a la vez, dos compartirían casilla.)
 */
const ESTADOS = 1 << 16;

/** En el thread: marca la tarea como empezada, salvo que ya esté cancelada (false). */
function empezar(estados: Int32Array, numero: number): boolean {
  const i = numero % ESTADOS;
  for (;;) {
    const antes = Atomics.load(estados, i);
    if (antes === -(numero + 1)) return false;
    if (Atomics.compareExchange(estados, i, antes, numero + 1) === antes) return true;
  }
}

/** En el principal: la cancela si ningún thread la ha empezado (true). */
function cancelar(estados: Int32Array, numero: number): boolean {
  const i = numero % ESTADOS;
  for (;;) {
    const antes = Atomics.load(estados, i);
    if (antes === numero + 1) return false;
    if (antes === -(numero + 1)) return true;
    if (Atomics.compareExchange(estados, i, antes, -(numero + 1)) === antes) return true;
  }
}

// =======================================================================================
// ThreadPoolExecutor: el lado del programa principal (puntos 2 a 4)
// =======================================================================================

/** Cuántos pools se han creado: Python numera sus threads `ThreadPoolExecutor-<pool>_<k>`. */
let pools = 0;

/**
 * `concurrent.futures.ThreadPoolExecutor(max_workers=n)` de Python: `max_workers` threads
 * (por defecto, uno por núcleo) que se reparten las tareas de `submit` y `map`. En Python se
 * usa con `with`; aquí con `await using`, que al salir del bloque llama a `shutdown()`.
 * `modulo` casi nunca hace falta: el fichero de las funciones (por defecto, el programa).
 */
export class ThreadPoolExecutor {
  readonly max_workers: number;
  #nombre: string;
  #modulo: string;
  #tareas = new Queue<Tarea | null>();
  #resultados = new Queue<Resultado>();
  #threads: Thread[] = [];
  /** Threads acabados por Deno.exit() en una tarea (los cuenta cada uno) y los ya repuestos. */
  #salidas = new Int32Array(new SharedArrayBuffer(4));
  /** El estado de cada tarea, para `cancel()` (ver `empezar`). */
  #estados = new Int32Array(new SharedArrayBuffer(4 * ESTADOS));
  #repuestos = 0;
  #arrancados = 0;
  #futures = new Map<number, Future>();
  #siguiente = 0;
  #cerrado = false;
  #recogiendo = false;

  constructor(
    { max_workers = navigator.hardwareConcurrency, modulo = Deno.mainModule }: {
      max_workers?: number;
      modulo?: string;
    } = {},
  ) {
    if (!Number.isInteger(max_workers) || max_workers < 1) {
      throw new ValueError(
        `max_workers debe ser un número entero mayor que 0 (no «${max_workers}»).`,
      );
    }
    if ("WorkerGlobalScope" in globalThis) {
      throw new RuntimeError(
        "un pool se crea en el programa principal: pon el código que lo crea dentro de " +
          "«if (import.meta.main)».",
      );
    }
    this.max_workers = max_workers;
    this.#nombre = `ThreadPoolExecutor-${pools++}`;
    this.#modulo = modulo;
    this.#arrancar();
    // También si se crea tras la última línea (desde un setTimeout) y no recibe tareas.
    cuandoAcabeElPrincipal(() => this.#siNadaPendiente());
  }

  /**
   * Pone una tarea, `fn(...args)`, y devuelve su Future enseguida (la tarea se hace cuando
   * un thread del pool quede libre).
   */
  submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Future<Awaited<R>> {
    if (this.#roto) throw new BrokenThreadPool(`${this.#roto}: ya no acepta tareas.`);
    if (this.#cerrado) {
      throw new RuntimeError("el pool ya está cerrado (shutdown): no acepta más tareas.");
    }
    comprobarTarget(fn, "la tarea de un pool");
    const numero = this.#siguiente++;
    try {
      callada(() => this.#tareas.put([numero, fn.name, args]));
    } catch (error) {
      if (!(error instanceof NoViaja)) throw error;
      throw new ValueError(
        `los argumentos de la tarea ${fn.name} llevan ${error.que}, que no puede viajar a ` +
          `un thread: ${error.porque}.`,
      );
    }
    const estados = this.#estados;
    const future = new Future<Awaited<R>>(`${fn.name}(${args.map(verArgumento).join(", ")})`, {
      empezada: () => Atomics.load(estados, numero % ESTADOS) === numero + 1,
      cancelar: () => {
        if (!cancelar(estados, numero)) return false;
        this.#futures.delete(numero); // su resultado no llegará
        return true;
      },
    });
    this.#futures.set(numero, future as Future);
    if (this.#threads.length === 0) this.#arrancar(); // tras el final del programa (punto 4)
    this.#recoger();
    return future;
  }

  /**
   * `map(fn, xs, ys...)`: pone ya una tarea por cada `fn(x, y...)` (como `zip`, hasta la
   * lista más corta) y devuelve sus resultados en ese orden, cada uno en cuanto está. Si una
   * tarea lanzó un error, lo lanza al llegar a su resultado. Con `{ timeout }` como último
   * argumento, TimeoutError si no han acabado a tiempo (contado desde la llamada).
   */
  map<R>(
    fn: (...args: never[]) => R,
    ...iterables: (Iterable<unknown> | { timeout: number | null })[]
  ): AsyncGenerator<Awaited<R>> {
    let timeout: number | null = null;
    const ultimo = iterables.at(-1);
    if (
      ultimo !== null && typeof ultimo === "object" && !(Symbol.iterator in ultimo) &&
      "timeout" in ultimo
    ) {
      timeout = ultimo.timeout;
      iterables.pop();
    }
    if (timeout !== null) comprobarTimeout(timeout);
    const listas = iterables.map((i) => {
      if (i === null || typeof i !== "object" || !(Symbol.iterator in i)) {
        throw new ValueError(
          `map() necesita listas de datos tras la función (no «${String(i)}»).`,
        );
      }
      return [...(i as Iterable<unknown>)];
    });
    const cuantas = listas.length ? Math.min(...listas.map((l) => l.length)) : 0;
    const futures = Array.from(
      { length: cuantas },
      (_, k) => this.submit(fn as (...a: unknown[]) => R, ...listas.map((l) => l[k])),
    );
    const limite = timeout === null ? null : performance.now() + timeout * 1000;
    return conForAwait(
      (async function* () {
        for (const f of futures) {
          yield await f.result(
            limite === null ? null : Math.max(limite - performance.now(), 0) / 1000,
          );
        }
      })(),
      "pool.map() da sus resultados según llegan, con await: escribe " +
        "«for await (const r of pool.map(...))» (o, en una lista, " +
        "«await Array.fromAsync(pool.map(...))»).",
    );
  }

  /**
   * Cierra el pool: no acepta más tareas; los threads acaban las que quedan y terminan. Con
   * `wait` (por defecto), espera a que terminen. Con `{ cancel_futures: true }`, antes cancela
   * las que aún no han empezado.
   */
  async shutdown(wait = true, { cancel_futures = false } = {}): Promise<void> {
    this.#cerrado = true;
    clearTimeout(this.#aParar); // ya no hace falta: se paran ahora
    if (cancel_futures) { for (const f of [...this.#futures.values()]) f.cancel(); }
    this.#parar();
    if (wait) {
      for (const t of this.#threads) await t.join();
      await this.#recogida;
    }
  }

  /** Lo que hace `await using` al salir del bloque (el final del `with` de Python). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  // --- Por dentro ------------------------------------------------------------------------

  /** Arranca los threads del pool (punto 1). */
  #arrancar() {
    this.#threads = Array.from({ length: this.max_workers }, () => this.#nuevoThread());
    for (const t of this.#threads) this.#arrancarThread(t);
  }

  #nuevoThread(): Thread {
    const t = new Thread({
      target: trabajador,
      args: [this.#tareas, this.#resultados, this.#modulo, this.#salidas, this.#estados],
      name: `${this.#nombre}_${this.#arrancados++}`, // el nombre que les da Python
      modulo: import.meta.url, // `trabajador` está en este fichero
    });
    erroresDeOtrosModulos.sinEsperar.add(t); // esperan tareas: un error del principal no los espera
    return t;
  }

  /** Lo arranca y, si acaba sin que el pool se lo pida (Deno.exit() en una tarea), pone otro. */
  #arrancarThread(t: Thread) {
    t.start();
    t.join().then(() => {
      const k = this.#threads.indexOf(t);
      if (k < 0 || this.#cerrado) return;
      if (Atomics.load(this.#salidas, 0) <= this.#repuestos) {
        // Otro fallo (el módulo no carga en el thread...), que threading.ts ya ha contado:
        // como en Python, el pool queda roto y sus tareas pendientes acaban con ese error.
        this.#romper(t.name);
        return;
      }
      this.#repuestos++;
      this.#threads[k] = this.#nuevoThread();
      this.#arrancarThread(this.#threads[k]);
    });
  }

  #roto: string | null = null;

  #romper(hilo: string) {
    this.#roto = `el pool está roto: su thread ${hilo} acabó con un error (el de arriba)`;
    for (const future of this.#futures.values()) {
      future._completar(true, new BrokenThreadPool(`${this.#roto}.`));
    }
    this.#futures.clear();
    this.#parar();
    this.#threads = [];
  }

  /** Un `null` por thread: cada uno acaba lo que hay delante y termina (punto 3). */
  #parar() {
    for (const _ of this.#threads) callada(() => this.#tareas.put(null));
  }

  #recogida: Promise<void> = Promise.resolve();

  /** Mientras haya tareas sin resultado, completa sus Future según llegan (punto 2). */
  #recoger() {
    if (this.#recogiendo) return;
    this.#recogiendo = true;
    this.#recogida = (async () => {
      while (this.#futures.size > 0) {
        await this.#resultados.esperarElementos();
        while (!this.#resultados.empty()) {
          const [numero, fallo, valor, clase] = callada(() => this.#resultados.get());
          const future = this.#futures.get(numero);
          this.#futures.delete(numero);
          if (fallo && valor instanceof Error && clase) restaurar(valor, clase);
          if (fallo && valor instanceof Error) {
            Object.defineProperty(valor, DE_LA_TAREA, { value: future?._nombre });
          }
          future?._completar(fallo, valor);
        }
      }
      this.#recogiendo = false;
      this.#siNadaPendiente();
    })();
  }

  /**
   * Tras la última línea del programa y sin tareas pendientes, se paran los threads (punto 4).
   * Un turno después: así, quien recibe un resultado y enseguida pone otra tarea (en el mismo
   * turno, tras su `await`) no para y rearranca los threads por nada.
   */
  #siNadaPendiente() {
    const nadaPendiente = () =>
      principalHaAcabado() && !this.#cerrado && this.#futures.size === 0 &&
      this.#threads.length > 0;
    if (!nadaPendiente() || this.#aParar !== undefined) return;
    this.#aParar = setTimeout(() => {
      this.#aParar = undefined;
      if (!nadaPendiente()) return;
      this.#parar();
      this.#threads = [];
    }, 0);
  }

  /** El temporizador de `#siNadaPendiente`, mientras espera su turno. */
  #aParar: ReturnType<typeof setTimeout> | undefined;
}
