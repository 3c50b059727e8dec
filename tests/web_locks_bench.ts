// Web Locks (navigator.locks) frente al Lock de threading.ts (Atomics), con threads/web_locks.ts.
//
// Ejecutar: deno bench --allow-read tests/web_locks_bench.ts
//
// - 2 threads x 10.000 sumas, cada una dentro de navigator.locks.request("contador", ...);
// - 2 threads x 10.000 sumas, cada una entre lock.acquire() y lock.release();
// - 2 threads x 1.000.000 sumas con el Lock (para ver su coste por vuelta sin el arranque);
// - 2 threads que no hacen nada: lo que cuesta arrancarlos, que va incluido en cada medida.
// Coste por vuelta ≈ (medida - arranque) / (2 x sumas). Cada medida comprueba el contador.

import { Lock, Thread, Value } from "../threads/threading.ts";

declare global {
  interface Navigator {
    readonly locks: { request<T>(nombre: string, callback: () => T): Promise<Awaited<T>> };
  }
}

export async function conWebLocks(contador: Value, veces: number) {
  for (let i = 0; i < veces; i++) {
    await navigator.locks.request("contador", () => {
      contador.value += 1;
    });
  }
}

export function conLock(lock: Lock, contador: Value, veces: number) {
  for (let i = 0; i < veces; i++) {
    lock.acquire();
    contador.value += 1;
    lock.release();
  }
}

export function nada() {}

/** Dos threads con `target` y sus `args` (el contador va en el primero o el segundo). */
async function dosThreads(target: (...args: never[]) => unknown, args: unknown[]) {
  const threads = [1, 2].map(() => new Thread({ target, args, modulo: import.meta.url }));
  for (const t of threads) t.start();
  for (const t of threads) await t.join();
}

function exacto(contador: Value, esperado: number) {
  if (contador.value !== esperado) throw new Error(`contador ${contador.value} de ${esperado}`);
}

// En los workers este módulo solo se importa para encontrar las funciones: nada de bench.
if (!("WorkerGlobalScope" in globalThis)) {
  Deno.bench("2 threads que no hacen nada (el arranque)", async () => {
    await dosThreads(nada, []);
  });
  Deno.bench("2 threads x 10.000 sumas con Web Locks", { baseline: true }, async () => {
    const contador = new Value(0);
    await dosThreads(conWebLocks, [contador, 10_000]);
    exacto(contador, 20_000);
  });
  Deno.bench("2 threads x 10.000 sumas con el Lock de Atomics", async () => {
    const contador = new Value(0);
    await dosThreads(conLock, [new Lock(), contador, 10_000]);
    exacto(contador, 20_000);
  });
  Deno.bench("2 threads x 1.000.000 sumas con el Lock de Atomics", async () => {
    const contador = new Value(0);
    await dosThreads(conLock, [new Lock(), contador, 1_000_000]);
    exacto(contador, 2_000_000);
  });
}
