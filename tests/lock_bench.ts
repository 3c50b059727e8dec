// Rendimiento del Lock de threads/lock.ts.
//
// Ejecutar: deno bench --allow-read tests/lock_bench.ts
//
// - acquire+release sin competencia, en un worker (operaciones por segundo = 1e6 / tiempo);
// - 2 workers x 1.000.000 sumas, cada una dentro del Lock;
// - lo mismo con `Atomics.add` y sin Lock: el suelo, la misma barrera y los mismos workers.
// Cada medida incluye arrancar los dos workers, como el script.

import { atenderThread, enUnWorker, Thread } from "../threads/cuadrado_cubo.ts";
import { barrera, memoriaCompartida } from "../threads/carrera.ts";
import { Lock } from "../threads/lock.ts";

const VECES = 1_000_000;

function sinCompetencia(memoriaDelLock: Int32Array, veces: number) {
  const lock = new Lock(memoriaDelLock);
  for (let i = 0; i < veces; i++) {
    lock.acquire();
    lock.release();
  }
}

function sumarConLock(contador: Int32Array, memoriaDelLock: Int32Array, salida: Int32Array) {
  const lock = new Lock(memoriaDelLock);
  barrera(salida, 2);
  for (let i = 0; i < VECES; i++) {
    lock.acquire();
    contador[0] = contador[0] + 1;
    lock.release();
  }
}

function sumarConAtomics(contador: Int32Array, _memoriaDelLock: Int32Array, salida: Int32Array) {
  barrera(salida, 2);
  for (let i = 0; i < VECES; i++) Atomics.add(contador, 0, 1);
}

async function dosWorkers(target: typeof sumarConLock) {
  const contador = memoriaCompartida();
  const args = [contador, new Lock().memoria, memoriaCompartida()];
  const t1 = new Thread(import.meta.url, { target, args });
  const t2 = new Thread(import.meta.url, { target, args });
  t1.start();
  t2.start();
  await t1.join();
  await t2.join();
  if (contador[0] !== 2 * VECES) throw new Error(`contador ${contador[0]}`);
}

if (enUnWorker) {
  atenderThread({ sinCompetencia, sumarConLock, sumarConAtomics });
} else {
  Deno.bench("1.000.000 acquire+release sin competencia (1 worker)", async () => {
    const t = new Thread(import.meta.url, {
      target: sinCompetencia,
      args: [new Lock().memoria, VECES],
    });
    t.start();
    await t.join();
  });
  Deno.bench("2 workers x 1.000.000 sumas con Lock", { baseline: true }, async () => {
    await dosWorkers(sumarConLock);
  });
  Deno.bench("2 workers x 1.000.000 Atomics.add (suelo)", async () => {
    await dosWorkers(sumarConAtomics);
  });
}
