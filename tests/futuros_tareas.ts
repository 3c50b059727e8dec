// Tareas para probar concurrent_futures.ts en el proceso del test (tests/concurrent_futures_test.ts):
// los threads del pool importan este módulo y ejecutan sus funciones, como las de un ejemplo.
import { current_thread, sleep } from "../threads/threading.ts";
import { Queue } from "../threads/queue.ts";

export function doble(x: number): number {
  return 2 * x;
}

/** Un texto y un objeto: resultados que no son números. */
export function ficha(nombre: string, edad: number) {
  return { texto: `${nombre} tiene ${edad}`, hilo: current_thread().name, lista: [nombre, edad] };
}

export function falla(x: number): number {
  if (x === 3) throw new RangeError(`el ${x} no vale`);
  return x;
}

/** Duerme `segundos` y devuelve lo que le den. */
export function dormir(segundos: number, valor: unknown = segundos) {
  sleep(segundos);
  return valor;
}

/**
 * Espera a que exista el fichero `ruta` (lo crea el test cuando quiere): una tarea lenta que
 * no depende del reloj. Un Event no vale: no puede ir en los argumentos de una tarea.
 */
export function esperar(ruta: string) {
  for (let vez = 0; vez < 3000; vez++) { // 30 s como mucho
    try {
      Deno.statSync(ruta);
      return "listo";
    } catch {
      sleep(0.01);
    }
  }
  return "nadie creó el fichero";
}

export async function asincrona(x: number) {
  await new Promise((listo) => setTimeout(listo, 10));
  return x + 1;
}

export function devuelveUnaFuncion() {
  return () => 1;
}

/** Las tareas que ha hecho este thread (no es memoria compartida: cada thread, la suya). */
let hechas = 0;

/** Dice en qué turno la hace su thread: con un solo thread, el orden en que empiezan. */
export function turno(marca: string): string {
  return `${++hechas}.ª: ${marca}`;
}

/** El `sys.exit()` de un alumno dentro de una tarea. */
export function salir() {
  Deno.exit(3);
}

/** Un objeto de una clase: volvería sin sus métodos. */
export class Punto {
  constructor(readonly x: number) {}
  doble() {
    return 2 * this.x;
  }
}

export function devuelveUnPunto() {
  return new Punto(1);
}

/** Devuelve lo que recibe: lo que viaja de ida y vuelta. */
export function eco<T>(valor: T): T {
  return valor;
}

/** Un error del alumno, con un campo suyo. */
export class MiError extends Error {
  codigo = 7;
}

export function lanzaMiError() {
  throw new MiError("mío");
}

/** `q.get(False)` con la cola vacía: `queue.Empty`, como en Python. */
export function colaVacia() {
  return new Queue().get(false);
}
