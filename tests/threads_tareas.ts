// Tareas para probar threading.ts dentro del proceso del test (tests/threading_test.ts):
// los workers importan este módulo y ejecutan sus funciones, como las de un ejemplo.
import { compartido, Condition, Lock, Semaphore, sleep, Value } from "../threads/threading.ts";

// Objetos compartidos a nivel de módulo: el mismo en el test y en cada worker.
export const lock = new Lock();
export const contador = new Value(0);
export const condicion = new Condition(); // con su propio Lock
export const avisos = new Condition(condicion.lock); // otra sala de espera, el mismo Lock
export const llegadas = new Value(0);
export const despertados = compartido(4); // [cuántos, primero, segundo, tercero]

/** Suma 1 al contador `veces` veces, cada suma dentro del Lock del módulo. */
export function sumarConLock(veces: number) {
  for (let i = 0; i < veces; i++) {
    lock.acquire();
    contador.value += 1;
    lock.release();
  }
}

/** Lo mismo con un Lock y un Value que llegan en `args`, dentro de un objeto. */
export function sumarConLoRecibido({ l, v }: { l: Lock; v: Value }, veces: number) {
  for (let i = 0; i < veces; i++) {
    l.acquire();
    v.value += 1;
    l.release();
  }
}

/** Entra `veces` veces por el semáforo; `cuenta`: [dentro ahora, máximo visto]. */
export function pasarPorElSemaforo(semaforo: Semaphore, cuenta: Int32Array, veces: number) {
  for (let i = 0; i < veces; i++) {
    semaforo.acquire();
    const dentro = Atomics.add(cuenta, 0, 1) + 1;
    let maximo;
    while ((maximo = Atomics.load(cuenta, 1)) < dentro) {
      Atomics.compareExchange(cuenta, 1, maximo, dentro);
    }
    for (let j = 0; j < 1000; j++) Atomics.load(cuenta, 0); // un poco de trabajo dentro
    Atomics.sub(cuenta, 0, 1);
    semaforo.release();
  }
}

/**
 * Espera en `condicion` y anota en qué orden despierta (por su orden de llegada). Antes avisa por `avisos` de que ya
 * espera (con el Lock cogido: cuando el principal lo ve, ya está dentro de wait()).
 */
export function esperarAviso() {
  condicion.acquire();
  llegadas.value += 1;
  const llegada = llegadas.value; // 1, 2, 3: en qué orden empezó a esperar
  avisos.notify();
  condicion.wait();
  despertados[0] += 1;
  despertados[despertados[0]] = llegada;
  avisos.notify();
  condicion.release();
}

/** Duerme `segundos` y devuelve: para probar que un target que devuelve una promesa se espera. */
export async function dormirYSumar(segundos: number) {
  await new Promise((listo) => setTimeout(listo, segundos * 1000));
  sleep(0);
  contador.value += 1000;
}
