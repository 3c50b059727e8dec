// Rendimiento del Lock de threads/lock.ts.
//
// Ejecutar: deno bench --allow-read tests/lock_bench.ts
//
// - 1.000.000 de acquire+release sin competencia, en un worker;
// - 2 workers x 1.000.000 sumas, cada una dentro del Lock (la función `sumarConLock` de
//   lock.ts, ejecutada por workers que cargan lock.ts, como en el script);
// - lo mismo con `Atomics.add` y sin Lock: el suelo, con la misma barrera y los mismos workers.
// Cada medida incluye arrancar los workers, como el script.

import { atenderThread, enUnWorker, Thread } from "../threads/cuadrado_cubo.ts";
import { barrera, memoriaCompartida } from "../threads/carrera.ts";
import { Lock, sumarConLock } from "../threads/lock.ts";

const VECES = 1_000_000;
const lockTs = new URL("../threads/lock.ts", import.meta.url).href;

function sinCompetencia(memoriaDelLock: Int32Array, veces: number) {
  const lock = new Lock(memoriaDelLock);
  for (let i = 0; i < veces; i++) {
    lock.acquire();
    lock.release();
  }
}

/** El suelo: la misma forma que `sumarConLock`, con una suma atómica en vez del Lock. */
function sumarConAtomics(
  contador: Int32Array,
  _lock: Int32Array,
  salida: Int32Array,
  veces: number,
) {
  barrera(salida, 2);
  for (let i = 0; i < veces; i++) Atomics.add(contador, 0, 1);
}

/** 2 workers que cargan `modulo` y ejecutan `target`; comprueba que el contador es exacto. */
async function dosWorkers(modulo: string, target: typeof sumarConLock) {
  const contador = memoriaCompartida();
  const args = [contador, new Lock().memoria, memoriaCompartida(), VECES];
  const t1 = new Thread(modulo, { target, args });
  const t2 = new Thread(modulo, { target, args });
  t1.start();
  t2.start();
  await t1.join();
  await t2.join();
  if (contador[0] !== 2 * VECES) throw new Error(`contador ${contador[0]}`);
}

if (enUnWorker) {
  atenderThread({ sinCompetencia, sumarConAtomics });
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
    await dosWorkers(lockTs, sumarConLock);
  });
  Deno.bench("2 workers x 1.000.000 Atomics.add (suelo)", async () => {
    await dosWorkers(import.meta.url, sumarConAtomics);
  });
}
