/**
 * Nombre de cada thread y pid de su proceso.
 *
 * `current_thread().name` es el nombre con que se crea el thread (`name: "tarea1"`); el
 * programa principal se llama "MainThread", como en Python. `getpid()` es `Deno.pid`. Los
 * tres pids son el mismo: los threads (workers) son hilos de un único proceso, no procesos
 * nuevos.
 *
 * @python Apartado 2 «Threads», segundo ejemplo: task1, task2, current_thread().name, getpid(),
 *   Thread(name=...)
 * @ejecutar deno run --allow-read threads/nombres_pid.ts
 * @copiar también threading.ts y traza.ts, a su lado: los importa de allí
 * @salida
 *   Programa principal - Thread MainThread
 *   pid del proceso del programa principal: 11519
 *   Tarea 2 - Thread tarea2
 *   pid del proceso de la tarea 2: 11519
 *   Tarea 1 - Thread tarea1
 *   pid del proceso de la tarea 1: 11519
 * @cambia El pid cambia en cada ejecución (pero es el mismo en las tres líneas), y las líneas de
 *   las dos tareas pueden mezclarse.
 */

import { current_thread, leerOpciones, Thread } from "./threading.ts";

export function task1() {
  console.log(`Tarea 1 - Thread ${current_thread().name}`);
  console.log(`pid del proceso de la tarea 1: ${Deno.pid}`);
}

export function task2() {
  console.log(`Tarea 2 - Thread ${current_thread().name}`);
  console.log(`pid del proceso de la tarea 2: ${Deno.pid}`);
}

if (import.meta.main) {
  leerOpciones({});

  console.log(`Programa principal - Thread ${current_thread().name}`);
  console.log(`pid del proceso del programa principal: ${Deno.pid}`);

  const t1 = new Thread({ target: task1, name: "tarea1" });
  const t2 = new Thread({ target: task2, name: "tarea2" });

  t1.start();
  t2.start();

  await t1.join();
  await t2.join();
}
