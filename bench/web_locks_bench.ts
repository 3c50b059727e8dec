// Web Locks (navigator.locks) frente al Lock de threading.ts (Atomics), con threads/web_locks.ts.
//
// Ejecutar: deno bench --allow-read bench/web_locks_bench.ts
//
// Dos threads suman a la vez en un contador compartido, cada suma dentro del cerrojo:
// - 2 x 10.000 sumas con navigator.locks.request("contador", ...);
// - 2 x 10.000 y 2 x 1.000.000 sumas entre lock.acquire() y lock.release().
// Se mide desde que los dos threads, ya arrancados y esperando en una salida común, salen a la
// vez, hasta que los dos han terminado (sin el arranque de los workers). Coste por vuelta ≈
// medida / (2 x sumas). Cada medida comprueba que el contador es exacto.

import { compartido, Lock, Thread, Value } from "../threads/threading.ts";

declare global {
  interface Navigator {
    readonly locks: { request<T>(nombre: string, callback: () => T): Promise<Awaited<T>> };
  }
}

/** La salida común: [0] threads listos, [1] 1 cuando pueden empezar. */
function esperarSalida(salida: Int32Array) {
  Atomics.add(salida, 0, 1);
  Atomics.notify(salida, 0);
  Atomics.wait(salida, 1, 0);
}

export async function conWebLocks(salida: Int32Array, contador: Value, veces: number) {
  esperarSalida(salida);
  for (let i = 0; i < veces; i++) {
    await navigator.locks.request("contador", () => {
      contador.value += 1;
    });
  }
}

export function conLock(salida: Int32Array, contador: Value, veces: number, lock: Lock) {
  esperarSalida(salida);
  for (let i = 0; i < veces; i++) {
    lock.acquire();
    contador.value += 1;
    lock.release();
  }
}

/**
 * Arranca dos threads con `target`, espera a que estén listos y mide (b.start/b.end) desde
 * que salen juntos hasta que acaban los dos. Después comprueba el contador.
 */
async function dosThreads(
  b: Deno.BenchContext,
  target: (...args: never[]) => unknown,
  veces: number,
  ...mas: unknown[]
) {
  const salida = compartido(2);
  const contador = new Value(0);
  const args = [salida, contador, veces, ...mas];
  const threads = [1, 2].map(() => new Thread({ target, args, modulo: import.meta.url }));
  for (const t of threads) t.start();
  for (let listos; (listos = Atomics.load(salida, 0)) < 2;) {
    await Atomics.waitAsync(salida, 0, listos).value;
  }
  b.start();
  Atomics.store(salida, 1, 1);
  Atomics.notify(salida, 1);
  for (const t of threads) await t.join();
  b.end();
  if (contador.value !== 2 * veces) throw new Error(`contador ${contador.value} de ${2 * veces}`);
}

// En los workers este módulo solo se importa para encontrar las funciones: nada de bench.
if (!("WorkerGlobalScope" in globalThis)) {
  Deno.bench("2 threads x 10.000 sumas con Web Locks", { baseline: true }, async (b) => {
    await dosThreads(b, conWebLocks, 10_000);
  });
  Deno.bench("2 threads x 10.000 sumas con el Lock de Atomics", async (b) => {
    await dosThreads(b, conLock, 10_000, new Lock());
  });
  Deno.bench("2 threads x 1.000.000 sumas con el Lock de Atomics", async (b) => {
    await dosThreads(b, conLock, 1_000_000, new Lock());
  });
}
