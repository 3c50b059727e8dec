/**
 * Barrier: los threads trabajan por fases, y nadie empieza una hasta que todos acaban la anterior.
 *
 * Cada trabajador tarda distinto en cada fase (al azar) y al acabarla espera en
 * `barrera.wait()`. Cuando llega el último, la Barrier ejecuta su acción (`faseCompleta`,
 * en el thread que llegó el último) y suelta a todos: empieza la fase siguiente. (`wait()`
 * devuelve además el orden de llegada: 0 el primero, 2 el último.)
 *
 * @python Apartado 2 «Threads», más allá del capítulo: threading.Barrier(parties, action) y wait()
 * @ejecutar deno run --allow-read threads/barrera.ts
 * @copiar también threading.ts y traza.ts, a su lado: los importa de allí
 * @salida
 *   Trabajador 3 acaba la fase 1 y espera
 *   Trabajador 2 acaba la fase 1 y espera
 *   Trabajador 1 acaba la fase 1 y espera
 *   == Fase 1 completa: los 3 pasan a la siguiente
 *   Trabajador 3 acaba la fase 2 y espera
 *   Trabajador 2 acaba la fase 2 y espera
 *   Trabajador 1 acaba la fase 2 y espera
 *   == Fase 2 completa: los 3 pasan a la siguiente
 *   Trabajador 1 acaba la fase 3 y espera
 *   Trabajador 3 acaba la fase 3 y espera
 *   Trabajador 2 acaba la fase 3 y espera
 *   == Fase 3 completa: los 3 pasan a la siguiente
 *   Fin: 3 trabajadores, 3 fases completas
 * @cambia El orden de los trabajadores dentro de cada fase; una fase termina siempre antes de que
 *   empiece la siguiente.
 */

import { Barrier, leerOpciones, sleep, Thread, Value } from "./threading.ts";

const TRABAJADORES = 3;
const FASES = 3;

const fase = new Value(1);

/** La acción de la Barrier: la ejecuta el último en llegar, antes de soltar a todos. */
export function faseCompleta() {
  console.log(`== Fase ${fase.value} completa: los ${TRABAJADORES} pasan a la siguiente`);
  fase.value += 1;
}

const barrera = new Barrier(TRABAJADORES, faseCompleta);

export function trabajador(n: number) {
  for (let f = 1; f <= FASES; f++) {
    sleep(Math.random() * 0.05); // el trabajo de la fase: cada uno tarda distinto
    console.log(`Trabajador ${n} acaba la fase ${f} y espera`);
    barrera.wait(); // espera a los demás
  }
}

if (import.meta.main) {
  leerOpciones({}); // sin opciones: solo -h y los errores de uso

  const threads = [];
  for (let n = 1; n <= TRABAJADORES; n++) {
    threads.push(new Thread({ target: trabajador, args: [n] }));
  }
  for (const t of threads) t.start();
  for (const t of threads) await t.join();

  const completas = fase.value - 1;
  console.log(`Fin: ${threads.length} trabajadores, ${completas} fases completas`);
}
