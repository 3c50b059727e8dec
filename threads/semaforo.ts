/**
 * Semáforo: como mucho N threads a la vez dentro de una zona (5 tareas, 2 plazas).
 *
 * El capítulo nombra los semáforos junto al Lock. Un Lock deja pasar a uno; un semáforo
 * cuenta plazas libres y deja pasar a tantos como plazas tenga: `acquire()` ocupa una (y si
 * no queda ninguna, el thread se duerme con `Atomics.wait` hasta que alguien la libere) y
 * `release()` la devuelve y, si alguien duerme esperando, lo despierta (`Atomics.notify`). Como el Lock, es
 * un entero en memoria compartida (las plazas libres) que se cambia con `Atomics`.
 *
 * Las 5 tareas salen a la vez (la barrera de carrera.ts) y cada una pasa 50 ms dentro. El
 * programa anota cuántas hay dentro en cada momento y comprueba que nunca pasan de 2. El
 * orden de entrada cambia de una ejecución a otra.
 *
 * La clase `Semaphore` se exporta: productor_consumidor.ts la usa.
 *
 * @python Apartado 2 «Threads», los semáforos que menciona: Semaphore(2), acquire(), release()
 * @ejecutar deno run --allow-read threads/semaforo.ts
 * @salida
 *   Tarea <n> entra (dentro: <k>)  (en cualquier orden)
 *   Tarea <n> entra (dentro: <k>)  (en cualquier orden)
 *   Tarea <n> entra (dentro: <k>)  (en cualquier orden)
 *   Tarea <n> entra (dentro: <k>)  (en cualquier orden)
 *   Tarea <n> entra (dentro: <k>)  (en cualquier orden)
 *   Tarea <n> sale  (en cualquier orden)
 *   Tarea <n> sale  (en cualquier orden)
 *   Tarea <n> sale  (en cualquier orden)
 *   Tarea <n> sale  (en cualquier orden)
 *   Tarea <n> sale  (en cualquier orden)
 *   Como mucho hubo <máximo> tareas dentro a la vez (plazas: 2)
 */

import { leerOpciones, terminarConError } from "../opciones.ts";
import { atenderThread, enUnWorker, Thread } from "./cuadrado_cubo.ts";
import { barrera, memoriaCompartida } from "./carrera.ts";

/**
 * `threading.Semaphore` de Python para workers. `new Semaphore(2)` crea uno con 2 plazas;
 * se envía a otros threads como su memoria (`semaforo.memoria`) y cada worker lo
 * reconstruye con `new Semaphore(memoria)`.
 */
export class Semaphore {
  readonly memoria: Int32Array; // [0]: plazas libres; [1]: threads dormidos esperando plaza

  constructor(plazasOMemoria: number | Int32Array) {
    if (typeof plazasOMemoria === "number") {
      this.memoria = memoriaCompartida(2);
      this.memoria[0] = plazasOMemoria;
    } else {
      this.memoria = plazasOMemoria;
    }
  }

  /** Ocupa una plaza. Si no hay y `blocking` es false, no espera y devuelve false. */
  acquire(blocking = true): boolean {
    for (let vuelta = 0;; vuelta++) {
      const libres = Atomics.load(this.memoria, 0);
      if (libres > 0) {
        // Ocupamos una plaza solo si nadie ha cambiado el número mientras tanto.
        if (Atomics.compareExchange(this.memoria, 0, libres, libres - 1) === libres) return true;
      } else if (!blocking) {
        return false;
      } else if (vuelta >= VUELTAS) {
        // Como en el Lock: tras unas pocas vueltas mirando, a dormir mientras queden 0 plazas.
        Atomics.add(this.memoria, 1, 1);
        Atomics.wait(this.memoria, 0, 0);
        Atomics.sub(this.memoria, 1, 1);
      }
    }
  }

  /** Devuelve una plaza y, si alguien duerme esperando, despierta a uno. */
  release(): void {
    Atomics.add(this.memoria, 0, 1);
    if (Atomics.load(this.memoria, 1) > 0) Atomics.notify(this.memoria, 0, 1);
  }
}

/**
 * Vueltas que `acquire()` mira si se libera una plaza antes de dormirse. Más que en el Lock:
 * en productor_consumidor.ts la plaza suele liberarse en unos microsegundos, y dormir y
 * despertar cuesta más (medido: 1.000.000 de elementos en 2,4 s así, 15 s con 100 vueltas).
 */
const VUELTAS = 10_000;

/** `time.sleep()`: dentro de un worker se puede dormir con `Atomics.wait` y un tiempo límite. */
function dormir(milisegundos: number) {
  Atomics.wait(memoriaCompartida(), 0, 0, milisegundos);
}

/** `dentro[0]`: tareas dentro ahora; `dentro[1]`: el máximo visto. */
function task(
  n: number,
  memoriaDelSemaforo: Int32Array,
  dentro: Int32Array,
  salida: Int32Array,
  tareas: number,
) {
  const semaforo = new Semaphore(memoriaDelSemaforo);
  barrera(salida, tareas);

  semaforo.acquire();
  const ahora = Atomics.add(dentro, 0, 1) + 1;
  let maximo;
  while ((maximo = Atomics.load(dentro, 1)) < ahora) {
    Atomics.compareExchange(dentro, 1, maximo, ahora);
  }
  console.log(`Tarea ${n} entra (dentro: ${ahora})`);

  dormir(50);

  Atomics.sub(dentro, 0, 1);
  console.log(`Tarea ${n} sale`);
  semaforo.release();
}

if (import.meta.main && enUnWorker) {
  atenderThread({ task });
} else if (import.meta.main) {
  const { tareas, plazas } = leerOpciones(
    "deno run --allow-read threads/semaforo.ts [--tareas 5] [--plazas 2]",
    { tareas: { defecto: 5, min: 1, max: 50 }, plazas: { defecto: 2, min: 1, max: 50 } },
  );

  const semaforo = new Semaphore(plazas);
  const dentro = memoriaCompartida(2);
  const salida = memoriaCompartida();

  const threads = [];
  for (let n = 1; n <= tareas; n++) {
    threads.push(
      new Thread(import.meta.url, {
        target: task,
        args: [n, semaforo.memoria, dentro, salida, tareas],
      }),
    );
  }
  for (const t of threads) t.start();
  for (const t of threads) await t.join();

  const maximo = dentro[1];
  console.log(`Como mucho hubo ${maximo} tareas dentro a la vez (plazas: ${plazas})`);
  if (maximo > plazas) {
    terminarConError(`Error: el semáforo dejó pasar a ${maximo} tareas con solo ${plazas} plazas.`);
  }
}
