/**
 * Event: una bandera que varios threads esperan; al subirla con `set()`, salen todos a la vez.
 *
 * Cada corredor se pone en la línea de salida y espera con `salida.wait()`, sin gastar CPU.
 * El programa principal da la salida con `salida.set()`: despierta a todos de una vez, y un
 * `wait()` posterior ya no espera (la bandera queda subida hasta `clear()`). `listos` es solo
 * para que «¡Ya!» salga cuando todos esperan ya (en Python se suele poner un `sleep`).
 *
 * @python Apartado 2 «Threads», más allá del capítulo: threading.Event, set() y wait()
 * @ejecutar deno run --allow-read threads/evento.ts
 * @copiar también threading.ts y traza.ts, a su lado: los importa de allí
 * @salida
 *   Corredor 2 en la línea de salida
 *   Corredor 3 en la línea de salida
 *   Corredor 1 en la línea de salida
 *   Preparados, listos... ¡Ya!
 *   Corredor 3 sale
 *   Corredor 2 sale
 *   Corredor 1 sale
 *   Salieron los 3 corredores, todos después de «¡Ya!»
 * @cambia El orden de los corredores en cada grupo de líneas; «¡Ya!» siempre separa los dos grupos.
 */

import { entero, Event, leerOpciones, Semaphore, Thread } from "./threading.ts";

const salida = new Event();
const listos = new Semaphore(0);

export function corredor(n: number) {
  console.log(`Corredor ${n} en la línea de salida`);
  listos.release(); // «ya estoy»
  salida.wait(); // todos esperan aquí hasta el set()
  console.log(`Corredor ${n} sale`);
}

if (import.meta.main) {
  const { corredores } = leerOpciones({ corredores: entero(3, 1, 20, "threads que esperan") });

  const threads = [];
  for (let n = 1; n <= corredores; n++) {
    threads.push(new Thread({ target: corredor, args: [n] }));
  }
  for (const t of threads) t.start();

  for (const _ of threads) listos.acquire(); // uno por corredor en la línea
  console.log("Preparados, listos... ¡Ya!");
  salida.set();

  for (const t of threads) await t.join();
  console.log(`Salieron los ${threads.length} corredores, todos después de «¡Ya!»`);
}
