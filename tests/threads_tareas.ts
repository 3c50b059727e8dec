// Tareas para probar threading.ts dentro del proceso del test (tests/threading_test.ts):
// los workers importan este módulo y ejecutan sus funciones, como las de un ejemplo.
import {
  Barrier,
  BrokenBarrierError,
  compartido,
  Condition,
  current_thread,
  Event,
  get_ident,
  Lock,
  RLock,
  Semaphore,
  sleep,
  Value,
} from "../threads/threading.ts";

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

/** Lo mismo, con el Lock y el Value dentro de un Map. */
export function sumarConElMapa(m: Map<string, Lock | Value>, veces: number) {
  sumarConLoRecibido({ l: m.get("l") as Lock, v: m.get("v") as Value }, veces);
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

// ---------------------------------------------------------------------------------------
// RLock, Event, Barrier, notify(n), get_ident
// ---------------------------------------------------------------------------------------

export const rlock = new RLock();
export const evento = new Event();
export const rondas = new Value(0);
/** La acción de la Barrier: la ejecuta el último en llegar, una vez por ronda. */
export function contarRonda() {
  rondas.value += 1;
}
export const barrera = new Barrier(4, contarRonda);
/** [índice devuelto por wait()] de cada thread en cada ronda: fila = ronda, columna = thread. */
export const indices = compartido(4 * 3);
export const resultados = compartido(8);

/** Suma `veces` veces cogiendo el RLock dos veces (una dentro de otra). */
export function sumarConRLock(veces: number) {
  for (let i = 0; i < veces; i++) {
    rlock.acquire();
    rlock.acquire();
    contador.value += 1;
    rlock.release();
    rlock.release();
  }
}

/** Intenta soltar el RLock que tiene otro thread: anota 1 si le dan RuntimeError. */
export function soltarElRLockAjeno(hueco: number) {
  try {
    rlock.release();
  } catch (error) {
    if ((error as Error).name === "RuntimeError") resultados[hueco] = 1;
  }
}

/** Espera el Event y anota que despertó (en `resultados[0]`). */
export function esperarElEvento() {
  llegadas.value += 0; // nada: solo para usar el módulo igual que los demás
  if (evento.wait()) Atomics.add(resultados, 0, 1);
}

/** Pasa 3 rondas por la Barrier; anota el índice que le da wait() en cada una. */
export function pasarLaBarrera(yo: number) {
  for (let ronda = 0; ronda < 3; ronda++) indices[ronda * 4 + yo] = barrera.wait();
}

/** Espera en una Barrier que no se completa: anota 1 si recibe BrokenBarrierError. */
export function esperarLaRota(b: Barrier, hueco: number) {
  Atomics.add(resultados, 7, 1); // ya va a esperar
  try {
    b.wait();
  } catch (error) {
    if (error instanceof BrokenBarrierError) resultados[hueco] = 1;
  }
}

/** Espera en `condicion` hasta un notify; cuenta los despiertos en `despertados[0]`. */
export function esperarYContar() {
  condicion.acquire();
  llegadas.value += 1;
  avisos.notify();
  condicion.wait();
  despertados[0] += 1;
  avisos.notify();
  condicion.release();
}

/** Anota su get_ident() y su nombre: `resultados[hueco]`, y si el nombre es el suyo. */
export function anotarIdent(hueco: number, nombre: string) {
  resultados[hueco] = get_ident();
  resultados[hueco + 1] = current_thread().name === nombre ? 1 : 0;
}

/** Para un Timer: suma 1 al contador. */
export function sumarUno() {
  contador.value += 1;
}

/** Suelta un Lock que cogió otro thread (en Python se puede: un Lock no tiene dueño). */
export function soltarLoRecibido(l: Lock) {
  l.release();
}
