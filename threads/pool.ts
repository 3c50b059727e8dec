/**
 * Un pool de threads: pocos workers fijos para muchas tareas, con los resultados en orden.
 *
 * Arrancar un thread por tarea sale caro (un worker tarda milisegundos en cargar) y con más
 * threads que núcleos no se va más rápido. Un pool arranca tantos workers como núcleos
 * (`navigator.hardwareConcurrency`, el `os.cpu_count()` de Python) y cada uno, al acabar una
 * tarea, coge la siguiente libre. `map` devuelve los resultados en el orden de las tareas,
 * aunque terminen en otro: cada worker dice qué tarea ha terminado, y después el programa
 * principal imprime los resultados en orden. En Python:
 *
 *     with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
 *         for primos in pool.map(contarPrimos, datos):
 *             print(primos)
 *
 * Aquí el `with` es `await using` (al salir del bloque, el pool se cierra: espera a que sus
 * workers acaben) y el `for` es `for await`: cada resultado llega cuando está. Python trae
 * ThreadPoolExecutor y threading.ts no, así que está en este fichero, debajo de la tarea: una
 * cola en memoria compartida (cada worker coge la siguiente tarea con `compareExchange`, así
 * dos nunca cogen la misma) y `Atomics.waitAsync`, el `Atomics.wait` que el programa
 * principal puede esperar con `await` sin bloquearse. Las funciones viajan por su nombre,
 * como el `target` de un Thread, y los datos y los resultados son enteros.
 *
 * @python Apartado 2 «Threads», más allá del capítulo: concurrent.futures.ThreadPoolExecutor y pool.map
 * @ejecutar deno run --allow-read threads/pool.ts
 * @salida
 *   ThreadPoolExecutor-0_0: hay 2262 primos por debajo de 20000
 *   ThreadPoolExecutor-0_0: hay 25997 primos por debajo de 300000
 *   ThreadPoolExecutor-0_0: hay 1229 primos por debajo de 10000
 *   ThreadPoolExecutor-0_1: hay 33860 primos por debajo de 400000
 *   ThreadPoolExecutor-0_1: hay 3245 primos por debajo de 30000
 *   ThreadPoolExecutor-0_0: hay 17984 primos por debajo de 200000
 *   ThreadPoolExecutor-0_0: hay 669 primos por debajo de 5000
 *   Tarea 1: 33860 primos por debajo de 400000
 *   Tarea 2: 2262 primos por debajo de 20000
 *   Tarea 3: 25997 primos por debajo de 300000
 *   Tarea 4: 1229 primos por debajo de 10000
 *   Tarea 5: 17984 primos por debajo de 200000
 *   Tarea 6: 3245 primos por debajo de 30000
 *   ThreadPoolExecutor-0_1: hay 9592 primos por debajo de 100000
 *   Tarea 7: 9592 primos por debajo de 100000
 *   Tarea 8: 669 primos por debajo de 5000
 *   Pool cerrado tras 8 tareas (max_workers: 2)
 * @cambia Qué worker hace cada tarea y en qué orden terminan cambian en cada ejecución (y cuántos workers hay: uno por núcleo); los resultados salen siempre en el orden de las tareas.
 */

import { compartido, current_thread, leerOpciones, Thread } from "./threading.ts";

/** La tarea: cuántos primos hay por debajo de `hasta`, probando divisores (a propósito, despacio). */
export function contarPrimos(hasta: number): number {
  let primos = 0;
  for (let n = 2; n < hasta; n++) {
    let esPrimo = true;
    for (let d = 2; d * d <= n && esPrimo; d++) esPrimo = n % d !== 0;
    if (esPrimo) primos++;
  }
  console.log(`${current_thread().name}: hay ${primos} primos por debajo de ${hasta}`);
  return primos;
}

// ---------------------------------------------------------------------------------------
// ThreadPoolExecutor: lo que Python trae en concurrent.futures
// ---------------------------------------------------------------------------------------

const MAXIMO = 1000; // tareas que caben en la memoria de un pool
const LETRAS = 40; // letras que caben en el nombre de una función
const PUESTAS = 0; // estado[0]: tareas puestas en la cola
const COGIDAS = 1; // estado[1]: tareas que ya ha cogido algún worker
const CERRADO = 2; // estado[2]: 1 cuando el pool se cierra
const AVISOS = 3; // estado[3]: cambia con cada map y al cerrar (en él duermen los workers)

/** La memoria compartida de un pool: la cola de tareas y sus resultados. */
interface Cola {
  estado: Int32Array;
  funcion: Int32Array; // el nombre de la función de cada tarea, letra a letra
  dato: Int32Array;
  resultado: Int32Array;
  hecha: Int32Array; // 1 cuando el resultado está escrito
}

/** Escribe el nombre de la función de la tarea `i`, letra a letra (0 donde no hay letra). */
function ponerNombre(funcion: Int32Array, i: number, nombre: string) {
  for (let k = 0; k < LETRAS; k++) funcion[i * LETRAS + k] = nombre.charCodeAt(k) || 0;
}

function leerNombre(funcion: Int32Array, i: number): string {
  const letras = funcion.subarray(i * LETRAS, (i + 1) * LETRAS).filter((letra) => letra !== 0);
  return String.fromCharCode(...letras);
}

/** Lo que hace cada worker del pool hasta que se cierra: coger una tarea, hacerla, anotarla. */
export async function trabajador(cola: Cola) {
  const { estado, funcion, dato, resultado, hecha } = cola;
  // Este mismo módulo, ya cargado en el worker: de él sale la función de cada tarea.
  const modulo: Record<string, unknown> = await import(import.meta.url);
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
      resultado[i] = f(dato[i]);
      Atomics.store(hecha, i, 1);
      Atomics.notify(hecha, i); // por si el programa principal espera este resultado
    } else if (Atomics.load(estado, CERRADO)) {
      return;
    } else {
      Atomics.wait(estado, AVISOS, avisos); // sin tareas: a dormir hasta el próximo aviso
    }
  }
}

/** `concurrent.futures.ThreadPoolExecutor(max_workers=n)` de Python. */
class ThreadPoolExecutor {
  #cola: Cola = {
    estado: compartido(4),
    funcion: compartido(MAXIMO * LETRAS),
    dato: compartido(MAXIMO),
    resultado: compartido(MAXIMO),
    hecha: compartido(MAXIMO),
  };
  #threads: Thread[] = [];

  constructor({ max_workers }: { max_workers: number }) {
    for (let k = 0; k < max_workers; k++) {
      const name = `ThreadPoolExecutor-0_${k}`; // el nombre que les da Python
      this.#threads.push(new Thread({ target: trabajador, args: [this.#cola], name }));
    }
    for (const t of this.#threads) t.start();
  }

  /** Pone una tarea por dato y devuelve los resultados en el orden de los datos. */
  async *map(f: (dato: number) => number, datos: number[]): AsyncGenerator<number> {
    const { estado, funcion, dato, resultado, hecha } = this.#cola;
    const primera = Atomics.load(estado, PUESTAS);
    if (primera + datos.length > MAXIMO) {
      throw new Error(`un pool hace como mucho ${MAXIMO} tareas`);
    }
    if (f.name.length > LETRAS) throw new Error(`el nombre ${f.name} no cabe: ${LETRAS} letras`);
    datos.forEach((d, k) => {
      ponerNombre(funcion, primera + k, f.name);
      dato[primera + k] = d;
    });
    Atomics.store(estado, PUESTAS, primera + datos.length);
    this.#avisar();

    for (let i = primera; i < primera + datos.length; i++) {
      await Atomics.waitAsync(hecha, i, 0).value; // espera sin bloquear el programa principal
      yield resultado[i];
    }
  }

  /** Cierra el pool: los workers acaban lo que tengan y terminan. */
  async shutdown() {
    Atomics.store(this.#cola.estado, CERRADO, 1);
    this.#avisar();
    for (const t of this.#threads) await t.join();
  }

  /** Lo que hace `await using` al salir del bloque (el final del `with` de Python). */
  [Symbol.asyncDispose]() {
    return this.shutdown();
  }

  #avisar() {
    Atomics.add(this.#cola.estado, AVISOS, 1);
    Atomics.notify(this.#cola.estado, AVISOS);
  }
}

if (import.meta.main) {
  leerOpciones({}); // sin opciones: solo -h y los errores de uso

  const datos = [400_000, 20_000, 300_000, 10_000, 200_000, 30_000, 100_000, 5_000];
  const max_workers = navigator.hardwareConcurrency;
  {
    await using pool = new ThreadPoolExecutor({ max_workers });
    let tarea = 0;
    for await (const primos of pool.map(contarPrimos, datos)) {
      console.log(`Tarea ${tarea + 1}: ${primos} primos por debajo de ${datos[tarea]}`);
      tarea++;
    }
  } // aquí se cierra el pool
  console.log(`Pool cerrado tras ${datos.length} tareas (max_workers: ${max_workers})`);
}
