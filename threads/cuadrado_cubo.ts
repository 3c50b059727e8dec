/**
 * Dos threads a la vez: uno calcula el cuadrado y otro el cubo de 10.
 *
 * Igual que en Python: `Thread(target=printSquare, args=(10,))`, `start()` y `join()`. En
 * JavaScript cada thread es un Web Worker, otro hilo del mismo proceso (threading.ts lo
 * explica). Las funciones llevan `export` porque el thread las busca por su nombre en este
 * módulo, como hace el `multiprocessing` de Python. `join()` espera a que el thread termine
 * (con `await`); por eso "Fin del programa" sale siempre el último.
 *
 * @python Apartado 2 «Threads», primer ejemplo: printSquare, printCube, Thread(target, args),
 *   start(), join()
 * @ejecutar deno run --allow-read threads/cuadrado_cubo.ts
 * @copiar también threading.ts y traza.ts, a su lado: los importa de allí
 * @salida
 *   Cubo: 1000
 *   Cuadrado: 100
 *   Fin del programa
 * @cambia Cuadrado y Cubo pueden salir en cualquier orden; "Fin del programa" siempre es la última.
 */

import { leerOpciones, Thread } from "./threading.ts";

export function printSquare(num: number) {
  console.log(`Cuadrado: ${num ** 2}`);
}

export function printCube(num: number) {
  console.log(`Cubo: ${num ** 3}`);
}

// Ejecutado solo en el programa principal
if (import.meta.main) {
  leerOpciones({});

  // Crear threads
  const t1 = new Thread({ target: printSquare, args: [10] });
  const t2 = new Thread({ target: printCube, args: [10] });

  // Ejecutar threads
  t1.start();
  t2.start();

  // Esperar a la finalización de los threads
  await t1.join();
  await t2.join();

  console.log("Fin del programa");
}
