/**
 * threading.ts: el módulo `threading` de Python para Deno, hecho con Web Workers,
 * SharedArrayBuffer y Atomics. Los ejemplos de threads/ lo importan como `import threading`
 * (el pool de `concurrent.futures` está al lado, en concurrent_futures.ts).
 *
 * Lo que ofrece (una línea de uso de cada cosa):
 *
 *   new Thread({ target: tarea, args: [10], name: "tarea1" })   Thread(target=..., args=..., name=...)
 *   t.start(); await t.join(); t.is_alive()                      arrancar, esperar, ¿sigue vivo?
 *   await t.join(0.5)                                            esperar como mucho 0,5 s (is_alive() dice si acabó)
 *   current_thread().name                                        "MainThread" o el nombre del thread
 *   const lock = new Lock(); lock.acquire(); lock.release()      exclusión mutua (también locked())
 *   const s = new Semaphore(2); s.acquire(); s.release()         como mucho 2 a la vez
 *   const c = new Condition(lock?); c.acquire(); c.wait(); c.notify(); c.notify_all(); c.release()
 *   c.wait_for(() => hayDatos, 1.5)                              esperar a que se cumpla (o 1,5 s)
 *   lock.acquire(false); s.acquire(true, 0.1); c.wait(0.1)       sin esperar / con tiempo máximo
 *   const contador = new Value(0); contador.value += 1           un número compartido (multiprocessing.Value)
 *   const huecos = compartido(10)                                10 enteros compartidos (un Int32Array)
 *   sleep(0.05); sleep(0)                                        time.sleep(): dormir 50 ms; ceder el turno
 *   const { veces } = leerOpciones({ veces: entero(1000, 1, 10_000, "sumas") })   --veces N, -h
 *   texto("", ["productor", "consumidor"], "quién va lento")    una opción de texto, para leerOpciones
 *   bandera("todos cogen antes el izquierdo")                    un interruptor sin valor (--interbloqueo)
 *   terminarConError("frase")                                    una frase en stderr y código 1
 *   sinPermiso("leer X")                                         «No hay permiso para leer X. Ejecuta: ...»
 *   scriptDeLaOrden()                                            "threads/lock.ts": el programa, para una orden
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
 *    de `if`) son el mismo objeto en todos los threads. El programa principal apunta cada
 *    memoria que crea en un registro, en orden, y lo envía a cada worker; el worker, al
 *    importar el ejemplo, vuelve a ejecutar esas mismas líneas en el mismo orden, y el
 *    objeto número k toma la memoria número k del registro. Límite: un objeto creado solo
 *    a veces (dentro de un `if`, o dentro de `if (import.meta.main)`) no existe en el
 *    worker; ese se pasa en `args` y llega reconstruido (`args: [lock]` también funciona).
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
 * antes a `cerrarGrupo()` (punto 4). Tras la lección: los errores del alumno y las opciones.
 */

// =======================================================================================
// 1. Un thread es un Web Worker
// =======================================================================================

/** ¿Se ejecuta este código dentro de un worker? (`WorkerGlobalScope` solo existe allí.) */
const enUnWorker = "WorkerGlobalScope" in globalThis;

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
  registro: Entrada[];
  barrera: Int32Array;
  total: number;
}

/** Lo que el worker contesta al terminar. */
interface Respuesta {
  error?: string;
}

/** Cuántos threads se han creado: Python los numera (`Thread-1`, `Thread-2`...). */
let creados = 0;

/**
 * `threading.Thread` de Python: `start()` lo arranca en un worker y `join()` lo espera.
 * Usa dos cosas de más abajo: `empaquetar` (punto 2) y `unirseAlGrupo` (punto 4).
 */
export class Thread {
  readonly name: string;
  #target: Tarea;
  #args: unknown[];
  #modulo: string;
  #fin: Promise<void> | null = null;
  #vivo = false;

  /**
   * `target`: la función (exportada) que ejecuta el thread; `args`: sus argumentos; `name`:
   * su nombre (por defecto "Thread-1 (target)", como en Python). `modulo` casi nunca hace
   * falta: el fichero donde está `target` (por defecto, el programa que se ejecuta); el
   * worker lo importa con el registro de memoria compartida (punto 2).
   */
  constructor(
    { target, args = [], name, modulo = Deno.mainModule }: {
      target: Tarea;
      args?: unknown[];
      name?: string;
      modulo?: string;
    },
  ) {
    if (!target?.name) {
      throw new Error("el target de un Thread debe ser una función con nombre y exportada");
    }
    creados++;
    this.#target = target;
    this.#args = args;
    this.#modulo = modulo;
    this.name = name ?? `Thread-${creados} (${target.name})`;
  }

  start(): void {
    if (this.#fin) {
      throw new Error(`el thread ${this.name} ya se arrancó: un thread solo arranca una vez`);
    }
    if (enUnWorker) {
      throw new Error(
        "los threads se arrancan desde el programa principal: " +
          "pon el código que los arranca dentro de «if (import.meta.main)»",
      );
    }
    comprobarPermiso(this.#modulo); // tras la lección, con los errores del alumno

    // El worker empieza en este fichero (threading.ts), no en el ejemplo.
    const worker = new Worker(new URL("./threading.ts", import.meta.url), {
      type: "module",
      name: this.name,
    });
    this.#vivo = true;
    this.#fin = new Promise((resolve) => {
      worker.onmessage = ({ data }: MessageEvent<Respuesta>) => {
        worker.terminate();
        this.#vivo = false;
        if (data.error !== undefined) terminarConError(data.error);
        resolve();
      };
      worker.onerror = (evento) => {
        evento.preventDefault();
        const mensaje = evento.message.replace(/^Uncaught (\w*Error: )?/, "");
        terminarConError(`Error en el thread ${this.name}: ${mensaje}`);
      };
    });

    // La orden sale cuando el grupo de este turno está completo (punto 4).
    unirseAlGrupo(worker, {
      modulo: this.#modulo,
      target: this.#target.name,
      args: empaquetar(this.#args) as unknown[],
    });
  }

  /**
   * Espera a que el thread termine (en Python `t.join()`; aquí `await t.join()`). Con
   * `timeout` (segundos), como mucho ese tiempo: como en Python, vuelve sin decir por qué;
   * después, `is_alive()` dice si el thread terminó o se acabó el tiempo.
   */
  join(timeout: number | null = null): Promise<void> {
    if (!this.#fin) {
      return Promise.reject(new Error(`join() del thread ${this.name} antes de start()`));
    }
    if (timeout === null) return this.#fin;
    // Una carrera entre el final del thread y un temporizador: gana el que llega antes. El
    // temporizador se quita después, si no, el programa esperaría a que sonara para acabar.
    let reloj: ReturnType<typeof setTimeout> | undefined;
    const plazo = new Promise<void>((resolve) => {
      reloj = setTimeout(resolve, Math.max(timeout, 0) * 1000);
    });
    return Promise.race([this.#fin, plazo]).finally(() => clearTimeout(reloj));
  }

  /** ¿Está en marcha? (arrancado y sin terminar) */
  is_alive(): boolean {
    return this.#vivo;
  }
}

/** `threading.current_thread()`: su `name` es "MainThread" o el nombre del thread. */
export function current_thread(): { readonly name: string } {
  return { name: enUnWorker ? self.name : "MainThread" };
}

// =======================================================================================
// 2. La memoria compartida y su registro
// =======================================================================================

/** Una memoria compartida del registro: de qué objeto es y sus bytes. */
interface Entrada {
  tipo: string;
  memoria: SharedArrayBuffer;
}

/** En el principal: cada memoria compartida creada, en orden. En un worker: la recibida. */
const registro: Entrada[] = [];
/** En un worker: cuántos objetos del módulo del ejemplo han tomado ya su memoria. */
let tomadas = 0;
/** En un worker: true mientras se importa el módulo del ejemplo (su código de nivel de módulo). */
let importandoElEjemplo = false;
/** Al reconstruir un argumento: la entrada del registro que debe usar el próximo objeto. */
let reconstruyendo: { entrada: Entrada; indice: number } | null = null;

/**
 * Da a un objeto compartido su memoria: `enteros` enteros de 32 bits. Devuelve la memoria,
 * su número en el registro (-1 si no está) y si es nueva (hay que poner su valor inicial).
 */
function reservar(tipo: string, enteros: number): [Int32Array, number, boolean] {
  if (reconstruyendo) {
    const { entrada, indice } = reconstruyendo;
    reconstruyendo = null;
    return [new Int32Array(entrada.memoria), indice, false];
  }
  if (enUnWorker && importandoElEjemplo) {
    // El objeto número k del módulo toma la memoria número k del principal.
    const indice = tomadas++;
    const entrada = registro[indice];
    if (entrada?.tipo !== tipo || entrada.memoria.byteLength !== 4 * enteros) {
      throw new Error(
        `el ${tipo} número ${indice + 1} del módulo no es el mismo que en el programa principal ` +
          "(¿se crea dentro de un if?): créalo siempre igual o pásalo en args",
      );
    }
    return [new Int32Array(entrada.memoria), indice, false];
  }
  const memoria = new SharedArrayBuffer(4 * enteros);
  if (enUnWorker) return [new Int32Array(memoria), -1, true]; // solo de este worker
  registro.push({ tipo, memoria });
  return [new Int32Array(memoria), registro.length - 1, true];
}

/** Lo común a Lock, Semaphore, Condition y Value: su memoria y su número en el registro. */
abstract class Compartido {
  protected readonly m: Int32Array;
  /** Número en el registro, para enviarlo en `args` (-1: creado en un worker, no se envía). */
  readonly indice: number;
  protected readonly nuevo: boolean;

  constructor(tipo: string, enteros: number) {
    [this.m, this.indice, this.nuevo] = reservar(tipo, enteros);
  }
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
 * Un número entero compartido, como `multiprocessing.Value('i', 0)` de Python: se lee y se
 * escribe con `.value`. `contador.value += 1` son tres pasos (leer, sumar, escribir) que
 * otro thread puede cortar: para sumar sin perder nada, hazlo con un Lock.
 */
export class Value extends Compartido {
  constructor(inicial = 0) {
    super("Value", 1);
    if (this.nuevo) this.m[0] = inicial;
  }
  get value(): number {
    return this.m[0];
  }
  set value(nuevo: number) {
    this.m[0] = nuevo;
  }
}

/** Un objeto compartido dentro de un mensaje: su tipo y su número en el registro. */
const MARCA = "__compartido__";

/**
 * `postMessage` copia los datos pero pierde las clases (un Lock llegaría como un objeto sin
 * métodos). Cambiamos cada objeto compartido por su número en el registro y el worker lo
 * reconstruye sobre la misma memoria. Los Int32Array ya viajan bien: su SharedArrayBuffer
 * se comparte solo.
 */
function empaquetar(valor: unknown): unknown {
  if (valor instanceof Compartido) {
    if (valor.indice < 0) {
      throw new Error("un objeto compartido creado dentro de un worker no se puede enviar");
    }
    const lock = "lock" in valor ? empaquetar(valor.lock) : undefined; // el de una Condition
    return { [MARCA]: valor.indice, lock };
  }
  if (Array.isArray(valor)) return valor.map(empaquetar);
  if (
    valor !== null && typeof valor === "object" && Object.getPrototypeOf(valor) === Object.prototype
  ) {
    return Object.fromEntries(Object.entries(valor).map(([k, v]) => [k, empaquetar(v)]));
  }
  return valor;
}

// =======================================================================================
// 3. Atomics: sleep, Lock, Semaphore y Condition
// =======================================================================================

/** Una memoria en la que nadie escribe: para dormir con `Atomics.wait` sin esperar a nadie. */
const paraDormir = new Int32Array(new SharedArrayBuffer(4));

/**
 * `time.sleep(segundos)` de Python: duerme el thread (sin gastar CPU) con `Atomics.wait`.
 * `sleep(0)` cede el núcleo un instante, como en Python: el sistema aprovecha para dar el
 * turno a otro thread (dormir de verdad, aunque sea un microsegundo, lo obliga a elegir).
 */
export function sleep(segundos: number): void {
  cerrarGrupo();
  Atomics.wait(paraDormir, 0, 0, Math.max(segundos * 1000, 0.001));
}

const LIBRE = 0;
const COGIDO = 1;
const CON_ESPERA = 2; // cogido, y alguien duerme esperando a que se suelte

/**
 * Vueltas que `acquire()` mira si el Lock se suelta antes de echar una siesta. Quien lo
 * tiene suele soltarlo en nada. Con un solo núcleo no sirve de nada mirar: quien lo tiene
 * no avanza mientras miramos.
 */
const VUELTAS = navigator.hardwareConcurrency > 1 ? 20 : 0;

/**
 * `threading.Lock` de Python. Es un entero en memoria compartida: 0 libre, 1 cogido, 2
 * cogido y con alguien dormido esperando (así `release()` sabe si tiene que despertar a
 * alguien; si no, no gasta en avisar).
 */
export class Lock extends Compartido {
  constructor() {
    super("Lock", 1);
  }

  /**
   * Coge el Lock; si otro lo tiene, espera. Con `blocking` false no espera; con `timeout`
   * (segundos) espera como mucho eso. Devuelve si lo ha cogido.
   */
  acquire(blocking = true, timeout = -1): boolean {
    // 1. Libre: lo cogemos con una sola operación que nadie puede partir (0 -> 1).
    if (Atomics.compareExchange(this.m, 0, LIBRE, COGIDO) === LIBRE) return true;
    if (!blocking) return false;
    return this.#esperar(timeout < 0 ? Infinity : performance.now() + timeout * 1000);
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
      Atomics.wait(this.m, 0, CON_ESPERA, queda);
    }
    return true;
  }

  /** Suelta el Lock y, si alguien duerme esperándolo, despierta a uno. */
  release(): void {
    // Restamos 1. Si era 1, queda 0 (libre) y nadie esperaba: ya está. Si era 2, había
    // alguien dormido: lo dejamos en 0 (libre) y despertamos a uno, que volverá a intentarlo.
    const antes = Atomics.sub(this.m, 0, 1);
    if (antes === COGIDO) return;
    if (antes === LIBRE) {
      Atomics.store(this.m, 0, LIBRE);
      throw new Error("release() de un Lock que no está cogido");
    }
    Atomics.store(this.m, 0, LIBRE);
    Atomics.notify(this.m, 0, 1);
  }

  /** ¿Está cogido ahora mismo? */
  locked(): boolean {
    return Atomics.load(this.m, 0) !== LIBRE;
  }
}

/**
 * `threading.Semaphore(value)` de Python: un contador de plazas libres. `acquire()` ocupa
 * una (si no queda ninguna, espera a que alguien la devuelva); `release()` la devuelve.
 * Memoria: [0] plazas libres, [1] threads dormidos esperando plaza.
 */
export class Semaphore extends Compartido {
  constructor(value = 1) {
    super("Semaphore", 2);
    if (this.nuevo) this.m[0] = value;
  }

  /** Ocupa una plaza. Con `blocking` false o con `timeout` (segundos) devuelve si la ha ocupado. */
  acquire(blocking = true, timeout: number | null = null): boolean {
    const limite = timeout === null ? Infinity : performance.now() + timeout * 1000;
    for (let vuelta = 0;; vuelta++) {
      const libres = Atomics.load(this.m, 0);
      if (libres > 0) {
        // Ocupamos una plaza solo si nadie ha cambiado el número desde que lo leímos.
        if (Atomics.compareExchange(this.m, 0, libres, libres - 1) === libres) return true;
      } else if (!blocking) {
        return false;
      } else if (vuelta >= VUELTAS_SEMAFORO) {
        cerrarGrupo();
        // Sin plazas: a dormir mientras [0] siga a 0 (release() cambia el número y avisa).
        const queda = limite - performance.now();
        if (queda <= 0) return false;
        Atomics.add(this.m, 1, 1);
        Atomics.wait(this.m, 0, 0, queda);
        Atomics.sub(this.m, 1, 1);
      }
    }
  }

  /** Devuelve `n` plazas y despierta a tantos dormidos como plazas devuelve. */
  release(n = 1): void {
    Atomics.add(this.m, 0, n);
    if (Atomics.load(this.m, 1) > 0) Atomics.notify(this.m, 0, n);
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
  readonly lock: Lock;

  constructor(lock?: Lock) {
    const elLock = lock ?? new Lock();
    super("Condition", 2 + ESPERAS);
    this.lock = elLock;
  }

  acquire(blocking = true, timeout = -1): boolean {
    return this.lock.acquire(blocking, timeout);
  }

  release(): void {
    this.lock.release();
  }

  /**
   * Suelta el lock, espera un `notify()` (o `timeout` segundos) y vuelve a coger el lock.
   * Devuelve false si se acabó el tiempo.
   */
  wait(timeout: number | null = null): boolean {
    this.#conElLock("wait");
    const turno = this.m[1]++; // con el lock cogido: nadie más saca turno a la vez
    this.lock.release();
    cerrarGrupo();

    const limite = timeout === null ? Infinity : performance.now() + timeout * 1000;
    let atendidos;
    while ((atendidos = Atomics.load(this.m, 0)) <= turno) {
      const queda = limite - performance.now();
      if (queda <= 0) break;
      Atomics.wait(this.m, 0, atendidos, queda);
    }

    this.lock.acquire();
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
    if (!this.lock.locked()) {
      throw new Error(
        `${metodo}() de una Condition necesita su lock cogido: llama antes a acquire()`,
      );
    }
  }
}

// =======================================================================================
// 4. Los threads que se arrancan juntos salen juntos
// =======================================================================================

/** Un worker recién creado y su orden, sin la barrera: se la da `cerrarGrupo`. */
type Pendiente = [Worker, Pick<Orden, "modulo" | "target" | "args">];

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

function desempaquetar(valor: unknown): unknown {
  if (Array.isArray(valor)) return valor.map(desempaquetar);
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
  const lock = objeto.lock === undefined ? undefined : desempaquetar(objeto.lock) as Lock;
  reconstruyendo = { entrada, indice };
  switch (entrada.tipo) {
    case "Lock":
      return new Lock();
    case "Semaphore":
      return new Semaphore();
    case "Condition":
      return new Condition(lock);
    case "Value":
      return new Value();
    default:
      return new Enteros(entrada.memoria.byteLength / 4).enteros;
  }
}

/**
 * Importa el módulo de un thread con el registro (punto 2): sus objetos de nivel de módulo
 * toman la memoria del principal, en orden. Exportada para concurrent_futures.ts: los
 * workers de su pool ejecutan una función suya e importan con esto el módulo del ejemplo,
 * donde están las tareas. Importar otra vez un módulo ya importado no lo vuelve a ejecutar.
 */
export async function importarElModulo(url: string): Promise<Record<string, unknown>> {
  importandoElEjemplo = true;
  try {
    return await import(url);
  } finally {
    importandoElEjemplo = false;
  }
}

if (enUnWorker) {
  const worker = self as unknown as {
    onmessage: ((evento: MessageEvent<Orden>) => void) | null;
    postMessage(mensaje: Respuesta): void;
  };
  // Sin await en el nivel de módulo: el ejemplo importa este fichero, y esperar aquí a que
  // se importe el ejemplo sería esperarse a sí mismo.
  worker.onmessage = async ({ data: orden }) => {
    worker.onmessage = null;
    try {
      registro.push(...orden.registro);
      const modulo = await importarElModulo(orden.modulo);
      const tarea = modulo[orden.target];
      if (typeof tarea !== "function") {
        worker.postMessage({
          error: `El thread ${self.name} no encuentra la función ${orden.target}: ` +
            `escribe «export function ${orden.target}» para que el thread pueda usarla.`,
        });
        return;
      }
      const args = desempaquetar(orden.args) as unknown[];
      barreraDeSalida(orden.barrera, orden.total);
      await tarea(...args);
      worker.postMessage({});
    } catch (error) {
      const mensaje = error instanceof Error ? error.message : String(error);
      worker.postMessage({ error: `Error en el thread ${self.name}: ${mensaje}` });
    }
  };
}

// =======================================================================================
// Fin de la lección. Lo que sigue es para los ejemplos: los errores del alumno y las opciones
// =======================================================================================

/** Los permisos de la orden de los ejemplos de threads/ (`leerOpciones` puede dar otros). */
let permisos = "--allow-read";

/** Termina con un error que el alumno puede arreglar: una frase en stderr y código 1. */
export function terminarConError(frase: string): never {
  console.error(frase);
  Deno.exit(1);
}

/** `No hay permiso para <qué>. Ejecuta: <la orden completa>`, y código 1. */
export function sinPermiso(que: string): never {
  terminarConError(`No hay permiso para ${que}. Ejecuta: ${ordenParaPegar()}`);
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

/**
 * La orden que el alumno puede copiar y pegar: `deno run <permisos> threads/x.ts`, con las
 * opciones que escribió (entre comillas simples las que el shell partiría).
 */
export function ordenParaPegar(): string {
  const opciones = Deno.args.map((a) => /^[\w\-.=\/,:@]+$/.test(a) ? a : `'${a}'`);
  return [`deno run ${permisos} ${scriptDeLaOrden()}`, ...opciones].join(" ");
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
// sockets/red.ts: usa `permisos` y `scriptDeLaOrden()`, que cada módulo define arriba.
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

/** Lo que se escribe tras `--nombre` en el uso y en la ayuda: `N`, `a|b`, `X` o nada. */
function valorDe(o: Opcion): string {
  if ("bandera" in o) return "";
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

/** Cada opción visible con su valor por defecto, una por línea, para `--help`. */
function lineasDeAyuda(opciones: Record<string, Opcion>): string[] {
  const visibles = Object.entries(opciones).filter(([, o]) => o.ayuda !== "");
  const lineas = visibles.map(([nombre, o]) => {
    const rango = "min" in o ? `; de ${o.min} a ${o.max}` : "";
    const defecto = "bandera" in o ? "no" : o.defecto === "" ? "ninguno" : o.defecto;
    return `  --${nombre}${valorDe(o)}`.padEnd(30) + `${o.ayuda} (por defecto: ${defecto}${rango})`;
  });
  lineas.push("  -h, --help".padEnd(30) + "muestra esta ayuda");
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
    opciones,
    () => `deno run ${permisos} ${scriptDeLaOrden()}`,
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
