/**
 * Semáforo: como mucho 2 threads a la vez dentro de una zona (5 tareas, 2 plazas).
 *
 * El capítulo nombra los semáforos junto al Lock. Un Lock deja pasar a uno; un semáforo
 * cuenta plazas libres y deja pasar a tantos como plazas tenga: `acquire()` ocupa una (si no
 * queda ninguna, el thread espera dormido) y `release()` la devuelve y despierta a uno que
 * espera. Las 5 tareas arrancan a la vez, pero solo 2 entran; cada una pasa 50 ms dentro y,
 * al salir, deja su plaza a otra. Cada tarea anota cuántas hay dentro (`dentro`) y lo
 * imprime con el Lock cogido: cada línea sale en el orden en que cambió la cuenta (sube 1 al
 * entrar, baja 1 al salir, nunca pasa de 2).
 *
 * @python Apartado 2 «Threads», los semáforos que menciona: Semaphore(2), acquire(), release()
 * @ejecutar deno run --allow-read threads/semaforo.ts
 * @copiar también threading.ts y traza.ts, a su lado: los importa de allí
 * @salida
 *   Tarea 4 entra (dentro: 1)
 *   Tarea 2 entra (dentro: 2)
 *   Tarea 4 sale (dentro: 1)
 *   Tarea 3 entra (dentro: 2)
 *   Tarea 2 sale (dentro: 1)
 *   Tarea 1 entra (dentro: 2)
 *   Tarea 3 sale (dentro: 1)
 *   Tarea 5 entra (dentro: 2)
 *   Tarea 1 sale (dentro: 1)
 *   Tarea 5 sale (dentro: 0)
 *   Como mucho hubo 2 tareas dentro a la vez (plazas: 2)
 * @cambia Qué tareas entran primero y en qué orden salen cambia en cada ejecución; los números de
 *   dentro nunca pasan de 2.
 */

import { entero, leerOpciones, Lock, Semaphore, sleep, Thread, Value } from "./threading.ts";

const lock = new Lock(); // para cambiar la cuenta e imprimirla sin que otro se cuele
const dentro = new Value(0); // tareas dentro ahora
const maximo = new Value(0); // el máximo de tareas dentro a la vez

export function task(n: number, semaforo: Semaphore) {
  semaforo.acquire();

  lock.acquire();
  dentro.value += 1;
  maximo.value = Math.max(maximo.value, dentro.value);
  console.log(`Tarea ${n} entra (dentro: ${dentro.value})`);
  lock.release();

  sleep(0.05); // el trabajo de la tarea: 50 ms

  lock.acquire();
  dentro.value -= 1;
  console.log(`Tarea ${n} sale (dentro: ${dentro.value})`);
  lock.release();

  semaforo.release();
}

if (import.meta.main) {
  const { tareas, plazas } = leerOpciones({
    tareas: entero(5, 1, 50, "tareas que quieren entrar"),
    plazas: entero(2, 1, 50, "plazas del semáforo"),
  });

  const semaforo = new Semaphore(plazas); // depende de --plazas: va a cada thread en `args`
  const threads = [];
  for (let n = 1; n <= tareas; n++) {
    threads.push(new Thread({ target: task, args: [n, semaforo] }));
  }

  for (const t of threads) t.start();
  for (const t of threads) await t.join();

  console.log(`Como mucho hubo ${maximo.value} tareas dentro a la vez (plazas: ${plazas})`);
}
