/**
 * concurrent_futures.ts: el `ThreadPoolExecutor` de `concurrent.futures` de Python, junto a
 * threading.ts (de él usa `Thread` e `importarElModulo`).
 *
 *   await using pool = new ThreadPoolExecutor({ max_workers: 2 })   un pool de workers
 *   for await (const r of pool.map(tarea, [1, 2, 3])) ...           los resultados, en orden
 *   await pool.shutdown()                               cerrar el pool (`await using` lo hace solo)
 *
 * Un pool son unos pocos threads que no acaban tras una tarea: cada uno coge la siguiente de
 * una cola en memoria compartida (con `compareExchange`, así dos nunca cogen la misma) hasta
 * que el pool se cierra. El programa principal espera cada resultado con `Atomics.waitAsync`,
 * el `Atomics.wait` que se puede esperar con `await` sin bloquear al principal.
 */

import { importarElModulo, Thread } from "./threading.ts";

const MAXIMO = 1000; // tareas que caben en la cola de un pool
const LETRAS = 40; // letras que caben en el nombre de una función
const PUESTAS = 0; // estado[0]: tareas puestas en la cola
const COGIDAS = 1; // estado[1]: tareas que ya ha cogido algún worker
const CERRADO = 2; // estado[2]: 1 cuando el pool se cierra
const AVISOS = 3; // estado[3]: cambia con cada map y al cerrar (en él duermen los workers)

/** La memoria compartida de un pool: la cola de tareas y sus resultados. */
interface Cola {
  estado: Int32Array;
  funcion: Int32Array; // el nombre de la función de cada tarea, letra a letra
  dato: Float64Array;
  resultado: Float64Array;
  hecha: Int32Array; // 1 cuando el resultado está escrito
}

/** `n` números de memoria compartida, fuera del registro: viajan en `args` (ver punto 2). */
const enteros = (n: number) => new Int32Array(new SharedArrayBuffer(4 * n));
const reales = (n: number) => new Float64Array(new SharedArrayBuffer(8 * n));

/** Escribe el nombre de la función de la tarea `i`, letra a letra (0 donde no hay letra). */
function ponerNombre(funcion: Int32Array, i: number, nombre: string) {
  for (let k = 0; k < LETRAS; k++) funcion[i * LETRAS + k] = nombre.charCodeAt(k) || 0;
}

function leerNombre(funcion: Int32Array, i: number): string {
  const letras = funcion.subarray(i * LETRAS, (i + 1) * LETRAS).filter((letra) => letra !== 0);
  return String.fromCharCode(...letras);
}

/**
 * Lo que hace cada worker del pool hasta que se cierra: coger una tarea, hacerla, anotar el
 * resultado. `deLasTareas` es el fichero del ejemplo: el worker lo importa con el registro
 * de memoria compartida (`importarElModulo` de threading.ts) y de él sale la función de cada
 * tarea, por su nombre, como el `target` de un Thread. Exportada: es el `target` de los
 * threads del pool, que la buscan por su nombre en este fichero.
 */
export async function trabajador(cola: Cola, deLasTareas: string) {
  const modulo = await importarElModulo(deLasTareas);
  const { estado, funcion, dato, resultado, hecha } = cola;
  for (;;) {
    const avisos = Atomics.load(estado, AVISOS);
    const i = Atomics.load(estado, COGIDAS);
    if (i < Atomics.load(estado, PUESTAS)) {
      // La cogemos solo si nadie la ha cogido desde que la miramos.
      if (Atomics.compareExchange(estado, COGIDAS, i, i + 1) !== i) continue;
      const nombre = leerNombre(funcion, i);
      const f = modulo[nombre];
      if (typeof f !== "function") {
        throw new Error(`no encuentra la función ${nombre}: escribe «export function ${nombre}»`);
      }
      resultado[i] = await f(dato[i]);
      Atomics.store(hecha, i, 1);
      Atomics.notify(hecha, i); // por si el programa principal espera este resultado
    } else if (Atomics.load(estado, CERRADO)) {
      return;
    } else {
      Atomics.wait(estado, AVISOS, avisos); // sin tareas: a dormir hasta el próximo aviso
    }
  }
}

/** Cuántos pools se han creado: Python numera sus threads `ThreadPoolExecutor-<pool>_<k>`. */
let pools = 0;

/**
 * `concurrent.futures.ThreadPoolExecutor(max_workers=n)` de Python: `max_workers` threads
 * (por defecto, uno por núcleo) que se reparten las tareas de `map`. En Python se usa con
 * `with`; aquí con `await using`, que al salir del bloque llama a `shutdown()`:
 *
 *   {
 *     await using pool = new ThreadPoolExecutor({ max_workers: 2 });
 *     for await (const r of pool.map(contarPrimos, datos)) console.log(r);
 *   } // aquí el pool se cierra
 *
 * Límites: la función de `map` está exportada (viaja por su nombre, como el `target` de un
 * Thread), recibe un número y devuelve un número; un pool hace como mucho 1000 tareas.
 * `modulo` casi nunca hace falta: el fichero de las funciones (por defecto, el programa).
 */
export class ThreadPoolExecutor {
  readonly max_workers: number;
  #cola: Cola = {
    estado: enteros(4),
    funcion: enteros(MAXIMO * LETRAS),
    dato: reales(MAXIMO),
    resultado: reales(MAXIMO),
    hecha: enteros(MAXIMO),
  };
  #threads: Thread[] = [];

  constructor(
    { max_workers = navigator.hardwareConcurrency, modulo = Deno.mainModule }: {
      max_workers?: number;
      modulo?: string;
    } = {},
  ) {
    if (!Number.isInteger(max_workers) || max_workers < 1) {
      throw new Error(`max_workers debe ser un entero mayor que 0 (se recibió ${max_workers})`);
    }
    this.max_workers = max_workers;
    const pool = pools++;
    for (let k = 0; k < max_workers; k++) {
      const name = `ThreadPoolExecutor-${pool}_${k}`; // el nombre que les da Python
      this.#threads.push(
        new Thread({
          target: trabajador,
          args: [this.#cola, modulo],
          name,
          modulo: import.meta.url, // `trabajador` está en este fichero
        }),
      );
    }
    for (const t of this.#threads) t.start();
  }

  /**
   * Pone una tarea por dato y devuelve los resultados en el orden de los datos, cada uno en
   * cuanto está (aunque otros, de tareas posteriores, hayan acabado antes).
   *
   * No comprueba aquí, en el programa principal, que `f` esté exportada: haría falta
   * `await import(Deno.mainModule)`, y mientras el programa está en su `await` de nivel de
   * módulo ese import espera a que el programa acabe de cargarse, que espera a ese import:
   * no se resolvería nunca. Lo comprueba el worker, que ya tiene el módulo cargado.
   */
  async *map(f: (dato: number) => number, datos: Iterable<number>): AsyncGenerator<number> {
    const { estado, funcion, dato, resultado, hecha } = this.#cola;
    if (Atomics.load(estado, CERRADO)) throw new Error("map() de un pool ya cerrado");
    const lista = [...datos];
    const primera = Atomics.load(estado, PUESTAS);
    if (primera + lista.length > MAXIMO) {
      throw new Error(`un pool hace como mucho ${MAXIMO} tareas`);
    }
    if (f.name.length > LETRAS) throw new Error(`el nombre ${f.name} no cabe: ${LETRAS} letras`);
    lista.forEach((d, k) => {
      ponerNombre(funcion, primera + k, f.name);
      dato[primera + k] = d;
    });
    Atomics.store(estado, PUESTAS, primera + lista.length);
    this.#avisar();

    for (let i = primera; i < primera + lista.length; i++) {
      // Espera sin bloquear al principal. `Atomics.waitAsync` sola no mantiene vivo el
      // programa de Deno (si no queda nada más pendiente, acaba sin esperarla): lo que lo
      // mantiene vivo son los workers del pool, en marcha hasta `shutdown()`.
      await Atomics.waitAsync(hecha, i, 0).value;
      yield resultado[i];
    }
  }

  /** Cierra el pool: los workers acaban lo que tengan y terminan; espera a que acaben. */
  async shutdown(): Promise<void> {
    Atomics.store(this.#cola.estado, CERRADO, 1);
    this.#avisar();
    for (const t of this.#threads) await t.join();
  }

  /** Lo que hace `await using` al salir del bloque (el final del `with` de Python). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  /** Despierta a los workers dormidos: hay tareas nuevas, o el pool se cierra. */
  #avisar() {
    Atomics.add(this.#cola.estado, AVISOS, 1);
    Atomics.notify(this.#cola.estado, AVISOS);
  }
}
