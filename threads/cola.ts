/**
 * Productor y consumidor con `queue.Queue`, como lo escribe un programador de Python.
 *
 * productor_consumidor.ts construye la cola a mano; aquí se usa la de queue.ts: `put` espera
 * si la cola está llena y `get` si está vacía. Un productor pone 10 pedidos (objetos, que la
 * cola copia de un thread a otro) en una cola de 3 huecos y dos consumidores los sacan, los
 * apuntan en otra cola (`hechos`) y llaman a `task_done()`. El principal espera con
 * `await cola.join()` a que estén todos hechos y pone un `null` por consumidor (el `None` de
 * Python: «no hay más»). Opciones: --pedidos N (10), --consumidores N (2).
 *
 * @python Apartado 2 «Threads», más allá del capítulo: queue.Queue (put, get, task_done, join) en
 *   el productor y el consumidor
 * @ejecutar deno run --allow-read threads/cola.ts
 * @copiar también queue.ts, threading.ts y traza.ts, a su lado: los importa de allí
 * @salida
 *   Productor: pone el pedido 1 (sopa)
 *   Productor: pone el pedido 2 (paella)
 *   Productor: pone el pedido 3 (tortilla)
 *   Productor: pone el pedido 4 (gazpacho)
 *   Productor: pone el pedido 5 (fabada)
 *   Consumidor 2: saca el pedido 1 (sopa)
 *   Productor: pone el pedido 6 (sopa)
 *   Consumidor 2: saca el pedido 3 (tortilla)
 *   Consumidor 2: saca el pedido 4 (gazpacho)
 *   Consumidor 2: saca el pedido 5 (fabada)
 *   Productor: pone el pedido 7 (paella)
 *   Productor: pone el pedido 8 (tortilla)
 *   Productor: pone el pedido 9 (gazpacho)
 *   Consumidor 2: saca el pedido 6 (sopa)
 *   Consumidor 2: saca el pedido 7 (paella)
 *   Consumidor 2: saca el pedido 8 (tortilla)
 *   Productor: pone el pedido 10 (fabada)
 *   Productor: 10 pedidos puestos; la cola estaba llena en 3 de ellos
 *   Consumidor 2: saca el pedido 9 (gazpacho)
 *   Consumidor 2: saca el pedido 10 (fabada)
 *   Consumidor 1: saca el pedido 2 (paella)
 *   Hechos todos los pedidos; la cola tiene 0
 *   Hechos: 10 de 10, cada uno una vez (Consumidor 1: 1, Consumidor 2: 9)
 * @cambia Qué consumidor saca cada pedido, cómo se intercalan las líneas y las veces que la cola
 *   estuvo llena cambian en cada ejecución; cada pedido sale una vez, después de ponerse.
 */

import { current_thread, entero, leerOpciones, terminarConError, Thread } from "./threading.ts";
import { Queue } from "./queue.ts";

interface Pedido {
  numero: number;
  plato: string;
}

const PLATOS = ["sopa", "paella", "tortilla", "gazpacho", "fabada"];

const cola = new Queue<Pedido | null>(3); // como mucho 3 pedidos esperando
const hechos = new Queue<string>(); // sin límite: lo que hizo cada consumidor

export function productor(pedidos: number) {
  let llena = 0;
  for (let numero = 1; numero <= pedidos; numero++) {
    const pedido = { numero, plato: PLATOS[(numero - 1) % PLATOS.length] };
    if (cola.full()) llena++; // put() tendrá que esperar a que un consumidor saque uno
    console.log(`Productor: pone el pedido ${numero} (${pedido.plato})`);
    cola.put(pedido);
  }
  console.log(`Productor: ${pedidos} pedidos puestos; la cola estaba llena en ${llena} de ellos`);
}

export function consumidor() {
  const nombre = current_thread().name;
  for (;;) {
    const pedido = cola.get(); // con la cola vacía, espera a que el productor ponga uno
    if (pedido === null) break; // «no hay más»
    console.log(`${nombre}: saca el pedido ${pedido.numero} (${pedido.plato})`);
    hechos.put(`${pedido.numero} por ${nombre}`);
    cola.task_done();
  }
}

if (import.meta.main) {
  const { pedidos, consumidores } = leerOpciones({
    pedidos: entero(10, 1, 100_000, "pedidos que pone el productor"),
    consumidores: entero(2, 1, 16, "threads que sacan pedidos"),
  });

  const p = new Thread({ target: productor, args: [pedidos], name: "Productor" });
  const cs = Array.from(
    { length: consumidores },
    (_, k) => new Thread({ target: consumidor, name: `Consumidor ${k + 1}` }),
  );
  p.start();
  for (const c of cs) c.start();

  await p.join();
  await cola.join(); // cada pedido puesto tiene su task_done()
  console.log(`Hechos todos los pedidos; la cola tiene ${cola.qsize()}`);
  for (const _ of cs) cola.put(null); // uno por consumidor
  for (const c of cs) await c.join();

  // Lo que apuntaron los consumidores: cada pedido, una vez.
  const porConsumidor = new Map(cs.map((c) => [c.name, 0])); // también los que no hicieron nada
  const vistos = new Set<number>();
  while (!hechos.empty()) {
    const [numero, quien] = hechos.get().split(" por ");
    vistos.add(Number(numero));
    porConsumidor.set(quien, porConsumidor.get(quien)! + 1);
  }
  if (vistos.size !== pedidos) {
    terminarConError(`Error: ${vistos.size} pedidos distintos hechos de ${pedidos}.`);
  }
  const reparto = [...porConsumidor].map(([quien, n]) => `${quien}: ${n}`);
  console.log(`Hechos: ${pedidos} de ${pedidos}, cada uno una vez (${reparto.join(", ")})`);
}
