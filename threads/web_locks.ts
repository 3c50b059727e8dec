/**
 * Web Locks: el cerrojo que trae el propio runtime, `navigator.locks.request(nombre, callback)`.
 *
 * El contador de lock.ts con el cerrojo de la plataforma web en vez del Lock de threading.ts:
 * `request("contador", callback)` espera a que el cerrojo "contador" esté libre, ejecuta el
 * callback con él cogido y lo suelta al terminar, aunque lance un error. Es asíncrono:
 * mientras espera, el thread no se bloquea, así que aquí también suma el programa principal.
 * Cuesta unas 300 veces más por vuelta que el Lock (bench/web_locks_bench.ts): para un
 * `+= 1`, el Lock; para una sección crítica que hace `await` (un fichero, la red), Web Locks.
 * `cambios` cuenta las veces que el cerrojo pasó de uno a otro: los tres se turnan de verdad.
 *
 * @python Apartado 2 «Threads», más allá del capítulo: el Lock del cuarto ejemplo con el cerrojo
 *   del runtime (Web Locks)
 * @ejecutar deno run --allow-read threads/web_locks.ts
 * @copiar también threading.ts y traza.ts, a su lado: los importa de allí
 * @salida
 *   Contador: 30000 (esperado 30000)
 *   El cerrojo pasó de uno a otro 4017 veces
 * @cambia Las veces que el cerrojo pasa de uno a otro cambian en cada ejecución; el contador es
 *   siempre exacto.
 */

import { entero, leerOpciones, Thread, Value } from "./threading.ts";

// Deno 2.9 trae navigator.locks, pero sus tipos todavía no lo declaran: lo que usamos, aquí.
declare global {
  interface Navigator {
    readonly locks: { request<T>(nombre: string, callback: () => T): Promise<Awaited<T>> };
  }
}

const contador = new Value(0);
const ultimo = new Value(0); // quién tuvo el cerrojo la última vez: 0 el principal, 1 o 2
const cambios = new Value(0); // cuántas veces pasó de uno a otro

// El cerrojo no vive en memoria compartida: los workers de un proceso (y su programa
// principal) lo piden por su nombre y el runtime los pone en fila. Cada `request` pasa por el
// runtime y por una promesa: unos 10 µs por vuelta con 2 threads, frente a los 30-50 ns del
// Lock de Atomics. Y como se espera con `await`, en el principal no lo congela (un
// `lock.acquire()` de Atomics sí).
export async function sumar(quien: number, veces: number) {
  for (let i = 0; i < veces; i++) {
    await navigator.locks.request("contador", () => {
      contador.value += 1;
      if (ultimo.value !== quien) cambios.value += 1;
      ultimo.value = quien;
    });
  }
}

if (import.meta.main) {
  const { veces } = leerOpciones({ veces: entero(10_000, 1, 1_000_000, "sumas de cada uno") });

  const threads = [1, 2].map((quien) => new Thread({ target: sumar, args: [quien, veces] }));

  for (const t of threads) t.start();
  await sumar(0, veces); // el programa principal también suma, con el mismo cerrojo
  for (const t of threads) await t.join();

  // Lo esperado, de los que de verdad sumaron: cada thread y el principal, `veces` cada uno.
  console.log(`Contador: ${contador.value} (esperado ${(threads.length + 1) * veces})`);
  console.log(`El cerrojo pasó de uno a otro ${cambios.value} veces`);
}
