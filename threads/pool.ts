/**
 * Un pool de threads: pocos workers fijos para muchas tareas, con los resultados en orden.
 *
 * Arrancar un thread por tarea sale caro, y con más threads que núcleos no se va más rápido.
 * El pool arranca uno por núcleo (`navigator.hardwareConcurrency`, el `os.cpu_count()` de
 * Python); `map` pone ya todas las tareas en su cola y cada worker, al acabar una, coge la
 * siguiente. Los resultados salen en el orden de las tareas, aunque acaben en otro. En Python
 * `with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:` y
 * `for primos in pool.map(contarPrimos, datos):`; aquí `await using` y `for await`. La
 * función viaja por su nombre (lleva `export`). Cómo está hecho: concurrent_futures.ts.
 *
 * @python Apartado 2 «Threads», más allá del capítulo: concurrent.futures.ThreadPoolExecutor y
 *   pool.map
 * @ejecutar deno run --allow-read threads/pool.ts
 * @copiar también concurrent_futures.ts, queue.ts, threading.ts y traza.ts, a su lado: los importa
 *   de allí
 * @salida
 *   ThreadPoolExecutor-0_0: hay 2262 primos por debajo de 20000
 *   ThreadPoolExecutor-0_1: hay 33860 primos por debajo de 400000
 *   ThreadPoolExecutor-0_1: hay 1229 primos por debajo de 10000
 *   Tarea 1: 33860 primos por debajo de 400000
 *   Tarea 2: 2262 primos por debajo de 20000
 *   ThreadPoolExecutor-0_0: hay 25997 primos por debajo de 300000
 *   Tarea 3: 25997 primos por debajo de 300000
 *   Tarea 4: 1229 primos por debajo de 10000
 *   ThreadPoolExecutor-0_0: hay 3245 primos por debajo de 30000
 *   ThreadPoolExecutor-0_1: hay 17984 primos por debajo de 200000
 *   Tarea 5: 17984 primos por debajo de 200000
 *   Tarea 6: 3245 primos por debajo de 30000
 *   ThreadPoolExecutor-0_1: hay 669 primos por debajo de 5000
 *   ThreadPoolExecutor-0_0: hay 9592 primos por debajo de 100000
 *   Tarea 7: 9592 primos por debajo de 100000
 *   Tarea 8: 669 primos por debajo de 5000
 *   Pool cerrado tras 8 tareas (max_workers: 2)
 * @cambia Qué worker hace cada tarea y en qué orden terminan cambian en cada ejecución (y cuántos
 *   workers hay: uno por núcleo); los resultados salen siempre en el orden de las tareas.
 */

import { ThreadPoolExecutor } from "./concurrent_futures.ts";
import { current_thread, leerOpciones } from "./threading.ts";

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
