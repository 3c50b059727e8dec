/**
 * Condición de carrera: dos threads sobre lo mismo, sin ningún orden entre ellos.
 *
 * Primero el ejemplo del capítulo: task1 y task2 imprimen 5 líneas cada una, y sus líneas
 * pueden mezclarse. Después la carrera con números: dos threads suman 1 a un contador
 * compartido, 500 veces cada uno. Sumar 1 (`contador += 1` en Python) es leer, sumar y
 * escribir: si el otro thread escribe en medio, este escribe encima un valor viejo y la suma
 * del otro se pierde. `sleep(0)` cede el turno justo ahí, como si el sistema cambiara de
 * thread entre los dos pasos: la carrera se ve siempre, con un núcleo o con varios. lock.ts
 * la arregla.
 *
 * @python Apartado 2 «Threads», tercer ejemplo: task1, task2 sin Lock (condición de carrera)
 * @ejecutar deno run --allow-read threads/carrera.ts
 * @copiar también threading.ts y traza.ts, a su lado: los importa de allí
 * @salida
 *   Tarea 1
 *   Tarea 1
 *   Tarea 1
 *   Tarea 1
 *   Tarea 1
 *   Tarea 2
 *   Tarea 2
 *   Tarea 2
 *   Tarea 2
 *   Tarea 2
 *   Contador: 500 (esperado 1000)
 * @cambia Las líneas de Tarea 1 y Tarea 2 pueden salir mezcladas o una tarea detrás de otra, en
 *   cualquier orden; el contador se queda corto por una cantidad distinta cada vez.
 */

import { entero, leerOpciones, sleep, Thread, Value } from "./threading.ts";

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
    const leido = contador.value; // leer
    sleep(0); // ceder el turno: el otro thread lee el mismo valor
    contador.value = leido + 1; // sumar y escribir
  }
}

if (import.meta.main) {
  const { veces } = leerOpciones({ veces: entero(500, 1, 10_000, "sumas de cada thread") });

  const t1 = new Thread({ target: task1 });
  const t2 = new Thread({ target: task2 });
  const sumadores = [1, 2].map(() => new Thread({ target: sumar, args: [veces] }));

  for (const t of [t1, t2, ...sumadores]) t.start();
  for (const t of [t1, t2, ...sumadores]) await t.join();

  // Lo esperado, de lo que de verdad se arrancó: cada sumador suma `veces`.
  console.log(`Contador: ${contador.value} (esperado ${sumadores.length * veces})`);
}
