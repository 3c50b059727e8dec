/**
 * Lock (cerrojo, exclusión mutua): solo un thread a la vez dentro de la sección crítica.
 *
 * Como en Python, el Lock se crea una vez a nivel de módulo (`const lock = new Lock()`) y
 * es el mismo en los dos threads. Cada tarea lo coge antes de imprimir y lo suelta después:
 * sus 5 líneas salen de un tirón, dos bloques enteros en cada ejecución (primero el del
 * thread que coge antes el Lock). Y el contador de carrera.ts, con cada `+= 1` dentro del
 * Lock, da exacto siempre. Cómo está hecho el Lock (Atomics sobre memoria compartida):
 * threading.ts.
 *
 * @python Apartado 2 «Threads», cuarto ejemplo: Lock(), lock.acquire(), lock.release()
 * @ejecutar deno run --allow-read threads/lock.ts
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
 *   Contador: 1000 (esperado 1000)
 * @cambia El bloque de la Tarea 2 puede salir antes que el de la Tarea 1, pero cada bloque sale
 *   entero; el contador es siempre exacto.
 */

import { entero, leerOpciones, Lock, sleep, Thread, Value } from "./threading.ts";

const lock = new Lock();
const contador = new Value(0);

export function task1() {
  lock.acquire();

  for (let i = 0; i < 5; i++) {
    console.log("Tarea 1");
  }

  lock.release();
}

export function task2() {
  lock.acquire();

  for (let i = 0; i < 5; i++) {
    console.log("Tarea 2");
  }

  lock.release();
}

// El contador de carrera.ts, con cada suma dentro del Lock: ya no se pierde ninguna.
export function sumar(veces: number) {
  for (let i = 0; i < veces; i++) {
    lock.acquire();
    const leido = contador.value;
    sleep(0); // aunque ceda el turno, el otro thread espera al Lock
    contador.value = leido + 1;
    lock.release();
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
