/**
 * Nombre de cada thread y pid de su proceso.
 *
 * `current_thread().name` de Python es el `name` con el que se crea el worker
 * (`new Worker(url, { name })`) y que el worker lee en `self.name`; el programa principal se
 * llama "MainThread", como en Python. `getpid()` es `Deno.pid`. Los tres pids son el mismo:
 * los workers son hilos de un único proceso, no procesos nuevos.
 *
 * @python Apartado 2 «Threads», segundo ejemplo: task1, task2, current_thread().name, getpid(), Thread(name=...)
 * @ejecutar deno run --allow-read threads/nombres_pid.ts
 * @salida
 *   Programa principal - Thread MainThread
 *   pid del proceso del programa principal: <pid>
 *   Tarea 1 - Thread tarea1  (en cualquier orden)
 *   pid del proceso de la tarea 1: <pid>  (en cualquier orden)
 *   Tarea 2 - Thread tarea2  (en cualquier orden)
 *   pid del proceso de la tarea 2: <pid>  (en cualquier orden)
 */

import { leerOpciones } from "../opciones.ts";
import { atenderThread, enUnWorker, Thread } from "./cuadrado_cubo.ts";

/** `current_thread()` de Python: el nombre del worker, o "MainThread" fuera de un worker. */
function current_thread(): { name: string } {
  return { name: enUnWorker ? self.name : "MainThread" };
}

function task1() {
  console.log(`Tarea 1 - Thread ${current_thread().name}`);
  console.log(`pid del proceso de la tarea 1: ${Deno.pid}`);
}

function task2() {
  console.log(`Tarea 2 - Thread ${current_thread().name}`);
  console.log(`pid del proceso de la tarea 2: ${Deno.pid}`);
}

if (import.meta.main && enUnWorker) {
  atenderThread({ task1, task2 });
} else if (import.meta.main) {
  leerOpciones("deno run --allow-read threads/nombres_pid.ts", {});

  console.log(`Programa principal - Thread ${current_thread().name}`);
  console.log(`pid del proceso del programa principal: ${Deno.pid}`);

  const t1 = new Thread(import.meta.url, { target: task1, name: "tarea1" });
  const t2 = new Thread(import.meta.url, { target: task2, name: "tarea2" });

  t1.start();
  t2.start();

  await t1.join();
  await t2.join();
}
