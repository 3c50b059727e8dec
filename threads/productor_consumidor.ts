/**
 * Productor y consumidor: un thread pone elementos en un búfer de pocos huecos y otro los saca.
 *
 * El búfer es circular y vive en memoria compartida. Dos semáforos (semaforo.ts) llevan la
 * cuenta: `huecos` (cuántos huecos libres quedan) y `elementos` (cuántos hay para sacar). Con
 * el búfer lleno, el productor se duerme en `huecos.acquire()` hasta que el consumidor saca
 * uno; con el búfer vacío, el consumidor se duerme en `elementos.acquire()` hasta que el
 * productor pone otro. El Lock protege las posiciones del búfer mientras se tocan. El
 * consumidor comprueba que recibe cada elemento una vez y en orden; con `--lento consumidor`
 * (o productor) se ve el búfer lleno (o vacío).
 *
 * @python Apartado 2 «Threads», más allá del capítulo: Thread, Semaphore y Lock en el problema del
 *   productor y el consumidor
 * @ejecutar deno run --allow-read threads/productor_consumidor.ts
 * @copiar también threading.ts y traza.ts, a su lado: los importa de allí
 * @salida
 *   Productor: pone 1
 *   Productor: pone 2
 *   Productor: pone 3
 *   Consumidor: saca 1
 *   Consumidor: saca 2
 *   Consumidor: saca 3
 *   Productor: pone 4
 *   Productor: pone 5
 *   Productor: pone 6
 *   Consumidor: saca 4
 *   Consumidor: saca 5
 *   Consumidor: saca 6
 *   Productor: pone 7
 *   Productor: pone 8
 *   Consumidor: saca 7
 *   Consumidor: saca 8
 *   Productor: pone 9
 *   Productor: pone 10
 *   Consumidor: saca 9
 *   Consumidor: saca 10
 *   Consumidos: 10 de 10, cada uno una vez y en orden (capacidad del búfer: 3)
 *   Veces que el productor encontró el búfer lleno: 2; que el consumidor lo encontró vacío: 4
 * @cambia Cómo se intercalan las líneas del productor y del consumidor, y las veces que el búfer
 *   estuvo lleno o vacío, cambian en cada ejecución; cada elemento sale siempre una vez y en orden.
 */

import {
  compartido,
  entero,
  leerOpciones,
  Lock,
  Semaphore,
  sleep,
  terminarConError,
  texto,
  Thread,
} from "./threading.ts";

const lock = new Lock(); // protege las posiciones del búfer mientras se tocan
const posiciones = compartido(2); // [0]: dónde pone el productor; [1]: de dónde saca el consumidor
const cuentas = compartido(4); // [0] consumidos, [1] fuera de orden, [2] veces lleno, [3] veces vacío

/** Lo que depende de las opciones: se crea en el programa principal y va en `args`. */
interface Reparto {
  buffer: Int32Array; // los huecos del búfer circular
  huecos: Semaphore; // huecos libres
  elementos: Semaphore; // elementos por sacar
  total: number;
  lento: string;
  mostrar: boolean;
}

export function productor({ buffer, huecos, elementos, total, lento, mostrar }: Reparto) {
  for (let elemento = 1; elemento <= total; elemento++) {
    if (lento === "productor") sleep(0.001);
    if (!huecos.acquire(false)) {
      cuentas[2]++; // búfer lleno: toca esperar a que el consumidor saque uno
      huecos.acquire();
    }
    lock.acquire();
    buffer[posiciones[0]] = elemento;
    posiciones[0] = (posiciones[0] + 1) % buffer.length;
    lock.release();
    if (mostrar) console.log(`Productor: pone ${elemento}`);
    elementos.release();
  }
}

export function consumidor({ buffer, huecos, elementos, total, lento, mostrar }: Reparto) {
  for (let esperado = 1; esperado <= total; esperado++) {
    if (lento === "consumidor") sleep(0.001);
    if (!elementos.acquire(false)) {
      cuentas[3]++; // búfer vacío: toca esperar a que el productor ponga uno
      elementos.acquire();
    }
    lock.acquire();
    const elemento = buffer[posiciones[1]];
    posiciones[1] = (posiciones[1] + 1) % buffer.length;
    lock.release();
    if (mostrar) console.log(`Consumidor: saca ${elemento}`);
    huecos.release();
    cuentas[0]++;
    if (elemento !== esperado) cuentas[1]++;
  }
}

if (import.meta.main) {
  const { elementos, capacidad, lento } = leerOpciones({
    elementos: entero(10, 1, 100_000_000, "elementos que pone el productor"),
    capacidad: entero(3, 1, 1_000_000, "huecos del búfer"),
    lento: texto("", ["productor", "consumidor"], "quién se para 1 ms antes de cada elemento"),
  });

  const reparto: Reparto = {
    buffer: compartido(capacidad),
    huecos: new Semaphore(capacidad), // al principio, todos los huecos libres
    elementos: new Semaphore(0), // y ningún elemento que sacar
    total: elementos,
    lento,
    mostrar: elementos <= 20,
  };

  const t1 = new Thread({ target: productor, args: [reparto] });
  const t2 = new Thread({ target: consumidor, args: [reparto] });

  t1.start();
  t2.start();

  await t1.join();
  await t2.join();

  const [consumidos, fueraDeOrden, lleno, vacio] = cuentas;
  if (consumidos !== elementos || fueraDeOrden !== 0) {
    terminarConError(
      `Error: consumidos ${consumidos} de ${elementos}, ${fueraDeOrden} fuera de orden.`,
    );
  }
  console.log(
    `Consumidos: ${consumidos} de ${elementos}, cada uno una vez y en orden (capacidad del búfer: ${capacidad})`,
  );
  console.log(
    `Veces que el productor encontró el búfer lleno: ${lleno}; que el consumidor lo encontró ` +
      `vacío: ${vacio}`,
  );
}
