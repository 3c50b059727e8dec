// La Queue de queue.ts frente al búfer hecho a mano de productor_consumidor.ts (dos Semaphore,
// un Lock y un Int32Array circular), y el pool de concurrent_futures.ts por tarea.
//
// Ejecutar: deno bench --allow-read bench/queue_bench.ts
//
// Un productor y un consumidor pasan 10.000 elementos por 8 huecos: números por el búfer a
// mano, números por una Queue(8) y objetos pequeños ({ n, texto }) por una Queue(8). Se mide
// desde que los dos threads, ya arrancados y esperando en una salida común, salen a la vez,
// hasta que los dos han terminado. Coste por elemento ≈ medida / 10.000. Y 1.000 tareas
// pequeñas por un pool de 2 threads ya arrancados (coste por tarea ≈ medida / 1.000). Cada
// medida comprueba que llega la suma exacta.

import { compartido, Lock, Semaphore, Thread } from "../threads/threading.ts";
import { Queue } from "../threads/queue.ts";
import { ThreadPoolExecutor } from "../threads/concurrent_futures.ts";

const ELEMENTOS = 10_000;
const HUECOS = 8;

/** La salida común: [0] threads listos, [1] 1 cuando pueden empezar. */
function esperarSalida(salida: Int32Array) {
  Atomics.add(salida, 0, 1);
  Atomics.notify(salida, 0);
  Atomics.wait(salida, 1, 0);
}

interface AMano {
  buffer: Int32Array; // [0..HUECOS) los huecos; [HUECOS] dónde pone; [HUECOS + 1] de dónde saca
  huecos: Semaphore;
  elementos: Semaphore;
  lock: Lock;
}

export function ponerAMano(salida: Int32Array, _suma: Int32Array, b: AMano) {
  esperarSalida(salida);
  for (let n = 1; n <= ELEMENTOS; n++) {
    b.huecos.acquire();
    b.lock.acquire();
    b.buffer[b.buffer[HUECOS]] = n;
    b.buffer[HUECOS] = (b.buffer[HUECOS] + 1) % HUECOS;
    b.lock.release();
    b.elementos.release();
  }
}

export function sacarAMano(salida: Int32Array, suma: Int32Array, b: AMano) {
  esperarSalida(salida);
  for (let i = 0; i < ELEMENTOS; i++) {
    b.elementos.acquire();
    b.lock.acquire();
    suma[0] += b.buffer[b.buffer[HUECOS + 1]];
    b.buffer[HUECOS + 1] = (b.buffer[HUECOS + 1] + 1) % HUECOS;
    b.lock.release();
    b.huecos.release();
  }
}

export function ponerEnLaCola(
  salida: Int32Array,
  _suma: Int32Array,
  cola: Queue,
  objetos: boolean,
) {
  esperarSalida(salida);
  for (let n = 1; n <= ELEMENTOS; n++) cola.put(objetos ? { n, texto: `elemento ${n}` } : n);
}

export function sacarDeLaCola(salida: Int32Array, suma: Int32Array, cola: Queue, objetos: boolean) {
  esperarSalida(salida);
  for (let i = 0; i < ELEMENTOS; i++) {
    const e = cola.get();
    suma[0] += objetos ? (e as { n: number }).n : e as number;
  }
}

/** Arranca productor y consumidor, espera a que estén listos y mide hasta que acaban. */
async function productorYConsumidor(
  b: Deno.BenchContext,
  poner: (...args: never[]) => unknown,
  sacar: (...args: never[]) => unknown,
  ...mas: unknown[]
) {
  const salida = compartido(2);
  const suma = compartido(1);
  const threads = [poner, sacar].map((target) =>
    new Thread({ target, args: [salida, suma, ...mas], modulo: import.meta.url })
  );
  for (const t of threads) t.start();
  for (let listos; (listos = Atomics.load(salida, 0)) < 2;) {
    await Atomics.waitAsync(salida, 0, listos).value;
  }
  b.start();
  Atomics.store(salida, 1, 1);
  Atomics.notify(salida, 1);
  for (const t of threads) await t.join();
  b.end();
  const esperada = ELEMENTOS * (ELEMENTOS + 1) / 2;
  if (suma[0] !== esperada) throw new Error(`suma ${suma[0]} en vez de ${esperada}`);
}

export function doble(x: number): number {
  return 2 * x;
}

// En los workers este módulo solo se importa para encontrar las funciones: nada de bench.
if (!("WorkerGlobalScope" in globalThis)) {
  Deno.bench("10.000 números por el búfer a mano (8 huecos)", { baseline: true }, async (b) => {
    const aMano: AMano = {
      buffer: compartido(HUECOS + 2),
      huecos: new Semaphore(HUECOS),
      elementos: new Semaphore(0),
      lock: new Lock(),
    };
    await productorYConsumidor(b, ponerAMano, sacarAMano, aMano);
  });
  Deno.bench("10.000 números por una Queue(8)", async (b) => {
    await productorYConsumidor(b, ponerEnLaCola, sacarDeLaCola, new Queue(HUECOS), false);
  });
  Deno.bench("10.000 objetos pequeños por una Queue(8)", async (b) => {
    await productorYConsumidor(b, ponerEnLaCola, sacarDeLaCola, new Queue(HUECOS), true);
  });
  Deno.bench("1.000 tareas pequeñas por un pool de 2 threads", async (b) => {
    await using pool = new ThreadPoolExecutor({ max_workers: 2, modulo: import.meta.url });
    await pool.submit(doble, 1).result(); // arrancado
    b.start();
    let suma = 0;
    for await (const r of pool.map(doble, Array.from({ length: 1000 }, (_, i) => i))) suma += r;
    b.end();
    if (suma !== 999 * 1000) throw new Error(`suma ${suma}`);
  });
}
