/**
 * Productor y consumidor: un thread pone elementos en un búfer de pocos huecos y otro los saca.
 *
 * El búfer es circular y vive en memoria compartida. Dos semáforos (semaforo.ts) llevan la
 * cuenta: `huecos` (cuántos huecos libres quedan) y `elementos` (cuántos hay para sacar). Con
 * el búfer lleno, el productor se duerme en `huecos.acquire()` hasta que el consumidor saca
 * uno; con el búfer vacío, el consumidor se duerme en `elementos.acquire()` hasta que el
 * productor pone otro. El Lock (lock.ts) protege las posiciones del búfer mientras se tocan.
 *
 * El consumidor comprueba que recibe cada elemento una sola vez y en orden (1, 2, 3...), y
 * el programa principal comprueba los totales. Con 20 elementos o menos se ve cada paso (cada
 * thread lo imprime antes de avisar al otro, así que el orden de las líneas es el real).
 * Opciones: --elementos N (10), --capacidad K (3) y --lento productor|consumidor (uno de los
 * dos se para 1 ms antes de cada elemento: así se ve el búfer vacío o lleno).
 *
 * @python Apartado 2 «Threads», más allá del capítulo: Thread, Semaphore y Lock en el problema del productor y el consumidor
 * @ejecutar deno run --allow-read threads/productor_consumidor.ts
 * @salida
 *   Productor: pone 1  (en cualquier orden)
 *   Productor: pone 2  (en cualquier orden)
 *   Productor: pone 3  (en cualquier orden)
 *   Productor: pone 4  (en cualquier orden)
 *   Productor: pone 5  (en cualquier orden)
 *   Productor: pone 6  (en cualquier orden)
 *   Productor: pone 7  (en cualquier orden)
 *   Productor: pone 8  (en cualquier orden)
 *   Productor: pone 9  (en cualquier orden)
 *   Productor: pone 10  (en cualquier orden)
 *   Consumidor: saca 1  (en cualquier orden)
 *   Consumidor: saca 2  (en cualquier orden)
 *   Consumidor: saca 3  (en cualquier orden)
 *   Consumidor: saca 4  (en cualquier orden)
 *   Consumidor: saca 5  (en cualquier orden)
 *   Consumidor: saca 6  (en cualquier orden)
 *   Consumidor: saca 7  (en cualquier orden)
 *   Consumidor: saca 8  (en cualquier orden)
 *   Consumidor: saca 9  (en cualquier orden)
 *   Consumidor: saca 10  (en cualquier orden)
 *   Consumidos: 10 de 10, cada uno una vez y en orden (capacidad del búfer: 3)
 *   El productor encontró el búfer lleno <n> veces; el consumidor lo encontró vacío <n> veces
 */

import { errorDeUso, leerOpciones, terminarConError } from "../opciones.ts";
import { atenderThread, enUnWorker, Thread } from "./cuadrado_cubo.ts";
import { barrera, memoriaCompartida } from "./carrera.ts";
import { Lock } from "./lock.ts";
import { Semaphore } from "./semaforo.ts";

/** Todo lo que comparten los dos threads: se crea en el principal y se envía a ambos. */
interface Compartido {
  buffer: Int32Array; // los huecos del búfer circular
  posiciones: Int32Array; // [0]: dónde pone el productor; [1]: de dónde saca el consumidor
  huecos: Int32Array; // memoria del semáforo de huecos libres
  elementos: Int32Array; // memoria del semáforo de elementos por sacar
  lock: Int32Array; // memoria del Lock del búfer
  cuentas: Int32Array; // [0] consumidos, [1] fuera de orden, [2] veces lleno, [3] veces vacío
  salida: Int32Array; // barrera de salida
  elementosTotales: number;
  lento: string;
  mostrar: boolean;
}

/** `time.sleep()` dentro de un worker. */
function dormir(milisegundos: number) {
  Atomics.wait(memoriaCompartida(), 0, 0, milisegundos);
}

function productor(c: Compartido) {
  const huecos = new Semaphore(c.huecos);
  const elementos = new Semaphore(c.elementos);
  const lock = new Lock(c.lock);
  barrera(c.salida, 2);

  for (let elemento = 1; elemento <= c.elementosTotales; elemento++) {
    if (c.lento === "productor") dormir(1);
    if (!huecos.acquire(false)) {
      c.cuentas[2]++; // búfer lleno: toca esperar a que el consumidor saque uno
      huecos.acquire();
    }
    lock.acquire();
    c.buffer[c.posiciones[0]] = elemento;
    c.posiciones[0] = (c.posiciones[0] + 1) % c.buffer.length;
    lock.release();
    if (c.mostrar) console.log(`Productor: pone ${elemento}`);
    elementos.release();
  }
}

function consumidor(c: Compartido) {
  const huecos = new Semaphore(c.huecos);
  const elementos = new Semaphore(c.elementos);
  const lock = new Lock(c.lock);
  barrera(c.salida, 2);

  for (let esperado = 1; esperado <= c.elementosTotales; esperado++) {
    if (c.lento === "consumidor") dormir(1);
    if (!elementos.acquire(false)) {
      c.cuentas[3]++; // búfer vacío: toca esperar a que el productor ponga uno
      elementos.acquire();
    }
    lock.acquire();
    const elemento = c.buffer[c.posiciones[1]];
    c.posiciones[1] = (c.posiciones[1] + 1) % c.buffer.length;
    lock.release();
    if (c.mostrar) console.log(`Consumidor: saca ${elemento}`);
    huecos.release();
    c.cuentas[0]++;
    if (elemento !== esperado) c.cuentas[1]++;
  }
}

if (import.meta.main && enUnWorker) {
  atenderThread({ productor, consumidor });
} else if (import.meta.main) {
  const uso = "deno run --allow-read threads/productor_consumidor.ts " +
    "[--elementos 10] [--capacidad 3] [--lento productor|consumidor]";
  const { elementos, capacidad, lento } = leerOpciones(
    uso,
    {
      elementos: { defecto: 10, min: 1, max: 100_000_000 },
      capacidad: { defecto: 3, min: 1, max: 1_000_000 },
    },
    { lento: "" },
  );
  if (!["", "productor", "consumidor"].includes(lento)) {
    errorDeUso(`--lento debe ser "productor" o "consumidor" (se recibió "${lento}")`, uso);
  }

  const compartido: Compartido = {
    buffer: memoriaCompartida(capacidad),
    posiciones: memoriaCompartida(2),
    huecos: new Semaphore(capacidad).memoria, // al principio, todos los huecos libres
    elementos: new Semaphore(0).memoria, // y ningún elemento que sacar
    lock: new Lock().memoria,
    cuentas: memoriaCompartida(4),
    salida: memoriaCompartida(),
    elementosTotales: elementos,
    lento,
    mostrar: elementos <= 20,
  };

  const t1 = new Thread(import.meta.url, { target: productor, args: [compartido] });
  const t2 = new Thread(import.meta.url, { target: consumidor, args: [compartido] });

  t1.start();
  t2.start();

  await t1.join();
  await t2.join();

  const [consumidos, fueraDeOrden, lleno, vacio] = compartido.cuentas;
  if (consumidos !== elementos || fueraDeOrden !== 0) {
    terminarConError(
      `Error: consumidos ${consumidos} de ${elementos}, ${fueraDeOrden} fuera de orden.`,
    );
  }
  console.log(
    `Consumidos: ${consumidos} de ${elementos}, cada uno una vez y en orden (capacidad del búfer: ${capacidad})`,
  );
  console.log(
    `El productor encontró el búfer lleno ${lleno} veces; el consumidor lo encontró vacío ${vacio} veces`,
  );
}
