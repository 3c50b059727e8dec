/**
 * Lock (cerrojo, exclusión mutua): solo un thread a la vez dentro de la sección crítica.
 *
 * JavaScript no trae un Lock entre workers, así que lo construimos sobre un entero de
 * memoria compartida con `Atomics`: 0 = libre, 1 = cogido, 2 = cogido y con alguien
 * esperando. `acquire()` intenta pasar de 0 a 1 con `compareExchange` (una sola operación
 * que nadie puede partir). Si está cogido, insiste unas pocas vueltas y después se duerme
 * con `Atomics.wait`, sin gastar CPU, hasta que `release()` lo despierta con `Atomics.notify`.
 *
 * Con el Lock, cada tarea imprime sus 5 líneas de un tirón: salen dos bloques enteros en
 * cada ejecución (el primero es el del thread que coge antes el Lock). Y el contador de
 * carrera.ts, con cada suma dentro del Lock, da exacto en cada ejecución.
 *
 * La clase `Lock` se exporta: otros ejemplos la importan de aquí.
 *
 * @python Apartado 2 «Threads», cuarto ejemplo: Lock(), lock.acquire(), lock.release()
 * @ejecutar deno run --allow-read threads/lock.ts
 * @salida
 *   Tarea 1  (bloques en cualquier orden)
 *   Tarea 1  (bloques en cualquier orden)
 *   Tarea 1  (bloques en cualquier orden)
 *   Tarea 1  (bloques en cualquier orden)
 *   Tarea 1  (bloques en cualquier orden)
 *   Tarea 2  (bloques en cualquier orden)
 *   Tarea 2  (bloques en cualquier orden)
 *   Tarea 2  (bloques en cualquier orden)
 *   Tarea 2  (bloques en cualquier orden)
 *   Tarea 2  (bloques en cualquier orden)
 *   Contador: 2000000 (esperado 2000000)
 */

import { leerOpciones } from "../opciones.ts";
import { atenderThread, enUnWorker, Thread } from "./cuadrado_cubo.ts";
import { barrera, memoriaCompartida } from "./carrera.ts";

const LIBRE = 0;
const COGIDO = 1;
const CON_ESPERA = 2;

/**
 * Vueltas que `acquire()` insiste antes de dormirse. Pocas: medido con 2 workers, 20 vueltas
 * es lo más rápido; con cientos, los dos threads se pelean por la memoria y va 3 veces más lento.
 */
const VUELTAS = 20;

/**
 * `threading.Lock` de Python para workers. Se crea en un thread y se envía a otros como
 * su memoria (`lock.memoria`); cada worker lo reconstruye con `new Lock(memoria)`.
 */
export class Lock {
  readonly memoria: Int32Array;

  constructor(memoria: Int32Array = memoriaCompartida()) {
    this.memoria = memoria;
  }

  acquire(): void {
    // Libre: lo cogemos con una sola operación atómica.
    let estado = Atomics.compareExchange(this.memoria, 0, LIBRE, COGIDO);
    if (estado === LIBRE) return;

    // Cogido: quien lo tiene suele soltarlo enseguida, así que insistimos unas pocas vueltas.
    // Solo miramos (load) y probamos a cogerlo cuando lo vemos libre: mirar no escribe en la
    // memoria compartida, así que no estorba al thread que tiene el Lock.
    for (let i = 0; i < VUELTAS; i++) {
      if (Atomics.load(this.memoria, 0) === LIBRE) {
        estado = Atomics.compareExchange(this.memoria, 0, LIBRE, COGIDO);
        if (estado === LIBRE) return;
      }
    }
    estado = Atomics.load(this.memoria, 0);

    // Sigue cogido: anotamos que hay alguien esperando (2) y dormimos hasta que lo suelten.
    if (estado !== CON_ESPERA) estado = Atomics.exchange(this.memoria, 0, CON_ESPERA);
    while (estado !== LIBRE) {
      Atomics.wait(this.memoria, 0, CON_ESPERA);
      estado = Atomics.exchange(this.memoria, 0, CON_ESPERA);
    }
  }

  release(): void {
    // De 1 pasa a 0 y nadie esperaba. De 2 (había alguien dormido) lo dejamos en 0 y
    // despertamos a uno: volverá a intentarlo.
    if (Atomics.sub(this.memoria, 0, 1) !== COGIDO) {
      Atomics.store(this.memoria, 0, LIBRE);
      Atomics.notify(this.memoria, 0, 1);
    }
  }
}

function task1(memoriaDelLock: Int32Array, salida: Int32Array) {
  const lock = new Lock(memoriaDelLock);
  barrera(salida, 2);
  lock.acquire();

  for (let i = 0; i < 5; i++) {
    console.log("Tarea 1");
  }

  lock.release();
}

function task2(memoriaDelLock: Int32Array, salida: Int32Array) {
  const lock = new Lock(memoriaDelLock);
  barrera(salida, 2);
  lock.acquire();

  for (let i = 0; i < 5; i++) {
    console.log("Tarea 2");
  }

  lock.release();
}

/** El contador de carrera.ts, pero cada suma dentro del Lock: ya no se pierde ninguna. (Lo mide tests/lock_bench.ts.) */
export function sumarConLock(
  contador: Int32Array,
  memoriaDelLock: Int32Array,
  salida: Int32Array,
  veces: number,
) {
  const lock = new Lock(memoriaDelLock);
  barrera(salida, 2);
  for (let i = 0; i < veces; i++) {
    lock.acquire();
    contador[0] = contador[0] + 1;
    lock.release();
  }
}

if (import.meta.main && enUnWorker) {
  atenderThread({ task1, task2, sumarConLock });
} else if (import.meta.main) {
  const { veces } = leerOpciones("deno run --allow-read threads/lock.ts [--veces N]", {
    veces: { defecto: 1_000_000, min: 1, max: 100_000_000 },
  });

  const lock = new Lock();
  const salidaJuntos = memoriaCompartida();

  const t1 = new Thread(import.meta.url, { target: task1, args: [lock.memoria, salidaJuntos] });
  const t2 = new Thread(import.meta.url, { target: task2, args: [lock.memoria, salidaJuntos] });

  t1.start();
  t2.start();

  await t1.join();
  await t2.join();

  // El contador de carrera.ts, ahora con el Lock.
  const contador = memoriaCompartida();
  const salida = memoriaCompartida();
  const args = [contador, lock.memoria, salida, veces];
  const s1 = new Thread(import.meta.url, { target: sumarConLock, args });
  const s2 = new Thread(import.meta.url, { target: sumarConLock, args });
  s1.start();
  s2.start();
  await s1.join();
  await s2.join();

  console.log(`Contador: ${contador[0]} (esperado ${2 * veces})`);
}
