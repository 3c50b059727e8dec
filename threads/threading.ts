/**
 * threading.ts: el módulo `threading` de Python para Deno, hecho con Web Workers,
 * SharedArrayBuffer y Atomics. Los ejemplos de threads/ lo importan como `import threading`
 * (el pool de `concurrent.futures` está al lado, en concurrent_futures.ts).
 *
 * Lo que ofrece, con los nombres de Python (a la derecha, en qué cambia si cambia):
 *
 *   new Thread({ target: tarea, args: [10], name: "t1", daemon: false })   Thread(target=...)
 *   t.start(); await t.join(); t.is_alive()         `await`: sin él no espera (un aviso lo dice)
 *   await t.join(0.5); t.ident; t.daemon            esperar como mucho 0,5 s; su número; ¿daemon?
 *   current_thread().name; main_thread(); get_ident()     "MainThread" o el nombre del thread
 *   enumerate(); active_count()                     enumerate() solo desde el principal
 *   new Timer(0.5, tarea, [args]); t.cancel()       Timer(0.5, tarea, args)
 *   const lock = new Lock(); lock.acquire(); lock.release(); lock.locked()
 *   { using _ = lock.__enter__(); ... }             `with lock:` (suelta también si hay un error)
 *   new RLock()                                      re-entrante: su dueño lo coge varias veces
 *   new Semaphore(2); new BoundedSemaphore(2)       s.acquire(); s.release(n); también con using
 *   const c = new Condition(lock?)                  sin lock, con un RLock; también con using
 *   c.wait(0.1); c.wait_for(() => hayDatos, 1.5); c.notify(n); c.notify_all()
 *   const e = new Event(); e.set(); e.wait(1); e.clear(); e.is_set()
 *   const b = new Barrier(3, accion?, timeout?); b.wait()   devuelve 0..2; abort(); reset(); broken
 *   lock.acquire(false); s.acquire(true, 0.1)       sin esperar / con tiempo máximo (TIMEOUT_MAX)
 *   RuntimeError, ValueError, BrokenBarrierError    los de Python, con una frase en español
 *   const contador = new Value(0); contador.value += 1     multiprocessing.Value('d', 0)
 *   const huecos = compartido(10)                   10 enteros compartidos (un Int32Array)
 *   sleep(0.05); sleep(0)                           time.sleep(): dormir 50 ms; ceder el turno
 *
 * En qué difiere de Python, porque un thread es aquí un Web Worker (punto 1):
 *
 *   target                       una función exportada, con nombre: viaja por su nombre
 *   args                         llegan copiados: datos (o Lock, Value...), no funciones ni clases
 *   kwargs                       no hay: los valores en args, o un objeto (args: [{ n: 2 }])
 *   acquire(timeout=0.5)         sin nombres, en orden: acquire(true, 0.5); q.get(true, 0.5)
 *   class T(Thread): def run()   no: un método no viaja; export function y new Thread({ target })
 *   objetos compartidos          Lock, Value, compartido(): de nivel de módulo o en args (punto 2)
 *   let total; const xs = []     de cada thread: el principal no ve sus cambios (usa un Value)
 *   el nivel de módulo           cada thread lo ejecuta otra vez, sin escribir nada; su prompt()
 *                                recibe lo que contestó el principal (en un thread, no hay)
 *   un error en un thread        una frase en stderr (sin traza); el programa sigue
 *   Deno.exit() en un thread     acaba ese thread, como sys.exit()
 *   un thread que arranca otro   no: los threads se arrancan desde el programa principal
 *
 * Para los ejemplos, tras la lección: leerOpciones({ veces: entero(1000, 1, 10_000, "sumas") })
 * (con texto() y bandera()), terminarConError("frase"), sinPermiso("leer X"), scriptDeLaOrden().
 *
 * Cómo se escribe un ejemplo (igual que en Python):
 *
 *   import { Lock, Thread } from "./threading.ts";
 *   const lock = new Lock();                      // a nivel de módulo: el mismo en todos los threads
 *   export function task1() { ... }               // `export`: el thread la busca por su nombre
 *   if (import.meta.main) {                       // el `if __name__ == "__main__":` de Python
 *     const t1 = new Thread({ target: task1 });
 *     t1.start();
 *     await t1.join();
 *   }
 *
 * ---------------------------------------------------------------------------------------
 * Cómo está hecho (la lección de este fichero)
 * ---------------------------------------------------------------------------------------
 *
 * 1. Un thread es un Web Worker. `new Worker(url)` arranca otro hilo del mismo proceso (el
 *    mismo pid) con su propio motor de JavaScript: sus propias variables, su propia memoria.
 *    No se le puede pasar una función (las funciones no viajan entre hilos), solo mensajes
 *    (`postMessage`), que llegan copiados. Así que el worker carga este fichero y recibe un
 *    mensaje: «importa el módulo del ejemplo y ejecuta su función `task1` con estos
 *    argumentos». Por eso las funciones de los threads llevan `export`: como en el
 *    `multiprocessing` de Python, el thread encuentra la función por su nombre en el módulo.
 *    El worker empieza en este fichero, no en el ejemplo, así que dentro del worker
 *    `import.meta.main` del ejemplo es false y su bloque principal no se ejecuta otra vez
 *    (si lo hiciera, cada worker crearía workers nuevos, sin fin).
 *
 * 2. La memoria compartida es un SharedArrayBuffer. Si se envía en un mensaje no se copia:
 *    los dos hilos ven los mismos bytes. Un `Int32Array` sobre él es un array de enteros que
 *    todos los threads leen y escriben. Cada Lock, Semaphore, Condition o Value es un trocito
 *    de memoria compartida. Regla: los que se crean a nivel de módulo (fuera de funciones y
 *    de `if`) son el mismo objeto en todos los threads. Una variable normal no: `let total`
 *    o un array son memoria de cada worker, y lo que un thread les suma no lo ve nadie más
 *    (para eso, un Value o `compartido(n)`). El programa principal apunta cada
 *    memoria que crea en un registro, con la línea del programa que la crea, y lo envía a
 *    cada worker; el worker, al importar el ejemplo, vuelve a ejecutar esas mismas líneas, y
 *    cada objeto toma la memoria que se creó en su misma línea. Límite: un objeto creado
 *    dentro de `if (import.meta.main)` no existe en el worker; ese se pasa en `args` y llega
 *    reconstruido (`args: [lock]` también funciona).
 *
 * 3. Atomics son las operaciones que ningún otro hilo puede partir por la mitad:
 *    - `Atomics.compareExchange(m, i, esperado, nuevo)`: «si m[i] vale `esperado`, ponle
 *      `nuevo`», todo de una vez; devuelve lo que había. Así se coge un Lock: de 0 a 1.
 *    - `Atomics.wait(m, i, valor)`: duerme al hilo (sin gastar CPU) mientras m[i] valga
 *      `valor`. Lo despierta `Atomics.notify(m, i, n)`, que despierta a n dormidos.
 *    - `Atomics.add`, `Atomics.sub`, `Atomics.load`, `Atomics.store`, `Atomics.exchange`:
 *      sumar, restar, leer, escribir y cambiar sin que otro hilo se cuele entre medias.
 *    Un `m[0] = m[0] + 1` normal son tres pasos (leer, sumar, escribir): si otro hilo
 *    escribe entre el leer y el escribir, su suma se pierde. Es la carrera de carrera.ts.
 *
 * 4. Los threads que se arrancan juntos salen juntos. Un worker tarda milisegundos en
 *    cargar; sin más, el primero acabaría antes de que empezara el segundo y no se vería
 *    ninguna carrera. Los `start()` de un mismo turno del programa principal (seguidos, sin
 *    `await` entre medias) forman un grupo, y cada worker del grupo, ya cargado, espera en
 *    una barrera de memoria compartida a que lleguen todos; después ejecutan su función a
 *    la vez.
 *
 * 5. Todo junto, en el worker: recibe la orden, apunta el registro, importa el módulo del
 *    ejemplo (sus objetos toman la memoria del principal), reconstruye los objetos de `args`,
 *    espera en la barrera a los de su grupo y ejecuta la función.
 *
 * El código sigue este orden. Dos referencias van hacia abajo: Thread (punto 1) usa
 * `empaquetar` (punto 2) y `unirseAlGrupo` (punto 4); y lo que duerme en el punto 3 llama
 * antes a `cerrarGrupo()` (punto 4). Tras la lección, aparte: los errores del alumno (la
 * falta de permiso, la frase de un error) y las opciones.
 */

import type { Traza } from "./traza.ts";

// =======================================================================================
// 1. Un thread es un Web Worker
// =======================================================================================

/** ¿Se ejecuta este código dentro de un worker? (`WorkerGlobalScope` solo existe allí.) */
const enUnWorker = "WorkerGlobalScope" in globalThis;

/**
 * `--traza` (traza.ts): quién hizo qué. Sin la opción es null y cada primitiva solo mira esto.
 * Exportada para queue.ts (su Queue anota como las primitivas de aquí); no es para los ejemplos.
 */
export let traza: Traza | null = null;

/**
 * Los errores de Python, con su nombre: el programa principal los escribe en una frase, sin
 * traza (como los de un thread). `BrokenBarrierError` está con Barrier.
 */
export class RuntimeError extends Error {
  override name = "RuntimeError";
}
export class ValueError extends Error {
  override name = "ValueError";
}

/** `threading.TIMEOUT_MAX`: el mayor timeout, en segundos (el de `setTimeout`: ~24,8 días). */
export const TIMEOUT_MAX = (2 ** 31 - 1) / 1000;

/**
 * Un timeout como los de Python: segundos, de 0 a `TIMEOUT_MAX`; con `negativoEsCero`, uno
 * negativo vale como 0 (Python hace así en `wait` y `join`). (Un Lock acepta además -1,
 * «sin límite», y lo comprueba él.) `metodo`, para la frase del `wait(timeout=0.5)` de Python
 * escrito `wait({ timeout: 0.5 })`: la de `sinNombres`, la misma que la de `acquire`.
 */
export function comprobarTimeout(
  timeout: unknown,
  negativoEsCero = false,
  metodo = "wait",
  delante: string[] = [],
) {
  if (timeout !== null && typeof timeout === "object" && !Array.isArray(timeout)) {
    sinNombres(metodo, timeout, [Object.keys(timeout)[0] ?? "timeout"], [null], delante);
  }
  if (negativoEsCero && typeof timeout === "number" && timeout < 0) return;
  if (typeof timeout !== "number" || Number.isNaN(timeout)) {
    throw new ValueError(`el timeout es un número de segundos, no «${String(timeout)}».`);
  }
  if (timeout < 0) {
    throw new ValueError(`el timeout no puede ser negativo (no «${timeout}»).`);
  }
  if (timeout > TIMEOUT_MAX) {
    throw new ValueError(
      `el timeout debe ser como mucho TIMEOUT_MAX, ${TIMEOUT_MAX} s (no «${timeout}»).`,
    );
  }
}

/**
 * JavaScript no tiene argumentos con nombre: el `acquire(timeout=0.5)` de Python escrito
 * `acquire({ timeout: 0.5 })` llega como un objeto en el sitio de `blocking` (y, como es
 * «verdadero», esperaría sin límite). Se dice cómo se escribe: los valores, en orden.
 */
export function sinNombres(
  metodo: string,
  valor: unknown,
  parametros: string[],
  defectos: unknown[],
  delante: string[] = [],
) {
  if (valor === null || typeof valor !== "object") return;
  const dados = valor as Record<string, unknown>;
  const usados = parametros.filter((p) => p in dados).map((p) => parametros.indexOf(p));
  const hasta = usados.length ? Math.max(...usados) + 1 : 1;
  const enOrden = parametros.slice(0, hasta).map((p, i) => p in dados ? dados[p] : defectos[i]);
  const py = (v: unknown) =>
    v === true ? "True" : v === false ? "False" : v === null ? "None" : Deno.inspect(v);
  const js = [...delante, ...enOrden.map((v) => Deno.inspect(v))].join(", ");
  const python = [...delante, ...Object.entries(dados).map(([k, v]) => `${k}=${py(v)}`)];
  throw new ValueError(
    `${metodo}() no tiene argumentos con nombre (JavaScript no los tiene): escribe los ` +
      `valores en orden, ${metodo}(${js}), el ${metodo}(${python.join(", ")}) de Python.`,
  );
}

/** `get_ident()` de este hilo: 1 el principal; cada Thread, el suyo (2, 3...) desde start(). */
let ident = 1;
/** En un worker: si su thread es daemon, y cuántos cortes de daemons había al arrancarlo. */
let esDaemon = false;
let corteAlEmpezar = 0;

/** `threading.get_ident()`: el número de este thread (1 es el principal). */
export function get_ident(): number {
  return ident;
}

// deno-lint-ignore no-explicit-any
type Tarea = (...args: any[]) => unknown;

/**
 * Lo que el principal envía a cada worker: qué módulo importar y qué función suya ejecutar
 * con qué argumentos; el registro (punto 2) y la barrera del grupo (punto 4) se añaden al
 * enviarla.
 */
interface Orden {
  modulo: string;
  target: string;
  args: unknown[];
  ident: number;
  daemon: boolean;
  hilos: Int32Array;
  /** Cuántas veces se habían cortado los daemons al arrancarlo (`hilos[CORTES]`). */
  corte: number;
  /** Solo un Timer: los segundos que espera y su aviso de cancel(). */
  retraso: { segundos: number; cancelado: Int32Array } | null;
  registro: Entrada[];
  /** Lo que contestó el principal a cada prompt() y confirm(): para el nivel de módulo. */
  respuestas: (string | boolean | null)[];
  barrera: Int32Array;
  total: number;
  traza?: ReturnType<Traza["paraElThread"]>; // con --traza: dónde anota y su número de thread
}

/** Lo que el worker contesta al terminar: nada, o la frase de su error. */
interface Respuesta {
  error?: string;
  /** true: un error de cómo se arranca (p. ej. sin `export`): el programa acaba con código 1. */
  fatal?: boolean;
}

/** Cuántos threads se han creado: Python los numera (`Thread-1`, `Thread-2`...). */
let creados = 0;
/** Los threads en marcha, para `enumerate()`, `active_count()` y los daemon. */
const vivos = new Map<Thread, () => void>(); // cada uno, con lo que lo cierra
/**
 * En memoria compartida, para todos los threads: [0] cuántos hay en marcha (`active_count()`
 * desde un thread), [1] cuántas veces el principal ha cortado sus daemons, [2] cuántos daemons
 * ejecutan su función ahora.
 */
let hilos: Int32Array = new Int32Array(new SharedArrayBuffer(12));
const CORTES = 1;
const DAEMONS = 2;

/** Los idents dados: el principal es 1. */
let identsDados = 1;

/**
 * El target viaja por su nombre (punto 1): debe ser una función con nombre (`export function
 * tarea`, o `export const tarea = () => ...`). Una flecha sin nombre o un método, no. Lo
 * mismo para las tareas de un pool (concurrent_futures.ts): `quien` dice cuál de los dos.
 */
export function comprobarTarget(target: unknown, quien = "el target de un Thread"): string {
  if (typeof target !== "function") {
    throw new ValueError(
      `${quien} es una función exportada (export function tarea), no «${String(target)}».`,
    );
  }
  const codigo = Function.prototype.toString.call(target);
  // `{ target: () => {} }` da a la flecha el nombre "target": para nosotros, sin nombre.
  const nombre = target.name === "target" && !/^(async\s*)?function\b/.test(codigo)
    ? ""
    : target.name;
  const flecha = /^(async\s*)?(\(|[\w$]+\s*=>)/.test(codigo); // `(x) =>`, `x =>`
  if (/^class\b/.test(codigo)) {
    throw new ValueError(
      `${quien} es una clase (${nombre}), no una función: escribe «export function tarea(...) ` +
        `{...}» que cree el objeto con new ${nombre}(...) y haga lo que haga falta.`,
    );
  }
  if (!flecha && !/^(async\s*)?function\b/.test(codigo)) {
    throw new ValueError(
      `${quien} es un método (${nombre}), que no viaja a un thread: escribe ` +
        `«export function ${nombre}(...) {...}» fuera de la clase.`,
    );
  }
  if (!nombre) {
    throw new ValueError(
      `${quien} es una función ${flecha ? "flecha " : ""}sin nombre (el thread la busca por su ` +
        "nombre en el módulo): escribe «export function tarea(...) {...}» y pasa tarea.",
    );
  }
  return nombre;
}

/**
 * La frase de una función que el thread no encuentra entre lo que exporta el fichero del
 * programa: le falta `export`, o es de otro fichero (importada), o es `export default`.
 */
export function faltaExport(quien: string, nombre: string): string {
  return `${quien} no encuentra la función ${nombre} entre lo que exporta el fichero del ` +
    `programa: escribe allí «export function ${nombre}(...) {...}» (si es de otro fichero, ` +
    "una que la llame).";
}

/**
 * Las opciones de un Thread (o de un Timer) son las suyas: una mal escrita (`deamon`) no se
 * ignora en silencio, y `kwargs`, que JavaScript no tiene, dice cómo pasar los argumentos.
 * (`modulo` también vale, pero casi nunca hace falta: no se anuncia.)
 */
function comprobarOpciones(clase: string, opciones: unknown, suyas: string[], target: unknown) {
  const lista = yOtras(suyas);
  if (opciones === null || typeof opciones !== "object") {
    const f = typeof opciones === "function" && opciones.name ? opciones.name : "tarea";
    throw new ValueError(
      clase === "Thread"
        ? `las opciones de un Thread van entre llaves, con su nombre: new Thread({ target: ${f} }).`
        : `las opciones de un Timer van entre llaves: new Timer(1, tarea, [], { name: "t" }).`,
    );
  }
  for (const [clave, valor] of Object.entries(opciones)) {
    if (suyas.includes(clave) || clave === "modulo") continue;
    if (clave === "kwargs" && valor !== null && typeof valor === "object") {
      const funcion = typeof target === "function" && target.name ? target.name : "tarea";
      const valores = Object.values(valor).map((v) => Deno.inspect(v)).join(", ");
      throw new ValueError(
        `un ${clase} no tiene kwargs: JavaScript no tiene argumentos con nombre. Pon los ` +
          `valores en args, en el orden de los parámetros (args: [${valores}]), o pasa un ` +
          `objeto (args: [${Deno.inspect(valor)}]) y recíbelo con ` +
          `«export function ${funcion}({ ${Object.keys(valor).join(", ")} })».`,
      );
    }
    throw new ValueError(`un ${clase} no tiene la opción «${clave}» (las suyas: ${lista}).`);
  }
}

/** "a", "a y b", "a, b y c". */
function yOtras(palabras: string[]): string {
  const ultima = palabras[palabras.length - 1];
  return palabras.length < 2 ? ultima : `${palabras.slice(0, -1).join(", ")} y ${ultima}`;
}

/**
 * Los daemon: cuando el programa principal ha acabado su código y no queda ningún thread
 * que no sea daemon, se cortan (en Python, igual), y el programa puede terminar. Saber
 * cuándo acaba el código del principal: el evento «load», que Deno lanza tras su última
 * línea, `await` incluidos. (`import()` del propio programa no vale: con un `await` de nivel
 * de módulo en algún import, como el de --traza aquí abajo, se resuelve mucho antes.)
 */
let principalAcabado = false;
const alAcabarElPrincipal: (() => void)[] = [acabarDaemonsSiToca];
if (!enUnWorker) {
  addEventListener("load", () => {
    principalAcabado = true;
    for (const fn of alAcabarElPrincipal.splice(0)) fn();
  });
}

/** ¿Ha ejecutado ya el principal su última línea? (Para concurrent_futures.ts.) */
export const principalHaAcabado = (): boolean => principalAcabado;

/** `fn` cuando el principal ejecute su última línea; si ya lo ha hecho, ahora. */
export function cuandoAcabeElPrincipal(fn: () => void) {
  if (principalAcabado) fn();
  else alAcabarElPrincipal.push(fn);
}

function acabarDaemonsSiToca() {
  if (!principalAcabado) return;
  if ([...vivos.keys()].some((t) => !t.daemon)) return;
  const daemons = [...vivos.values()];
  vivos.clear();
  if (daemons.length === 0) return;
  // `terminate()` no para a un worker que no suelta el hilo (un bucle con sleep, un wait):
  // cada daemon mira este aviso cuando duerme (`dormir`) y se acaba él mismo.
  Atomics.add(hilos, CORTES, 1);
  for (const cerrar of daemons) cerrar();
  // Un daemon que calcula sin dormir nunca lo mira: si en 1 s sigue alguno, como Python, el
  // programa acaba sin esperarlo. (Un reloj que no retiene al programa si no hay nada más.)
  const reloj = setTimeout(() => {
    if (Atomics.load(hilos, DAEMONS) > 0 && vivos.size === 0) Deno.exit();
  }, 1000);
  Deno.unrefTimer(reloj);
}

/**
 * `threading.Thread` de Python: `start()` lo arranca en un worker y `join()` lo espera.
 * Usa dos cosas de más abajo: `empaquetar` (punto 2) y `unirseAlGrupo` (punto 4).
 */
export class Thread {
  name: string;
  #ident: number | null = null;
  #daemon: boolean;
  #target: Tarea;
  #args: unknown[];
  #modulo: string;
  #worker: Worker | null = null;
  #fin: Promise<void> | null = null;
  #acabar = () => {};
  #vivo = false;
  /** Solo un Timer: cuánto espera antes de `target` y su aviso de `cancel()`. */
  protected retraso: Orden["retraso"] = null;

  /**
   * `target`: la función (exportada) que ejecuta el thread; `args`: sus argumentos; `name`:
   * su nombre (por defecto "Thread-1 (target)", como en Python); `daemon`: si el programa
   * puede acabar sin esperarlo. `modulo` casi nunca hace falta: el fichero donde está
   * `target` (por defecto, el programa que se ejecuta); el worker lo importa con el registro
   * de memoria compartida (punto 2).
   */
  constructor(
    opciones: { target: Tarea; args?: unknown[]; name?: string; daemon?: boolean; modulo?: string },
  ) {
    if ("run" in new.target.prototype) {
      // `class MiThread(Thread): def run(self)` de Python: un método no viaja a otro thread.
      throw new ValueError(
        `${new.target.name} extends Thread con run(): aquí un thread ejecuta una función ` +
          "exportada, que busca por su nombre (un método no viaja): escribe " +
          "«export function tarea(...) {...}» y «new Thread({ target: tarea, args: [...] })».",
      );
    }
    comprobarOpciones("Thread", opciones, ["target", "args", "name", "daemon"], opciones?.target);
    const { target, args = [], name, daemon = false, modulo = Deno.mainModule } = opciones;
    comprobarTarget(target);
    if (!Array.isArray(args)) {
      throw new ValueError(`args de un Thread es una lista: args: [${String(args)}].`);
    }
    creados++;
    this.#target = target;
    this.#args = args;
    this.#modulo = modulo;
    this.#daemon = daemon === true;
    this.name = name ?? `Thread-${creados} (${target.name})`;
  }

  start(): void {
    if (this.#fin) {
      throw new RuntimeError(
        `el thread ${this.name} ya se arrancó: un thread solo arranca una vez.`,
      );
    }
    if (enUnWorker) {
      throw new RuntimeError(
        "los threads se arrancan desde el programa principal: " +
          "pon el código que los arranca dentro de «if (import.meta.main)».",
      );
    }
    comprobarPermiso(this.#modulo); // tras la lección, con los errores del alumno
    avisarDeVariables(this.#modulo, this.#target); // también
    const args = empaquetar(this.#args, this.name) as unknown[];
    try {
      structuredClone(args); // lo que postMessage no sabría copiar (una función dentro de un Map...)
    } catch {
      throw new ValueError(
        `args del thread ${this.name}: llevan un valor (o algo dentro de él) que no puede ` +
          "viajar a otro thread: viajan datos (números, textos, objetos, arrays...), no funciones.",
      );
    }

    // El worker empieza en este fichero (threading.ts), no en el ejemplo.
    const worker = new Worker(new URL("./threading.ts", import.meta.url), {
      type: "module",
      name: this.name,
    });
    this.#worker = worker;
    this.#ident = ++identsDados;
    this.#vivo = true;
    vivos.set(this, () => this.#terminar());
    // Un daemon arrancado cuando el principal ya acabó (desde un setTimeout): ya nadie lo espera.
    if (this.#daemon) queueMicrotask(acabarDaemonsSiToca);
    Atomics.add(hilos, 0, 1);
    this.#fin = new Promise((resolve) => this.#acabar = resolve);
    worker.onmessage = ({ data }: MessageEvent<Respuesta>) => {
      // Como en Python, el error de un thread acaba ese thread, no el programa.
      if (data.error !== undefined) console.error(data.error);
      if (data.fatal) Deno.exit(1);
      this.#terminar();
    };
    worker.onerror = (evento) => {
      evento.preventDefault();
      const mensaje = evento.message.replace(/^Uncaught (\w*Error: )?/, "");
      console.error(`Error en el thread ${this.name}: ${mensaje}`);
      this.#terminar();
    };

    // La orden sale cuando el grupo de este turno está completo (punto 4).
    unirseAlGrupo(worker, {
      modulo: this.#modulo,
      target: this.#target.name,
      args,
      ident: this.#ident,
      respuestas,
      hilos,
      corte: Atomics.load(hilos, CORTES),
      daemon: this.#daemon,
      retraso: this.retraso,
      traza: traza?.paraElThread(traza.nuevoThread(this.name)),
    });
  }

  /** El worker ha acabado (o el programa acaba sin esperar a este daemon): se cierra. */
  #terminar() {
    if (!this.#vivo) return;
    this.#worker?.terminate();
    this.#vivo = false;
    vivos.delete(this);
    Atomics.sub(hilos, 0, 1);
    this.#acabar();
    acabarDaemonsSiToca();
  }

  /**
   * Espera a que el thread termine (en Python `t.join()`; aquí `await t.join()`). Con
   * `timeout` (segundos), como mucho ese tiempo: como en Python, vuelve sin decir por qué;
   * después, `is_alive()` dice si el thread terminó o se acabó el tiempo.
   */
  join(timeout: number | null = null): Promise<void> {
    if (!this.#fin) {
      throw new RuntimeError(`join() del thread ${this.name} antes de start(): arráncalo antes.`);
    }
    if (timeout === null) return conAwait(this.#fin, "t.join()", `al thread ${this.name}`);
    comprobarTimeout(timeout, true, "join"); // negativo: como 0, igual que en Python
    timeout = Math.max(timeout, 0);
    // Una carrera entre el final del thread y un temporizador: gana el que llega antes. El
    // temporizador se quita después, si no, el programa esperaría a que sonara para acabar.
    let reloj: ReturnType<typeof setTimeout> | undefined;
    const plazo = new Promise<void>((resolve) => {
      reloj = setTimeout(resolve, timeout * 1000);
    });
    const fin = Promise.race([this.#fin, plazo]).finally(() => clearTimeout(reloj));
    return conAwait(fin, "t.join()", `al thread ${this.name}`);
  }

  /** ¿Está en marcha? (arrancado y sin terminar) */
  is_alive(): boolean {
    return this.#vivo;
  }

  /** Su número (`get_ident()` dentro del thread); null hasta `start()`. */
  get ident(): number | null {
    return this.#ident;
  }

  /** Un daemon no retiene al programa: al acabar el principal y los demás, se corta. */
  get daemon(): boolean {
    return this.#daemon;
  }
  set daemon(daemon: boolean) {
    if (this.#fin) {
      throw new RuntimeError(
        `daemon del thread ${this.name}, ya arrancado: ponlo antes de start().`,
      );
    }
    this.#daemon = daemon;
  }
}

/**
 * La promesa de `join()`: apunta si alguien la espera (`await`, `then`, `Promise.all`...).
 * En Python `t.join()` espera; aquí, sin `await`, el programa sigue sin esperar y lo que lee
 * después del thread (un Value, un total) aún no está. No puede saberse al llamar, pero sí
 * enseguida: `await` pide `then` en la microtarea siguiente. Si nadie lo ha pedido, un aviso.
 */
class Espera extends Promise<void> {
  static override get [Symbol.species]() {
    return Promise; // lo que devuelve `then` es una promesa normal
  }
  esperada = false;
  override then<A = void, B = never>(
    bien?: ((valor: void) => A | PromiseLike<A>) | null,
    mal?: ((error: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.esperada = true;
    return super.then(bien, mal);
  }
}

const avisadosSinAwait = new Set<string>(); // las llamadas ya avisadas: `t.join()`, `q.join()`

/**
 * `promesa` como una `Espera` y, si en dos microtareas nadie la espera, una vez por llamada:
 * «Aviso: t.join() sin await no espera al thread ...». Exportada para `Queue.join()` (queue.ts).
 */
export function conAwait(promesa: Promise<void>, llamada: string, aQuien: string): Promise<void> {
  const espera = new Espera((resolver, rechazar) => promesa.then(resolver, rechazar));
  queueMicrotask(() =>
    queueMicrotask(() => {
      if (espera.esperada || avisadosSinAwait.has(llamada)) return;
      avisadosSinAwait.add(llamada);
      console.error(
        `Aviso: ${llamada} sin await no espera ${aQuien}: el programa sigue sin esperar ` +
          `(en Python, join() espera). Escribe «await ${llamada}».`,
      );
    })
  );
  return espera;
}

/** Lo que `current_thread()` da dentro de un thread: su nombre, su número y si es daemon. */
export interface Hilo {
  readonly name: string;
  readonly ident: number | null;
  readonly daemon: boolean;
  is_alive(): boolean;
}

/** El programa principal, como lo ve `threading`: "MainThread". */
const principal: Hilo = { name: "MainThread", ident: 1, daemon: false, is_alive: () => true };

/** `threading.main_thread()`: el hilo del programa principal. */
export function main_thread(): Hilo {
  return principal;
}

/** `threading.current_thread()`: su `name` es "MainThread" o el nombre del thread. */
export function current_thread(): Hilo {
  if (!enUnWorker) return principal;
  return { name: self.name, ident, daemon: esDaemon, is_alive: () => true };
}

/**
 * `threading.enumerate()`: el principal y los threads en marcha. Solo desde el programa
 * principal: un worker no ve los objetos Thread de los demás.
 */
export function enumerate(): Hilo[] {
  if (enUnWorker) {
    throw new RuntimeError(
      "enumerate() solo desde el programa principal; en un thread, usa active_count().",
    );
  }
  return [principal, ...vivos.keys()];
}

/** `threading.active_count()`: cuántos hilos hay en marcha, contando el principal. */
export function active_count(): number {
  return 1 + Atomics.load(hilos, 0);
}

/**
 * `threading.Timer(interval, function, args)`: un Thread que espera `interval` segundos y
 * después ejecuta `function`, salvo que antes se llame a `cancel()`.
 */
export class Timer extends Thread {
  readonly interval: number;
  #cancelado = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    interval: number,
    fn: Tarea,
    args: unknown[] = [],
    opciones: { name?: string; daemon?: boolean; modulo?: string } = {},
  ) {
    comprobarTimeout(interval, false, "Timer");
    comprobarOpciones("Timer", opciones, ["name", "daemon"], fn);
    const { name, daemon, modulo } = opciones;
    super({ target: fn, args, name, daemon, modulo });
    this.interval = interval;
    this.retraso = { segundos: interval, cancelado: this.#cancelado };
  }

  /** Cancela el Timer si aún está esperando (si ya empezó `function`, no la para). */
  cancel(): void {
    Atomics.store(this.#cancelado, 0, 1);
    Atomics.notify(this.#cancelado, 0);
  }
}

// =======================================================================================
// 2. La memoria compartida y su registro
// =======================================================================================

/** Una memoria compartida del registro: de qué objeto es, dónde se crea y sus bytes. */
interface Entrada {
  tipo: string;
  /** La línea del programa que lo crea ("file:///.../lock.ts:12:14"): en el worker, la misma. */
  donde: string;
  memoria: SharedArrayBuffer;
}

/** En el principal: cada memoria compartida creada, en orden. En un worker: la recibida. */
const registro: Entrada[] = [];
/** En un worker: qué entradas del registro tienen ya su objeto. */
const tomada: boolean[] = [];
/** En un worker: true mientras se importa el módulo del ejemplo (su código de nivel de módulo). */
let importandoElEjemplo = false;
/** Al reconstruir un argumento: la entrada del registro que debe usar el próximo objeto. */
let reconstruyendo: { entrada: Entrada; indice: number } | null = null;
/** Al reconstruir un argumento: el objeto de dentro ya reconstruido (el Lock de una Condition). */
let parteReconstruida: Compartido | null = null;

/**
 * Dónde se crea un objeto: la primera línea de la pila que no es de este fichero. En el
 * worker, el mismo `new Lock()` del ejemplo está en la misma línea y columna.
 */
function dondeSeCrea(): string {
  for (const linea of (new Error().stack ?? "").split("\n").slice(1)) {
    const url = linea.match(URL_EN_LA_PILA)?.[1];
    if (url && !url.startsWith(`${import.meta.url}:`)) return url;
  }
  return "";
}

/** En una línea de la pila de un error, el fichero con su línea y columna. */
const URL_EN_LA_PILA = /((?:file|https?):\/\/[^\s()]+:\d+:\d+)\)?$/;

/**
 * Da a un objeto compartido su memoria: `enteros` enteros de 32 bits. Devuelve la memoria,
 * su número en el registro (-1 si no está) y si es nueva (hay que poner su valor inicial).
 */
function reservar(tipo: string, enteros: number): [Int32Array, number, boolean] {
  if (reconstruyendo) {
    const { entrada, indice } = reconstruyendo;
    reconstruyendo = null;
    tomada[indice] = true;
    return [new Int32Array(entrada.memoria), indice, false];
  }
  if (enUnWorker && importandoElEjemplo) {
    // Cada objeto del módulo toma la memoria que el principal creó en esa misma línea (la
    // primera aún libre: una línea dentro de un bucle crea varios). Así no importa lo que el
    // principal haya creado antes dentro de `if (import.meta.main)`, que aquí no se ejecuta.
    const donde = dondeSeCrea();
    const indice = registro.findIndex((e, i) => !tomada[i] && e.tipo === tipo && e.donde === donde);
    if (indice >= 0) {
      tomada[indice] = true;
      return [new Int32Array(registro[indice].memoria), indice, false];
    }
  }
  const memoria = new SharedArrayBuffer(4 * enteros);
  if (enUnWorker) return [new Int32Array(memoria), -1, true]; // solo de este worker
  registro.push({ tipo, donde: dondeSeCrea(), memoria });
  return [new Int32Array(memoria), registro.length - 1, true];
}

/** Lo común a los objetos compartidos: su memoria y su número en el registro. */
export abstract class Compartido {
  protected readonly m: Int32Array;
  /** Número en el registro, para enviarlo en `args` (-1: creado en un worker, no se envía). */
  readonly indice: number;
  protected readonly nuevo: boolean;
  /** El objeto compartido que usa por dentro (el Lock de una Condition): viaja con él. */
  protected readonly parte: Compartido | null;

  constructor(tipo: string, enteros: number, parte: Compartido | null = null) {
    [this.m, this.indice, this.nuevo] = reservar(tipo, enteros);
    this.parte = parte;
    if (this.nuevo) traza?.nuevoObjeto(this, tipo);
  }

  /** Para `empaquetar`: el objeto de dentro, si lo hay. */
  static parteDe(objeto: Compartido): Compartido | null {
    return objeto.parte;
  }

  /** `__enter__()` hechos en este thread que aún no ha recogido un `using` (ver `salida`). */
  #entradas = 0;

  /** Para `__enter__()`: apunta la entrada y devuelve el objeto, para `using _ = x.__enter__()`. */
  protected entrada(): this {
    this.#entradas++;
    return this;
  }

  /**
   * Para `[Symbol.dispose]`, que `using` lee al empezar el bloque: sin un `__enter__()` antes
   * (`using _ = lock;`), nada se ha cogido y al salir se soltaría lo de otro. Lo decimos ya,
   * antes del bloque. Si no, `soltar`, que `using` llamará al salir.
   */
  protected salida(soltar: () => void): () => void {
    if (this.#entradas === 0) {
      const tipo = this.constructor.name;
      const x = /Lock/.test(tipo) ? "lock" : /Semaphore/.test(tipo) ? "semaforo" : "condicion";
      throw new RuntimeError(
        `using _ = ${x} no coge el ${tipo}: escribe «using _ = ${x}.__enter__();», ` +
          `el «with ${x}:» de Python (lo coge al entrar en el bloque y lo suelta al salir).`,
      );
    }
    this.#entradas--;
    return soltar;
  }
}

/** Al reconstruir un argumento: el objeto de dentro que le toca (null si no se reconstruye). */
export function tomarParte(): Compartido | null {
  const parte = parteReconstruida;
  parteReconstruida = null;
  return parte;
}

/**
 * `n` enteros de 32 bits en memoria compartida (un `Int32Array`), todos a 0. Creado a nivel
 * de módulo, es el mismo en todos los threads; también se puede pasar en `args`.
 */
export function compartido(n: number): Int32Array {
  return new Enteros(n).enteros;
}

class Enteros extends Compartido {
  constructor(n: number) {
    super(`compartido(${n})`, n);
  }
  get enteros(): Int32Array {
    return this.m;
  }
}

/**
 * Un número compartido, como `multiprocessing.Value('d', 0)` de Python: se lee y se escribe
 * con `.value` (un número de JavaScript: con decimales; enteros exactos hasta 2^53).
 * `contador.value += 1` son tres pasos (leer, sumar, escribir) que otro thread puede cortar:
 * para sumar sin perder nada, hazlo con un Lock.
 */
export class Value extends Compartido {
  #numero: Float64Array;

  constructor(inicial = 0) {
    if (typeof inicial !== "number") {
      throw new ValueError(`un Value guarda un número, no «${String(inicial)}».`);
    }
    super("Value", 2);
    this.#numero = new Float64Array(this.m.buffer, 0, 1);
    if (this.nuevo) this.#numero[0] = inicial;
  }
  get value(): number {
    return traza ? traza.lee(this, this.#numero) : this.#numero[0];
  }
  set value(nuevo: number) {
    if (traza) traza.escribe(this, this.#numero, nuevo);
    else this.#numero[0] = nuevo;
  }
}

/** Un objeto compartido dentro de un mensaje: su tipo y su número en el registro. */
const MARCA = "__compartido__";

/** Por qué un objeto de una clase no viaja (en args, por una Queue, a un pool). */
export const SIN_METODOS = "llegaría sin sus métodos (solo viajan sus datos); envía sus " +
  "datos y crea el objeto en el otro thread";

/** Lo que `postMessage` copia bien aunque no sea un objeto `{...}` ni un array. */
export const clonables = [ArrayBuffer, SharedArrayBuffer, Date, RegExp, Map, Set, Error, Blob];

/**
 * `postMessage` copia los datos pero pierde las clases (un Lock llegaría como un objeto sin
 * métodos). Cambiamos cada objeto compartido por su número en el registro y el worker lo
 * reconstruye sobre la misma memoria. Los Int32Array ya viajan bien: su SharedArrayBuffer
 * se comparte solo. Una función o un objeto de otra clase no viajan: lo decimos.
 */
function empaquetar(valor: unknown, hilo: string): unknown {
  if (valor instanceof Compartido) {
    if (valor.indice < 0) {
      throw new ValueError(
        `args del thread ${hilo}: un objeto compartido creado dentro de un thread no se puede ` +
          "enviar a otro; créalo en el programa principal.",
      );
    }
    const parte = Compartido.parteDe(valor);
    return { [MARCA]: valor.indice, parte: parte && empaquetar(parte, hilo) };
  }
  if (typeof valor === "function") {
    throw new ValueError(
      `args del thread ${hilo}: una función (${valor.name || "sin nombre"}) no viaja a otro ` +
        "thread, los args llegan copiados: pásale datos, o llama a la función dentro del thread.",
    );
  }
  if (Array.isArray(valor)) return valor.map((v) => empaquetar(v, hilo));
  if (valor === null || typeof valor !== "object") return valor;
  // Un Map o un Set también pueden llevar dentro un Lock, un Value o un objeto de una clase.
  if (valor instanceof Map) {
    return new Map([...valor].map(([k, v]) => [empaquetar(k, hilo), empaquetar(v, hilo)]));
  }
  if (valor instanceof Set) return new Set([...valor].map((v) => empaquetar(v, hilo)));
  const clase = Object.getPrototypeOf(valor);
  if (clase === Object.prototype || clase === null) {
    return Object.fromEntries(Object.entries(valor).map(([k, v]) => [k, empaquetar(v, hilo)]));
  }
  if (ArrayBuffer.isView(valor) || clonables.some((c) => valor instanceof c)) return valor;
  throw new ValueError(
    `args del thread ${hilo}: un ${clase.constructor?.name ?? "objeto"} ${SIN_METODOS}.`,
  );
}

// =======================================================================================
// 3. Atomics: sleep, Lock, RLock, Semaphore, Condition, Event y Barrier
// =======================================================================================

/** Una memoria en la que nadie escribe: para dormir con `Atomics.wait` sin esperar a nadie. */
const paraDormir = new Int32Array(new SharedArrayBuffer(4));

/** `Atomics.wait`; con --traza, en el principal, por traza.ts: así atiende Ctrl+C bloqueado. */
function dormir(m: Int32Array, i: number, valor: number, ms = Infinity) {
  if (traza && !enUnWorker) return traza.dormir(m, i, valor, ms);
  if (!esDaemon) return Atomics.wait(m, i, valor, ms);
  // Un daemon duerme a trozos de 50 ms y, antes de cada uno, mira si el principal lo ha cortado.
  const limite = performance.now() + ms;
  for (;;) {
    if (Atomics.load(hilos, CORTES) !== corteAlEmpezar) Deno.exit(); // acaba este thread
    const queda = limite - performance.now();
    const resultado = Atomics.wait(m, i, valor, Math.max(0, Math.min(queda, 50)));
    if (resultado !== "timed-out" || queda <= 50) return resultado;
  }
}

/**
 * `time.sleep(segundos)` de Python: duerme el thread (sin gastar CPU) con `Atomics.wait`.
 * `sleep(0)` cede el núcleo un instante, como en Python: el sistema aprovecha para dar el
 * turno a otro thread (dormir de verdad, aunque sea un microsegundo, lo obliga a elegir).
 */
export function sleep(segundos?: number): void {
  if (segundos === undefined) throw new ValueError("sleep() necesita los segundos: sleep(0.5).");
  if (typeof segundos !== "number" || !(segundos >= 0)) {
    throw new ValueError(
      `sleep(): los segundos son un número mayor o igual que 0, no «${segundos}».`,
    );
  }
  cerrarGrupo();
  traza?.anotar("duerme", null, segundos);
  dormir(paraDormir, 0, 0, Math.max(segundos * 1000, 0.001));
}

const LIBRE = 0;
const COGIDO = 1;
const CON_ESPERA = 2; // cogido, y alguien duerme esperando a que se suelte
const DUENO = 1; // m[1]: el ident del thread que lo tiene (0: nadie)
const VECES = 2; // m[2]: en un RLock, cuántas veces lo ha cogido su dueño

/**
 * Vueltas que `acquire()` mira si el Lock se suelta antes de echar una siesta. Quien lo
 * tiene suele soltarlo en nada. Con un solo núcleo no sirve de nada mirar: quien lo tiene
 * no avanza mientras miramos.
 */
const VUELTAS = navigator.hardwareConcurrency > 1 ? 20 : 0;

/**
 * `threading.Lock` de Python. Es un entero en memoria compartida: 0 libre, 1 cogido, 2
 * cogido y con alguien dormido esperando (así `release()` sabe si tiene que despertar a
 * alguien; si no, no gasta en avisar). Al lado, quién lo tiene (para Condition y RLock).
 * `with lock:` de Python es `using _ = lock.__enter__();`: lo suelta al salir del bloque,
 * también si el bloque lanza un error.
 */
export class Lock extends Compartido {
  constructor() {
    super(new.target.name, 3);
  }

  /**
   * Coge el Lock; si otro lo tiene, espera. Con `blocking` false no espera; con `timeout`
   * (segundos) espera como mucho eso. Devuelve si lo ha cogido.
   */
  acquire(blocking = true, timeout = -1): boolean {
    if (typeof blocking === "object") sinNombres("acquire", blocking, ACQUIRE, [true, -1]);
    if (timeout !== -1) comprobarEspera(blocking, timeout);
    // 1. Libre: lo cogemos con una sola operación que nadie puede partir (0 -> 1).
    if (Atomics.compareExchange(this.m, 0, LIBRE, COGIDO) !== LIBRE) {
      traza?.anotar(blocking ? "espera" : "no_coge", this);
      if (!blocking) return false;
      if (!this.#esperar(timeout === -1 ? Infinity : performance.now() + timeout * 1000)) {
        traza?.anotar("no_coge", this);
        return false;
      }
    }
    this.m[DUENO] = ident;
    traza?.anotar("coge", this);
    return true;
  }

  #esperar(limite: number): boolean {
    cerrarGrupo();
    // 2. Cogido. Miramos unas vueltas (solo leer: no estorba a quien lo tiene) y, si sigue
    //    cogido, echamos una siesta, cada vez más larga: 10 µs, 20 µs... hasta 0,64 ms.
    //    Sin apuntarnos como esperando: así, al soltarlo, quien lo tiene no tiene que
    //    despertarnos, que es lo que más cuesta (Atomics.notify y despertar a un hilo).
    for (let siesta = 0.01; siesta < 1; siesta *= 2) {
      for (let i = 0; i < VUELTAS; i++) {
        if (
          Atomics.load(this.m, 0) === LIBRE &&
          Atomics.compareExchange(this.m, 0, LIBRE, COGIDO) === LIBRE
        ) return true;
      }
      if (Atomics.compareExchange(this.m, 0, LIBRE, COGIDO) === LIBRE) return true;
      const queda = limite - performance.now();
      if (queda <= 0) return false;
      Atomics.wait(paraDormir, 0, 0, Math.min(siesta, queda));
    }

    // 3. Sigue cogido: ponemos 2 («hay alguien esperando») y dormimos hasta que release()
    //    nos despierte. `exchange` devuelve lo que había: si era 0, se había soltado y ya es
    //    nuestro (con 2: quizá quede otro dormido, y nuestro release() avisará por si acaso).
    while (Atomics.exchange(this.m, 0, CON_ESPERA) !== LIBRE) {
      const queda = limite - performance.now();
      if (queda <= 0) return false;
      dormir(this.m, 0, CON_ESPERA, queda);
    }
    return true;
  }

  /** Suelta el Lock y, si alguien duerme esperándolo, despierta a uno. */
  release(): void {
    // Restamos 1. Si era 1, queda 0 (libre) y nadie esperaba: ya está. Si era 2, había
    // alguien dormido: lo dejamos en 0 (libre) y despertamos a uno, que volverá a intentarlo.
    traza?.anotar("suelta", this); // antes de soltarlo: en la traza, nunca dos lo tienen
    this.m[DUENO] = 0;
    const antes = Atomics.sub(this.m, 0, 1);
    if (antes === COGIDO) return;
    if (antes === LIBRE) {
      Atomics.store(this.m, 0, LIBRE);
      throw new RuntimeError("release() de un Lock que no está cogido.");
    }
    Atomics.store(this.m, 0, LIBRE);
    Atomics.notify(this.m, 0, 1);
  }

  /** ¿Está cogido ahora mismo? */
  locked(): boolean {
    return Atomics.load(this.m, 0) !== LIBRE;
  }

  /** `with lock:` de Python: `using _ = lock.__enter__();` lo coge y, al salir, lo suelta. */
  __enter__(): this {
    this.acquire();
    return this.entrada();
  }

  get [Symbol.dispose](): () => void {
    return this.salida(() => this.release());
  }

  /** ¿Lo tiene este thread? (Lo que Condition comprueba antes de `wait` y `notify`.) */
  _is_owned(): boolean {
    return this.locked() && this.m[DUENO] === ident;
  }

  /** Para `Condition.wait()`: soltarlo del todo y, al volver, cogerlo como estaba. */
  _release_save(): number {
    this.release();
    return 1;
  }

  _acquire_restore(_veces: number): void {
    this.acquire();
  }
}

/** Los parámetros de `acquire`, para `sinNombres`. */
const ACQUIRE = ["blocking", "timeout"];

/** Un `timeout` de `acquire` de un Lock: sin esperar no hay timeout; si no, de 0 a TIMEOUT_MAX. */
function comprobarEspera(blocking: boolean, timeout: number) {
  if (!blocking) {
    throw new ValueError(
      "acquire(false, timeout): sin esperar no hay timeout; quita uno de los dos.",
    );
  }
  comprobarTimeout(timeout);
}

/**
 * `threading.RLock`: un Lock que su dueño puede volver a coger sin bloquearse (cuenta las
 * veces) y que solo su dueño puede soltar; queda libre cuando lo suelta tantas veces como
 * lo cogió.
 */
export class RLock extends Lock {
  override acquire(blocking = true, timeout = -1): boolean {
    if (typeof blocking === "object") sinNombres("acquire", blocking, ACQUIRE, [true, -1]);
    if (timeout !== -1) comprobarEspera(blocking, timeout);
    if (this._is_owned()) {
      this.m[VECES]++;
      return true;
    }
    if (!super.acquire(blocking, timeout)) return false;
    this.m[VECES] = 1;
    return true;
  }

  override release(): void {
    if (!this._is_owned()) {
      throw new RuntimeError(
        "release() de un RLock que este thread no tiene: lo suelta el thread que lo cogió.",
      );
    }
    if (--this.m[VECES] === 0) super.release();
  }

  override _release_save(): number {
    const veces = this.m[VECES];
    this.m[VECES] = 1;
    this.release();
    return veces;
  }

  override _acquire_restore(veces: number): void {
    this.acquire();
    this.m[VECES] = veces;
  }
}

/**
 * `threading.Semaphore(value)` de Python: un contador de plazas libres. `acquire()` ocupa
 * una (si no queda ninguna, espera a que alguien la devuelva); `release()` la devuelve.
 * Memoria: [0] plazas libres, [1] threads dormidos esperando plaza, [2] las plazas del principio.
 */
export class Semaphore extends Compartido {
  constructor(value = 1) {
    if (!Number.isInteger(value) || value < 0) {
      throw new ValueError(
        `el valor de un Semaphore es un entero mayor o igual que 0 (no «${value}»).`,
      );
    }
    super(new.target.name, 3);
    if (this.nuevo) this.m[0] = this.m[2] = value;
  }

  /** Ocupa una plaza. Con `blocking` false o con `timeout` (segundos) devuelve si la ha ocupado. */
  acquire(blocking = true, timeout: number | null = null): boolean {
    if (typeof blocking === "object") sinNombres("acquire", blocking, ACQUIRE, [true, null]);
    if (timeout !== null) {
      if (!blocking) {
        throw new ValueError(
          "acquire(false, timeout): sin esperar no hay timeout; quita uno de los dos.",
        );
      }
      comprobarTimeout(timeout, true); // negativo: como 0, igual que en Python
    }
    const limite = timeout === null ? Infinity : performance.now() + timeout * 1000;
    for (let vuelta = 0;; vuelta++) {
      const libres = Atomics.load(this.m, 0);
      if (libres > 0) {
        // Ocupamos una plaza solo si nadie ha cambiado el número desde que lo leímos.
        if (Atomics.compareExchange(this.m, 0, libres, libres - 1) === libres) {
          traza?.anotar("coge", this, libres - 1);
          return true;
        }
      } else if (!blocking) {
        traza?.anotar("no_coge", this);
        return false;
      } else if (vuelta >= VUELTAS_SEMAFORO) {
        cerrarGrupo();
        if (vuelta === VUELTAS_SEMAFORO) traza?.anotar("espera", this);
        // Sin plazas: a dormir mientras [0] siga a 0 (release() cambia el número y avisa).
        const queda = limite - performance.now();
        if (queda <= 0) {
          traza?.anotar("no_coge", this);
          return false;
        }
        Atomics.add(this.m, 1, 1);
        dormir(this.m, 0, 0, queda);
        Atomics.sub(this.m, 1, 1);
      }
    }
  }

  /** Devuelve `n` plazas y despierta a tantos dormidos como plazas devuelve. */
  release(n = 1): void {
    if (!Number.isInteger(n) || n < 1) {
      throw new ValueError(`release(n) devuelve al menos 1 plaza (no «${n}»).`);
    }
    traza?.anotar("suelta", this, Atomics.load(this.m, 0) + n);
    this.sumarPlazas(n);
    if (Atomics.load(this.m, 1) > 0) Atomics.notify(this.m, 0, n);
  }

  protected sumarPlazas(n: number) {
    Atomics.add(this.m, 0, n);
  }

  /** `with s:` de Python: `using _ = s.__enter__();` ocupa una plaza y, al salir, la devuelve. */
  __enter__(): this {
    this.acquire();
    return this.entrada();
  }

  get [Symbol.dispose](): () => void {
    return this.salida(() => this.release());
  }
}

/** `threading.BoundedSemaphore`: un Semaphore que no admite devolver más plazas de las que tenía. */
export class BoundedSemaphore extends Semaphore {
  protected override sumarPlazas(n: number) {
    for (;;) {
      const libres = Atomics.load(this.m, 0);
      if (libres + n > this.m[2]) {
        const plazas = this.m[2] === 1 ? "su 1 plaza libre" : `sus ${this.m[2]} plazas libres`;
        throw new ValueError(`release() de más en un BoundedSemaphore: ya tiene ${plazas}.`);
      }
      if (Atomics.compareExchange(this.m, 0, libres, libres + n) === libres) return;
    }
  }
}

/** Como en el Lock: con plazas que se liberan enseguida, mirar es más barato que dormir. */
const VUELTAS_SEMAFORO = navigator.hardwareConcurrency > 1 ? 1000 : 0;

/** Cuántos threads pueden estar a la vez dentro de `wait()` de una misma Condition. */
const ESPERAS = 256;

/**
 * `threading.Condition(lock)` de Python: un Lock más una sala de espera. Con el lock cogido,
 * `wait()` lo suelta, duerme hasta que otro llame a `notify()` y lo vuelve a coger antes de
 * volver. `notify(n)` despierta a los n que llevan más tiempo esperando; `notify_all()`, a
 * todos. Como en Python, se usa en un bucle: `while (!listo()) c.wait();` (o `wait_for`).
 *
 * Cómo: cada `wait()` saca un turno (como en la carnicería) y `notify(n)` avanza n turnos
 * el número de «atendidos»; cada dormido despierta cuando su turno ya está atendido.
 * Memoria: [0] atendidos (en él se duerme), [1] turnos dados, [2...] turnos abandonados por
 * tiempo (`wait(timeout)` que se cansó), que `notify` se salta.
 */
export class Condition extends Compartido {
  /** Por defecto, un RLock, como en Python. */
  constructor(lock?: Lock) {
    super("Condition", 2 + ESPERAS, tomarParte() ?? lock ?? new RLock());
  }

  /** El Lock (o RLock) de la Condition. */
  get lock(): Lock {
    return this.parte as Lock;
  }

  acquire(blocking = true, timeout = -1): boolean {
    return this.lock.acquire(blocking, timeout);
  }

  release(): void {
    this.lock.release();
  }

  /** `with c:` de Python: `using _ = c.__enter__();` coge su lock y, al salir, lo suelta. */
  __enter__(): this {
    this.lock.acquire();
    return this.entrada();
  }

  get [Symbol.dispose](): () => void {
    return this.salida(() => this.lock.release());
  }

  /**
   * Suelta el lock, espera un `notify()` (o `timeout` segundos) y vuelve a coger el lock.
   * Devuelve false si se acabó el tiempo.
   */
  wait(timeout: number | null = null): boolean {
    this.#conElLock("wait");
    if (timeout !== null) comprobarTimeout(timeout, true); // negativo: como 0
    const turno = this.m[1]++; // con el lock cogido: nadie más saca turno a la vez
    traza?.anotar("espera_aviso", this);
    const guardado = this.lock._release_save(); // un RLock, del todo
    cerrarGrupo();

    const limite = timeout === null ? Infinity : performance.now() + timeout * 1000;
    let atendidos;
    while ((atendidos = Atomics.load(this.m, 0)) <= turno) {
      const queda = limite - performance.now();
      if (queda <= 0) break;
      dormir(this.m, 0, atendidos, queda);
    }

    traza?.anotar("despierta", this, Atomics.load(this.m, 0) > turno ? 1 : 0);
    this.lock._acquire_restore(guardado);
    if (Atomics.load(this.m, 0) > turno) return true;
    // Se acabó el tiempo sin que nos atendieran: dejamos el turno, que notify se lo salte.
    Atomics.store(this.m, 2 + (turno % ESPERAS), 1);
    return false;
  }

  /** Espera (con `wait`) hasta que `predicado()` sea cierto; devuelve su último valor. */
  wait_for(predicado: () => boolean, timeout: number | null = null): boolean {
    const limite = timeout === null ? Infinity : performance.now() + timeout * 1000;
    let resultado = predicado();
    while (!resultado) {
      const queda = limite - performance.now();
      if (queda <= 0) break;
      this.wait(timeout === null ? null : queda / 1000);
      resultado = predicado();
    }
    return resultado;
  }

  /** Despierta a los `n` threads que llevan más tiempo en `wait()` (con el lock cogido). */
  notify(n = 1): void {
    this.#conElLock("notify");
    if (!Number.isInteger(n) || n < 0) {
      throw new ValueError(
        `notify(n) despierta a n threads, un entero mayor o igual que 0 (no «${n}»).`,
      );
    }
    traza?.anotar("avisa", this, n);
    let atendidos = this.m[0];
    while (n > 0 && atendidos < this.m[1]) {
      const abandonado = 2 + (atendidos % ESPERAS);
      if (this.m[abandonado]) this.m[abandonado] = 0; // se fue por tiempo: no cuenta
      else n--;
      atendidos++;
    }
    Atomics.store(this.m, 0, atendidos);
    Atomics.notify(this.m, 0); // todos miran si ya es su turno; los demás vuelven a dormir
  }

  /** Despierta a todos los que están en `wait()`. */
  notify_all(): void {
    this.notify(ESPERAS);
  }

  #conElLock(metodo: string) {
    if (!this.lock._is_owned()) {
      throw new RuntimeError(
        `${metodo}() de una Condition sin su lock: este thread debe cogerlo antes ` +
          "(c.acquire(), o using _ = c.__enter__()).",
      );
    }
  }
}

/**
 * `threading.Event`: una bandera que empieza bajada. `wait()` espera a que alguien la suba
 * con `set()` (si ya está subida, no espera); `clear()` la baja. Memoria: [0] la bandera,
 * [1] cuántas veces se ha subido (un `wait` al que despertó un `set` devuelve true aunque
 * otro la haya vuelto a bajar, como en Python).
 */
export class Event extends Compartido {
  constructor() {
    super("Event", 2);
  }

  is_set(): boolean {
    return Atomics.load(this.m, 0) === 1;
  }

  set(): void {
    traza?.anotar("avisa", this);
    Atomics.store(this.m, 0, 1);
    Atomics.add(this.m, 1, 1);
    Atomics.notify(this.m, 1);
  }

  clear(): void {
    traza?.anotar("quita", this);
    Atomics.store(this.m, 0, 0);
  }

  /** Espera a que la suban (o `timeout` segundos). Devuelve si está subida. */
  wait(timeout: number | null = null): boolean {
    if (timeout !== null) comprobarTimeout(timeout, true);
    const subidas = Atomics.load(this.m, 1);
    if (this.is_set()) {
      traza?.anotar("despierta", this, 1); // ya estaba puesto: sigue
      return true;
    }
    cerrarGrupo();
    traza?.anotar("espera_aviso", this);
    const limite = timeout === null ? Infinity : performance.now() + timeout * 1000;
    while (Atomics.load(this.m, 1) === subidas) {
      const queda = limite - performance.now();
      if (queda <= 0) {
        traza?.anotar("despierta", this, 0);
        return false;
      }
      dormir(this.m, 1, subidas, queda);
    }
    traza?.anotar("despierta", this, 1);
    return true;
  }
}

/** `threading.BrokenBarrierError`: la Barrier se rompió mientras se esperaba en ella. */
export class BrokenBarrierError extends RuntimeError {
  override name = "BrokenBarrierError";
  constructor() {
    super("la Barrier está rota (por abort(), reset() o un timeout): nadie pasa hasta reset().");
  }
}

const LLEGADOS = 0; // cuántos esperan en esta ronda
const RONDA = 1; // el número de la ronda
const ROTA = 2; // 1: rota
const PARTES = 3; // parties
const PLAZO = 4; // el timeout por defecto, en ms (-1: sin límite)
const RESULTADOS = 5; // cómo acabó cada ronda (en un anillo de 64): PENDIENTE, PASAN o ROTA
const PENDIENTE = 0; // la ronda sigue
const PASAN = 1; // acabó bien
const RONDA_ROTA = 2; // acabó rota

/**
 * `threading.Barrier(parties, action, timeout)`: cada `wait()` espera a que lleguen
 * `parties` threads; entonces pasan todos a la vez y la Barrier vale para otra ronda.
 * `wait()` devuelve el orden de llegada (0 el primero, parties - 1 el último, que ejecuta
 * `action`). Con `abort()` o un timeout se rompe: quien espera (y quien llegue) recibe
 * `BrokenBarrierError`, hasta `reset()`. Como en Python, está hecha con una Condition.
 */
export class Barrier extends Compartido {
  #action: (() => unknown) | null;

  constructor(
    parties: number,
    action: (() => unknown) | null = null,
    timeout: number | null = null,
  ) {
    if (!Number.isInteger(parties) || parties < 1) {
      throw new ValueError(
        `una Barrier necesita parties, un entero mayor que 0 (no «${parties}»).`,
      );
    }
    if (timeout !== null) comprobarTimeout(timeout, false, "Barrier", ["parties", "action"]);
    super("Barrier", RESULTADOS + 64, tomarParte() ?? new Condition(new Lock()));
    this.#action = action;
    if (this.nuevo) {
      this.m[PARTES] = parties;
      this.m[PLAZO] = timeout === null ? -1 : Math.round(timeout * 1000);
    }
  }

  get #c(): Condition {
    return this.parte as Condition;
  }

  get parties(): number {
    return this.m[PARTES];
  }

  /** Cuántos threads esperan ahora en ella. */
  get n_waiting(): number {
    return this.m[ROTA] ? 0 : this.m[LLEGADOS];
  }

  get broken(): boolean {
    return this.m[ROTA] === 1;
  }

  /**
   * Espera a los demás; devuelve el orden de llegada de este thread (de 0 a parties - 1).
   * Con --traza, sus pasos de dentro (su Lock, su Condition) se callan: se anota lo que el
   * alumno ve, «llega a la barrera (faltan 2)» y «pasa la barrera (fase 1)».
   */
  wait(timeout: number | null = null): number {
    if (timeout === null && this.m[PLAZO] >= 0) timeout = this.m[PLAZO] / 1000;
    if (timeout !== null) comprobarTimeout(timeout, true);
    traza?.callar();
    try {
      return this.#esperar(timeout);
    } finally {
      traza?.hablar();
    }
  }

  #esperar(timeout: number | null): number {
    using _ = this.#c.__enter__();
    if (this.m[ROTA]) {
      traza?.propio("rota", this);
      throw new BrokenBarrierError();
    }
    const ronda = this.m[RONDA];
    const orden = this.m[LLEGADOS]++;
    traza?.propio("llega", this, this.parties - 1 - orden);
    if (orden === this.parties - 1) {
      // El último: ejecuta la acción (código del alumno: se anota) y suelta a todos.
      try {
        traza?.hablar();
        try {
          this.#action?.();
        } finally {
          traza?.callar();
        }
      } catch (error) {
        this.#romper();
        throw error;
      }
      this.#resultado(ronda, PASAN);
      this.#siguienteRonda();
      traza?.propio("pasa", this, ronda + 1);
      return orden;
    }
    const acabada = this.#c.wait_for(() => this.#resultado(ronda) !== PENDIENTE, timeout);
    if (this.#resultado(ronda) === PASAN) {
      traza?.propio("pasa", this, ronda + 1);
      return orden;
    }
    if (!acabada) this.#romper(); // se acabó el tiempo: como en Python, se rompe
    traza?.propio("rota", this);
    throw new BrokenBarrierError();
  }

  /** La rompe: los que esperan y los que lleguen reciben BrokenBarrierError. */
  abort(): void {
    traza?.callar();
    try {
      using _ = this.#c.__enter__();
      this.#romper();
    } finally {
      traza?.hablar();
    }
  }

  /** La deja como nueva; los que esperaban reciben BrokenBarrierError. */
  reset(): void {
    traza?.callar();
    try {
      using _ = this.#c.__enter__();
      if (this.m[LLEGADOS] > 0) this.#resultado(this.m[RONDA], RONDA_ROTA);
      this.m[ROTA] = 0;
      this.#siguienteRonda();
    } finally {
      traza?.hablar();
    }
  }

  #romper() {
    this.m[ROTA] = 1;
    this.#resultado(this.m[RONDA], RONDA_ROTA);
    this.#c.notify_all();
  }

  #siguienteRonda() {
    this.m[LLEGADOS] = 0;
    this.m[RONDA]++;
    this.#resultado(this.m[RONDA], PENDIENTE);
    this.#c.notify_all();
  }

  /** Cómo acabó una ronda (leer), o apuntarlo (con `valor`). */
  #resultado(ronda: number, valor?: number): number {
    const i = RESULTADOS + (ronda % 64);
    if (valor !== undefined) this.m[i] = valor;
    return this.m[i];
  }
}

// =======================================================================================
// 4. Los threads que se arrancan juntos salen juntos
// =======================================================================================

/** Un worker recién creado y su orden, sin la barrera: se la da `cerrarGrupo`. */
type Pendiente = [Worker, Omit<Orden, "registro" | "barrera" | "total">];

/** Los threads arrancados en este turno del programa principal: saldrán juntos. */
let grupo: { barrera: Int32Array; workers: Pendiente[] } | null = null;

/**
 * Apunta un worker recién creado en el grupo de este turno. Todos los start() de un turno
 * forman un grupo; la orden sale cuando el turno acaba (una microtarea), cuando ya se sabe
 * cuántos son y la barrera puede contarlos.
 */
function unirseAlGrupo(worker: Worker, orden: Pendiente[1]) {
  if (!grupo) {
    grupo = { barrera: new Int32Array(new SharedArrayBuffer(4)), workers: [] };
    queueMicrotask(cerrarGrupo);
  }
  grupo.workers.push([worker, orden]);
}

/**
 * Envía la orden a los workers del grupo abierto, con el registro (punto 2) y la barrera:
 * ya se sabe cuántos son. Se llama al acabar el turno y también antes de que el principal
 * se bloquee (sleep, acquire, wait): si no, sus threads no empezarían hasta que el principal
 * dejara de esperar.
 */
function cerrarGrupo() {
  if (!grupo) return;
  const { barrera, workers } = grupo;
  grupo = null;
  for (const [worker, orden] of workers) {
    const completa: Orden = { ...orden, registro, barrera, total: workers.length };
    worker.postMessage(completa);
  }
}

/** En el worker: espera a los demás threads del grupo y sale con ellos. */
function barreraDeSalida(barrera: Int32Array, total: number) {
  Atomics.add(barrera, 0, 1);
  Atomics.notify(barrera, 0);
  // Mirar sin dormir unos milisegundos: así salen todos con microsegundos de diferencia
  // (despertar a un hilo dormido tarda más que imprimir cinco líneas). Solo si caben todos
  // a la vez en los núcleos: si no, los que miran le quitan el núcleo a los que aún cargan.
  const mirar = total <= navigator.hardwareConcurrency ? 30 : 0;
  const hasta = performance.now() + mirar;
  while (Atomics.load(barrera, 0) < total && performance.now() < hasta);
  // Si aún faltan, a dormir hasta que cambie el número de llegados.
  let llegados;
  while ((llegados = Atomics.load(barrera, 0)) < total) Atomics.wait(barrera, 0, llegados);
}

// =======================================================================================
// 5. El worker por dentro: todo junto
// =======================================================================================

/** Las clases de los objetos compartidos, por su tipo en el registro. */
const clases = { Lock, RLock, Semaphore, BoundedSemaphore, Condition, Event, Barrier, Value };

/** Cómo se reconstruye cada objeto compartido que llega en `args` (sobre su misma memoria). */
export const reconstruir: Record<string, () => unknown> = {
  Lock: () => new Lock(),
  RLock: () => new RLock(),
  Semaphore: () => new Semaphore(),
  BoundedSemaphore: () => new BoundedSemaphore(),
  Condition: () => new Condition(),
  Event: () => new Event(),
  Barrier: () => new Barrier(1),
  Value: () => new Value(),
};

function desempaquetar(valor: unknown): unknown {
  if (Array.isArray(valor)) return valor.map(desempaquetar);
  if (valor instanceof Map) {
    return new Map([...valor].map(([k, v]) => [desempaquetar(k), desempaquetar(v)]));
  }
  if (valor instanceof Set) return new Set([...valor].map(desempaquetar));
  if (
    valor === null || typeof valor !== "object" || Object.getPrototypeOf(valor) !== Object.prototype
  ) {
    return valor;
  }
  const objeto = valor as Record<string, unknown>;
  if (!(MARCA in objeto)) {
    return Object.fromEntries(Object.entries(objeto).map(([k, v]) => [k, desempaquetar(v)]));
  }
  const indice = objeto[MARCA] as number;
  const entrada = registro[indice];
  const parte = objeto.parte ? desempaquetar(objeto.parte) as Compartido : null;
  parteReconstruida = parte;
  reconstruyendo = { entrada, indice };
  const crear = reconstruir[entrada.tipo];
  if (crear) return crear();
  return new Enteros(entrada.memoria.byteLength / 4).enteros;
}

/**
 * Importa el módulo de un thread con el registro (punto 2): sus objetos de nivel de módulo
 * toman la memoria que el principal creó en la misma línea. Lo que ese código escribe no se
 * ve: ya lo escribió el principal (Python lo ejecuta una vez). Exportada para
 * concurrent_futures.ts: los workers de su pool ejecutan una función suya e importan con
 * esto el módulo del ejemplo, donde están las tareas. Importar otra vez un módulo ya
 * importado no lo vuelve a ejecutar.
 */
export async function importarElModulo(url: string): Promise<Record<string, unknown>> {
  const escribir = ["log", "info", "warn", "error", "debug", "table", "dir"] as const;
  const antes = escribir.map((metodo) => console[metodo]);
  for (const metodo of escribir) console[metodo] = () => {};
  const salidas = [Deno.stdout, Deno.stderr] as { write: unknown; writeSync: unknown }[];
  const suyas = salidas.map(({ write, writeSync }) => ({ write, writeSync }));
  for (const salida of salidas) {
    salida.write = (bytes: Uint8Array) => Promise.resolve(bytes.length);
    salida.writeSync = (bytes: Uint8Array) => bytes.length;
  }
  // El `n = int(input())` de nivel de módulo: la misma respuesta que tuvo el principal.
  let pregunta = 0;
  ventanas.prompt = () => (respuestas[pregunta++] ?? null) as string | null;
  ventanas.confirm = () => respuestas[pregunta++] === true;
  ventanas.alert = () => {};
  importandoElEjemplo = true;
  try {
    return await import(url);
  } finally {
    importandoElEjemplo = false;
    escribir.forEach((metodo, i) => console[metodo] = antes[i]);
    salidas.forEach((salida, i) => Object.assign(salida, suyas[i]));
    for (const nombre of ["prompt", "confirm", "alert"] as const) {
      ventanas[nombre] = () => {
        throw new RuntimeError(
          `${nombre}() dentro de un thread: no puede leer el teclado. Pregunta en el programa ` +
            "principal y pasa la respuesta en args.",
        );
      };
    }
  }
}

/** `prompt()`, `confirm()` y `alert()`: en Deno leen el teclado (en un worker, no existen). */
const ventanas = globalThis as unknown as {
  prompt: (mensaje?: string, porDefecto?: string) => string | null;
  confirm: (mensaje?: string) => boolean;
  alert: (mensaje?: string) => void;
};

/**
 * Las respuestas del principal a `prompt()` y `confirm()`, en orden. El nivel de módulo de
 * cada thread vuelve a pedirlas (lo ejecuta otra vez): las recibe sin preguntar.
 */
const respuestas: (string | boolean | null)[] = [];
if (!enUnWorker) {
  const { prompt, confirm } = ventanas;
  ventanas.prompt = (mensaje?: string, porDefecto?: string) => {
    const respuesta = prompt(mensaje, porDefecto);
    respuestas.push(respuesta);
    return respuesta;
  };
  ventanas.confirm = (mensaje?: string) => {
    const respuesta = confirm(mensaje);
    respuestas.push(respuesta);
    return respuesta;
  };
}

if (enUnWorker) {
  const worker = self as unknown as {
    onmessage: ((evento: MessageEvent<Orden>) => void) | null;
    postMessage(mensaje: Respuesta): void;
  };
  let respondido = false;
  let corriendo = false; // un daemon, desde que empieza hasta que responde
  const responder = (respuesta: Respuesta) => {
    if (respondido) return;
    respondido = true;
    if (esDaemon && corriendo) Atomics.sub(hilos, DAEMONS, 1);
    worker.postMessage(respuesta);
  };
  // `Deno.exit()` en un thread (el `sys.exit()` de Python) acaba solo ese thread: que el
  // principal lo sepa, y su join() vuelva.
  addEventListener("unload", () => responder({}));

  // Sin await en el nivel de módulo: el ejemplo importa este fichero, y esperar aquí a que
  // se importe el ejemplo sería esperarse a sí mismo.
  worker.onmessage = async ({ data: orden }) => {
    worker.onmessage = null;
    ident = orden.ident;
    esDaemon = orden.daemon;
    corteAlEmpezar = orden.corte;
    hilos = orden.hilos;
    registro.push(...orden.registro);
    respuestas.push(...orden.respuestas);
    if (orden.traza) traza = (await import("./traza.ts")).trazaDelThread(orden.traza);
    let tarea: unknown, args: unknown[] = [], error: unknown = null;
    try {
      const modulo = await importarElModulo(orden.modulo);
      tarea = modulo[orden.target];
      args = desempaquetar(orden.args) as unknown[];
    } catch (e) {
      error = e;
    }
    // Siempre a la barrera: los demás threads del grupo cuentan con este.
    barreraDeSalida(orden.barrera, orden.total);
    if (esDaemon) {
      if (Atomics.load(hilos, CORTES) !== corteAlEmpezar) return responder({}); // ya cortado
      corriendo = true;
      Atomics.add(hilos, DAEMONS, 1);
    }
    if (error === null && typeof tarea !== "function") {
      responder({
        fatal: true,
        error: faltaExport(`El thread ${self.name}`, orden.target),
      });
      return;
    }
    try {
      if (error !== null) throw error;
      if (orden.retraso) {
        // Un Timer: espera sus segundos, salvo que cancel() lo despierte antes.
        const { segundos, cancelado } = orden.retraso;
        dormir(cancelado, 0, 0, segundos * 1000);
        if (Atomics.load(cancelado, 0)) return responder({});
      }
      traza?.anotar("empieza");
      await (tarea as Tarea)(...args);
      traza?.anotar("termina");
      responder({});
    } catch (e) {
      const frase = fraseDeUnError(`el thread ${self.name}`, e);
      responder({ error: frase.replace(/\.$/, pista(e) || ".") });
    }
  };
}

/**
 * Si un thread falla al usar algo `undefined`, quizá es un objeto compartido que el
 * principal creó dentro de `if (import.meta.main)`: los threads no lo tienen. Lo sugerimos.
 */
function pista(error: unknown): string {
  const leida = error instanceof TypeError &&
    error.message.match(/of (?:undefined|null) \(reading '(\w+)'\)/)?.[1];
  if (!leida) return "";
  // Uno del principal que no ha llegado a este thread y que tiene lo que se quería leer.
  const perdida = registro.find((e, i) =>
    !tomada[i] && leida in (clases[e.tipo as keyof typeof clases]?.prototype ?? {})
  );
  if (!perdida) return "";
  return `: ¿el ${perdida.tipo} de ${sitio(perdida.donde)}, que se crea dentro de ` +
    "«if (import.meta.main)»? Los threads no lo ven: créalo a nivel de módulo o pásalo en args.";
}

// =======================================================================================
// Fin de la lección. Lo que sigue es para los ejemplos: los errores del alumno y las opciones
// =======================================================================================

// --traza: solo entonces se carga traza.ts, que lee la opción (y la quita de Deno.args).
if (!enUnWorker && Deno.args.some((a) => /^--traza(=|$)/.test(a))) {
  const { empezarTraza } = await import("./traza.ts").catch(() =>
    terminarConError("--traza necesita traza.ts al lado de threading.ts: cópialo también.")
  );
  traza = empezarTraza(() => scriptDeLaOrden());
}

/** Los permisos de la orden de los ejemplos de threads/ (`leerOpciones` puede dar otros). */
let permisos = "--allow-read";

/** Las opciones que tienen todos los ejemplos (traza.ts lee --traza antes que nadie). */
const OPCIONES_DE_TODOS: Record<string, Opcion> = {
  traza: {
    defecto: "",
    valores: [],
    opcional: "archivo",
    ayuda: "dibuja quién hizo qué; con archivo, en .html o .json",
  },
};

/** Termina con un error que el alumno puede arreglar: una frase en stderr y código 1. */
export function terminarConError(frase: string): never {
  console.error(frase);
  Deno.exit(1);
}

/** `No hay permiso para <qué>. Ejecuta: <la orden completa>`, y código 1. */
export function sinPermiso(que: string): never {
  terminarConError(`No hay permiso para ${que}. Ejecuta: ${ordenParaPegar()}`);
}

/** "file:///.../threads/lock.ts:12:14" -> "lock.ts:12". */
function sitio(donde: string): string {
  return donde.replace(/^.*\//, "").replace(/:\d+$/, "");
}

/**
 * Un error en una frase: «Error en <quién>, en lock.ts:23: <mensaje>», con la línea del
 * programa del alumno donde ocurrió (la primera de la pila que no es de los módulos de
 * threads/), sin traza.
 */
export function fraseDeUnError(quien: string, error: unknown): string {
  if (!(error instanceof Error)) return `Error en ${quien}: ${String(error)}`;
  const carpeta = import.meta.url.replace(/[^/]*$/, "");
  const modulos = /^(threading|concurrent_futures|queue|traza)\.ts:/;
  const donde = (error.stack ?? "").split("\n").slice(1)
    .map((linea) => linea.match(URL_EN_LA_PILA)?.[1])
    .find((url) =>
      url !== undefined && !(url.startsWith(carpeta) && modulos.test(url.slice(carpeta.length)))
    );
  return `Error en ${quien}${donde ? `, en ${sitio(donde)}` : ""}: ${enEspanol(error)}`;
}

/** Los mensajes de JavaScript más frecuentes, en español (con su tipo, como Python). */
const MENSAJES: [RegExp, (...partes: string[]) => string][] = [
  [
    /^Class constructor (\w+) cannot be invoked without 'new'$/,
    (clase) => `${clase} se crea con new: escribe «new ${clase}(...)»`,
  ],
  [
    /^Cannot read properties of (undefined|null) \(reading '(.*)'\)$/,
    (de, x) => `se lee «${x}» de algo que es ${de}`,
  ],
  [/^(.+) is not defined$/, (x) => `«${x}» no está definido`],
  [
    /^(.+) is not a function or its return value is not iterable$/,
    (x) => `«${x}()» no devuelve algo que se pueda recorrer (un array)`,
  ],
  [
    /^Cannot set properties of (undefined|null) \(setting '(.*)'\)$/,
    (de, x) => `se escribe «${x}» en algo que es ${de}`,
  ],
  [/^(.+) is not a constructor$/, (x) => `«${x}» no se puede crear con new`],
  [
    /^Maximum call stack size exceeded$/,
    () => "demasiadas llamadas una dentro de otra (¿una función que se llama a sí misma sin fin?)",
  ],
  [/^(.+) is not a function$/, (x) => `«${x}» no es una función`],
  [/^(.+) is not iterable$/, (x) => `«${x}» no se puede recorrer (no es un array)`],
  [/^Assignment to constant variable\.$/, () => "se cambia una constante: declárala con let"],
  [/^Cannot access '(.+)' before initialization$/, (x) => `«${x}» se usa antes de crearse`],
];

function enEspanol(error: Error): string {
  for (const [patron, frase] of MENSAJES) {
    const partes = error.message.match(patron);
    if (partes) return `${frase(...partes.slice(1))} (${error.name}).`;
  }
  return error.message;
}

/**
 * En el programa principal, los errores de threading (un RuntimeError, un ValueError, un
 * `new` olvidado) salen como en un thread: una frase, sin traza, y código 1. Y, como en
 * Python, con cualquier error el programa espera antes a los threads en marcha que no son
 * daemon (los daemon se cortan): lo que estaban haciendo no se pierde.
 */
/**
 * Los módulos de al lado (concurrent_futures.ts) cuentan aquí sus errores: `frase` da la
 * frase de uno suyo (o null si no lo es), y a los threads de `sinEsperar` (los de un pool,
 * que esperan tareas sin fin) no se les espera.
 */
export const erroresDeOtrosModulos = {
  frases: [] as ((error: unknown) => string | null)[],
  sinEsperar: new WeakSet<Thread>(),
};

if (!enUnWorker) {
  const avisar = (evento: globalThis.Event, error: unknown) => {
    const nuestro = error instanceof RuntimeError || error instanceof ValueError ||
      (error instanceof TypeError && /without 'new'$/.test(error.message));
    const deOtro = erroresDeOtrosModulos.frases.map((f) => f(error)).find((f) => f !== null);
    const enMarcha = [...vivos.keys()].filter((t) =>
      !t.daemon && !erroresDeOtrosModulos.sinEsperar.has(t)
    );
    if (!nuestro && !deOtro && enMarcha.length === 0) return; // el de Deno, con su traza
    evento.preventDefault();
    console.error(
      nuestro
        ? fraseDeUnError("el programa principal", error)
        : deOtro ?? `error: Uncaught ${error instanceof Error ? error.stack : Deno.inspect(error)}`,
    );
    Promise.all(enMarcha.map((t) => t.join())).then(() => Deno.exit(1));
  };
  globalThis.addEventListener("error", (e) => avisar(e, e.error));
  globalThis.addEventListener("unhandledrejection", (e) => avisar(e, e.reason));
}

let permisoComprobado = false;

/** Un worker carga su módulo del disco: sin --allow-read no puede. Lo decimos en español. */
function comprobarPermiso(modulo: string) {
  if (permisoComprobado) return;
  const ficheros = [modulo, Deno.mainModule, import.meta.url].filter((url) =>
    url.startsWith("file:")
  );
  const negado = ficheros.some((url) =>
    Deno.permissions.querySync({ name: "read", path: new URL(url) }).state !== "granted"
  );
  if (negado) sinPermiso("leer el módulo de los threads");
  permisoComprobado = true;
}

/** Los targets ya mirados por `avisarDeVariables`: cada uno, una vez. */
const mirados = new Set<string>();

/**
 * Una variable normal de nivel de módulo (`let total = 0`, `const resultados = []`) que el
 * target cambia: en Python se comparte; aquí cada thread tiene la suya y el cambio se pierde
 * en silencio. Se avisa al arrancarlo, leyendo el texto del módulo (sus declaraciones de la
 * columna 0) y el de la función. No mira las funciones a las que llama: puede callar, pero
 * no avisa de más (una variable propia con el mismo nombre, un texto o una lectura, no).
 */
function avisarDeVariables(modulo: string, target: Tarea) {
  const clave = `${modulo}#${target.name}`;
  if (mirados.has(clave) || !modulo.startsWith("file:")) return;
  mirados.add(clave);
  const url = new URL(modulo);
  if (Deno.permissions.querySync({ name: "read", path: url }).state !== "granted") return;
  let fuente: string;
  try {
    fuente = Deno.readTextFileSync(url);
  } catch {
    return;
  }
  const compartida =
    /^(new (Lock|RLock|Semaphore|BoundedSemaphore|Condition|Event|Barrier|Value)\b|compartido\()/;
  const declaradas = fuente.matchAll(
    /^(?:export\s+)?(let|var|const)\s+([\w$]+)\s*(?::[^=\n]*)?(?:=\s*(.*))?$/gm,
  );
  const codigo = sinTextos(Function.prototype.toString.call(target));
  const cambiadas: string[] = [];
  for (const [, declara, nombre, valor = ""] of declaradas) {
    if (compartida.test(valor)) continue;
    const porDentro = /^(\[|\{|new (Map|Set|Array)\b)/.test(valor); // array, objeto...
    if (declara === "const" && !porDentro) continue;
    const v = `(?<![\\w$.])${nombre.replace(/\$/g, "\\$")}(?![\\w$])`;
    const propia = new RegExp(`\\b(let|const|var)\\s[^=;]*${v}|^[^{]*\\([^)]*${v}`);
    if (propia.test(codigo)) continue;
    const reasigna = new RegExp(`${v}\\s*([-+*/%]?=(?!=)|\\+\\+|--)|(\\+\\+|--)\\s*${v}`);
    const cambia = new RegExp(
      `${v}(\\s*\\[[^\\]]*\\]|\\.[\\w$]+)\\s*[-+*/%]?=(?!=)|` +
        `${v}\\.(push|pop|shift|unshift|splice|sort|reverse|fill|set|add|delete|clear)\\(`,
    );
    if (reasigna.test(codigo) || (porDentro && cambia.test(codigo))) cambiadas.push(nombre);
  }
  if (cambiadas.length === 0) return;
  const una = cambiadas.length === 1;
  console.error(
    `Aviso: ${target.name} cambia ${yOtras(cambiadas)}, ` +
      (una
        ? "una variable de nivel de módulo: cada thread tiene la suya y el principal no verá " +
          "el cambio"
        : "variables de nivel de módulo: cada thread tiene las suyas y el principal no verá " +
          "los cambios") +
      " (en Python, sí). Para compartir un número, new Value(0); varios enteros, compartido(n).",
  );
}

/** El código sin comentarios ni textos entre comillas (lo que dicen no es lo que hace). */
function sinTextos(codigo: string): string {
  return codigo.replace(
    /\/\*[\s\S]*?\*\/|\/\/.*$|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`/gm,
    '""',
  );
}

/** `deno run --allow-read threads/x.ts` (sin permisos, `deno run threads/x.ts`). */
function ordenDelScript(): string {
  return ["deno run", permisos, scriptDeLaOrden()].filter(Boolean).join(" ");
}

/**
 * La orden que el alumno puede copiar y pegar: `deno run <permisos> threads/x.ts`, con las
 * opciones que escribió (entre comillas simples las que el shell partiría).
 */
export function ordenParaPegar(): string {
  const opciones = Deno.args.map((a) => /^[\w\-.=\/,:@]+$/.test(a) ? a : `'${a}'`);
  return [ordenDelScript(), ...opciones].join(
    " ",
  );
}

/**
 * "threads/lock.ts": el programa como se escribe en su orden de ejecución, para que el alumno
 * pueda copiar la orden y pegarla: la ruta desde la carpeta donde está (Deno.cwd()), la ruta
 * entera si está en otra parte, o solo el nombre si no podemos leer cuál es la carpeta.
 *
 * `new URL(...).pathname` no sirve: deja los espacios y los acentos codificados
 * ("mis%20pr%C3%A1cticas"). `fileURLToPath` de node:url los deja como son. Lo cargamos solo
 * aquí, cuando hace falta escribir la orden (un error, la ayuda): importarlo arriba costaría
 * unos 20 ms de arranque al programa y a cada thread.
 */
export function scriptDeLaOrden(url = Deno.mainModule): string {
  const { fileURLToPath } = process.getBuiltinModule("node:url") as typeof import("node:url");
  const ruta = fileURLToPath(url);
  const separador = Deno.build.os === "windows" ? "\\" : "/";
  const nombre = ruta.slice(ruta.lastIndexOf(separador) + 1);
  let carpeta: string | null = null; // Deno.cwd() no pide permiso, pero por si acaso
  try {
    carpeta = Deno.cwd() + separador;
  } catch { /* sin carpeta: solo el nombre */ }
  const script = carpeta === null
    ? nombre
    : ruta.startsWith(carpeta)
    ? ruta.slice(carpeta.length)
    : ruta;
  // Con espacios (u otros caracteres que el shell parte), entre comillas.
  return /^[\w\-.\/\\\u00C0-\u024F]+$/.test(script) ? script : `"${script}"`;
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
