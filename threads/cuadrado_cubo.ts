/**
 * Dos threads a la vez: uno calcula el cuadrado y otro el cubo de 10.
 *
 * En JavaScript un thread es un Web Worker: otro hilo del mismo proceso, con su propia
 * memoria, que carga un módulo. Aquí el worker carga este mismo fichero y ejecuta la función
 * que le pedimos, como `Thread(target=printSquare, args=(10,))`. `join()` espera el aviso del
 * worker de que ha terminado; por eso "Fin del programa" sale siempre el último.
 *
 * Este fichero también define la clase `Thread` que usan los demás ejemplos de threads/.
 *
 * @python Apartado 2 «Threads», primer ejemplo: printSquare, printCube, Thread(target, args), start(), join()
 * @ejecutar deno run --allow-read threads/cuadrado_cubo.ts
 * @salida
 *   Cuadrado: 100  (en cualquier orden)
 *   Cubo: 1000  (en cualquier orden)
 *   Fin del programa
 */

import { leerOpciones, terminarConError } from "../opciones.ts";

function printSquare(num: number) {
  console.log(`Cuadrado: ${num ** 2}`);
}

function printCube(num: number) {
  console.log(`Cubo: ${num ** 3}`);
}

// ---------------------------------------------------------------------------------------
// El Thread de Python sobre un Web Worker (lo reutilizan los demás ejemplos de threads/).
// ---------------------------------------------------------------------------------------

/** Una tarea que un thread puede ejecutar: una función con nombre. */
// deno-lint-ignore no-explicit-any
export type Tarea = (...args: any[]) => unknown;

/**
 * ¿Este código se ejecuta dentro de un worker? Ojo: `import.meta.main` también es `true`
 * dentro de un worker que carga el mismo fichero, así que no sirve para distinguirlo.
 * `WorkerGlobalScope` solo existe dentro de los workers.
 */
export const enUnWorker = "WorkerGlobalScope" in globalThis;

let threadsCreados = 0;

/** `Thread(target=..., args=..., name=...)` de Python: `start()` lo arranca, `join()` lo espera. */
export class Thread {
  readonly name: string;
  #modulo: string;
  #target: Tarea;
  #args: unknown[];
  #fin: Promise<void> = Promise.resolve();

  /** `modulo` es el fichero que cargará el worker: el del propio script (`import.meta.url`). */
  constructor(modulo: string, opciones: { target: Tarea; args?: unknown[]; name?: string }) {
    threadsCreados++;
    this.#modulo = modulo;
    this.#target = opciones.target;
    this.#args = opciones.args ?? [];
    this.name = opciones.name ?? `Thread-${threadsCreados}`;
  }

  start(): void {
    // Un worker carga su módulo del disco: sin --allow-read no puede arrancar.
    const lectura = Deno.permissions.querySync({ name: "read", path: new URL(this.#modulo) });
    if (lectura.state !== "granted") {
      terminarConError(
        `El thread ${this.name} no puede cargar su módulo: falta el permiso --allow-read ` +
          "(ejecuta el script con: deno run --allow-read ...).",
      );
    }
    const worker = new Worker(this.#modulo, { type: "module", name: this.name });
    this.#fin = new Promise((resolve) => {
      worker.onmessage = ({ data }: MessageEvent<{ error?: string }>) => {
        worker.terminate();
        // Si la tarea falla, lo decimos en una frase y terminamos: nunca nos quedamos colgados.
        if (data.error !== undefined) {
          terminarConError(`Error en el thread ${this.name}: ${data.error}`);
        }
        resolve();
      };
      worker.onerror = (evento) => {
        evento.preventDefault();
        terminarConError(`Error en el thread ${this.name}: ${evento.message}`);
      };
    });
    // El worker recibe el nombre de la función y sus argumentos (las funciones no se pueden
    // enviar a otro hilo; un SharedArrayBuffer sí, y entonces los dos ven la misma memoria).
    worker.postMessage({ target: this.#target.name, args: this.#args });
  }

  join(): Promise<void> {
    return this.#fin;
  }
}

/**
 * La otra mitad de `Thread`, dentro del worker: espera la orden, ejecuta la tarea pedida y
 * avisa al programa principal de que ha terminado.
 */
export function atenderThread(tareas: Record<string, Tarea>): void {
  // En un fichero que es a la vez principal y worker, `self` está tipado como la ventana.
  const worker = self as unknown as {
    onmessage: (evento: MessageEvent<{ target: string; args: unknown[] }>) => void;
    postMessage(mensaje: unknown): void;
  };
  worker.onmessage = async ({ data: { target, args } }) => {
    try {
      if (!(target in tareas)) {
        throw new Error(`la función ${target} no está en atenderThread({ ... })`);
      }
      await tareas[target](...args);
      worker.postMessage({});
    } catch (error) {
      worker.postMessage({ error: error instanceof Error ? error.message : String(error) });
    }
  };
}

// ---------------------------------------------------------------------------------------

// Ejecutado solo en el programa principal (el `if __name__ == "__main__":` de Python);
// dentro de un worker, este fichero solo ofrece sus tareas.
if (import.meta.main && enUnWorker) {
  atenderThread({ printSquare, printCube });
} else if (import.meta.main) {
  leerOpciones("deno run --allow-read threads/cuadrado_cubo.ts", {});

  // Crear threads
  const t1 = new Thread(import.meta.url, { target: printSquare, args: [10] });
  const t2 = new Thread(import.meta.url, { target: printCube, args: [10] });

  // Ejecutar threads
  t1.start();
  t2.start();

  // Esperar a la finalización de los threads
  await t1.join();
  await t2.join();

  console.log("Fin del programa");
}
