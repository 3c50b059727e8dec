/**
 * Condición de carrera: dos threads sobre lo mismo, sin ningún orden entre ellos.
 *
 * Primero el ejemplo del capítulo: task1 y task2 imprimen 5 líneas cada una, y sus líneas
 * pueden mezclarse. Después la carrera con números: dos threads suman 1 a un contador
 * compartido (`contador.value += 1`), muchas veces cada uno. Ese `+= 1` son tres pasos:
 * leer el valor, sumarle 1 y escribirlo. Si el otro thread escribe entre el leer y el
 * escribir de este, este escribe encima un valor viejo y las sumas del otro se pierden.
 * Pasa con 2 núcleos (los dos suman a la vez) y también con uno solo: el sistema reparte
 * el núcleo a trozos de unos milisegundos y puede parar a un thread justo entre el leer y
 * el escribir. Por eso cada thread suma muchas veces: su trabajo dura más que un trozo.
 * lock.ts arregla las dos carreras con un Lock.
 *
 * @python Apartado 2 «Threads», tercer ejemplo: task1, task2 sin Lock (condición de carrera)
 * @ejecutar deno run --allow-read threads/carrera.ts
 * @salida
 *   Tarea 2
 *   Tarea 1
 *   Tarea 2
 *   Tarea 2
 *   Tarea 2
 *   Tarea 1
 *   Tarea 2
 *   Tarea 1
 *   Tarea 1
 *   Tarea 1
 *   Contador: 15473744 (esperado 20000000)
 * @cambia Las líneas de Tarea 1 y Tarea 2 salen mezcladas de otra forma en cada ejecución, y el contador se queda corto por una cantidad distinta cada vez.
 */

import { entero, leerOpciones, Thread, Value } from "./threading.ts";

const contador = new Value(0);

export function task1() {
  for (let i = 0; i < 5; i++) {
    console.log("Tarea 1");
  }
}

export function task2() {
  for (let i = 0; i < 5; i++) {
    console.log("Tarea 2");
  }
}

export function sumar(veces: number) {
  for (let i = 0; i < veces; i++) {
    contador.value += 1; // leer, sumar, escribir: el otro thread puede colarse entre medias
  }
}

if (import.meta.main) {
  const { veces } = leerOpciones({ veces: entero(10_000_000, 1, 10 ** 9, "sumas de cada thread") });

  const t1 = new Thread({ target: task1 });
  const t2 = new Thread({ target: task2 });
  const s1 = new Thread({ target: sumar, args: [veces] });
  const s2 = new Thread({ target: sumar, args: [veces] });

  for (const t of [t1, t2, s1, s2]) t.start();
  for (const t of [t1, t2, s1, s2]) await t.join();

  console.log(`Contador: ${contador.value} (esperado ${2 * veces})`);
}
