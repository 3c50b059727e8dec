/**
 * Condición de carrera: dos threads sobre lo mismo, sin ningún orden entre ellos.
 *
 * Primero el ejemplo del capítulo: task1 y task2 imprimen 5 líneas cada una y sus líneas
 * pueden mezclarse. Para que de verdad corran a la vez, los dos workers esperan en una
 * barrera de salida y arrancan juntos (un worker tarda en cargar; sin barrera, el primero
 * suele terminar antes de que empiece el segundo y la carrera no se ve).
 *
 * Después la carrera hecha visible: los dos threads suman 1 a un contador de memoria
 * compartida (SharedArrayBuffer) `--veces` veces cada uno, con una lectura, una suma y una
 * escritura normales. Si los dos leen el mismo valor a la vez, los dos escriben el mismo
 * resultado y una de las sumas se pierde. Con 2 núcleos se pierden sumas en casi todas las
 * ejecuciones, y el número cambia de una a otra.
 *
 * @python Apartado 2 «Threads», tercer ejemplo: task1, task2 sin Lock (condición de carrera)
 * @ejecutar deno run --allow-read threads/carrera.ts
 * @salida
 *   Tarea 1  (en cualquier orden)
 *   Tarea 1  (en cualquier orden)
 *   Tarea 1  (en cualquier orden)
 *   Tarea 1  (en cualquier orden)
 *   Tarea 1  (en cualquier orden)
 *   Tarea 2  (en cualquier orden)
 *   Tarea 2  (en cualquier orden)
 *   Tarea 2  (en cualquier orden)
 *   Tarea 2  (en cualquier orden)
 *   Tarea 2  (en cualquier orden)
 *   Contador: <obtenido> (esperado 2000000)
 *   Actualizaciones perdidas: <perdidas>
 */

import { leerOpciones } from "../opciones.ts";
import { atenderThread, enUnWorker, Thread } from "./cuadrado_cubo.ts";

/**
 * Barrera de salida: cada thread suma 1 a `llegados` y espera a que hayan llegado los
 * `total`; entonces salen todos a la vez. Esperan mirando el contador sin dormirse, para
 * salir con microsegundos de diferencia (despertar a un thread dormido cuesta más que
 * imprimir 5 líneas); si los demás tardan demasiado, se duermen hasta que lleguen.
 * (La reutilizan lock.ts y otros ejemplos.)
 */
export function barrera(llegados: Int32Array, total: number): void {
  Atomics.add(llegados, 0, 1);
  Atomics.notify(llegados, 0);
  for (let vuelta = 0; vuelta < 20_000_000; vuelta++) {
    if (Atomics.load(llegados, 0) >= total) return;
  }
  let vistos;
  while ((vistos = Atomics.load(llegados, 0)) < total) Atomics.wait(llegados, 0, vistos);
}

function task1(salida: Int32Array) {
  barrera(salida, 2);
  for (let i = 0; i < 5; i++) {
    console.log("Tarea 1");
  }
}

function task2(salida: Int32Array) {
  barrera(salida, 2);
  for (let i = 0; i < 5; i++) {
    console.log("Tarea 2");
  }
}

/** Suma 1 al contador `veces` veces: leer, sumar y escribir, sin protección ninguna. */
function sumar(contador: Int32Array, salida: Int32Array, veces: number) {
  barrera(salida, 2);
  for (let i = 0; i < veces; i++) {
    contador[0] = contador[0] + 1;
  }
}

/** Memoria compartida para `n` enteros de 32 bits, que todos los workers ven. */
export function memoriaCompartida(n = 1): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * n));
}

if (import.meta.main && enUnWorker) {
  atenderThread({ task1, task2, sumar });
} else if (import.meta.main) {
  const { veces } = leerOpciones("deno run --allow-read threads/carrera.ts [--veces N]", {
    veces: { defecto: 1_000_000, min: 1, max: 100_000_000 },
  });

  // Los dos threads comparten la barrera de salida.
  const salidaJuntos = memoriaCompartida();
  const t1 = new Thread(import.meta.url, { target: task1, args: [salidaJuntos] });
  const t2 = new Thread(import.meta.url, { target: task2, args: [salidaJuntos] });

  t1.start();
  t2.start();

  await t1.join();
  await t2.join();

  // La carrera, con números: dos threads y un contador compartido.
  const contador = memoriaCompartida();
  const salida = memoriaCompartida();
  const s1 = new Thread(import.meta.url, { target: sumar, args: [contador, salida, veces] });
  const s2 = new Thread(import.meta.url, { target: sumar, args: [contador, salida, veces] });
  s1.start();
  s2.start();
  await s1.join();
  await s2.join();

  console.log(`Contador: ${contador[0]} (esperado ${2 * veces})`);
  console.log(`Actualizaciones perdidas: ${2 * veces - contador[0]}`);
}
