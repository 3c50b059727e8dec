/**
 * Concurrencia sin threads: varias tareas en un solo hilo que se turnan en cada `await`.
 *
 * Es lo que en Python hace `asyncio`: una función `async` es una tarea, y `Promise.all`
 * las pone en marcha juntas y espera a todas (`asyncio.gather`). Hay un solo hilo y una
 * tarea solo cede el turno en un `await`: task1 y task2 se turnan línea a línea, siempre
 * igual (con threads, carrera.ts, el orden cambia cada vez). Después, dos tareas suman 1 a
 * un contador: `contador += 1` entre dos `await` nunca pierde una suma; leer, hacer `await`
 * y escribir pierde la mitad, en cada ejecución. Sin red ni ficheros: sin ningún permiso.
 *
 * @python Apartado 2 «Threads», más allá: concurrencia sin threads, como asyncio (tareas que se
 *   turnan en cada await)
 * @ejecutar deno run threads/asincronia.ts
 * @copiar también threading.ts y traza.ts, a su lado: los importa de allí
 * @salida
 *   Tarea 1
 *   Tarea 2
 *   Tarea 1
 *   Tarea 2
 *   Tarea 1
 *   Tarea 2
 *   Con contador += 1 entre dos await:
 *   Contador: 2000 (esperado 2000)
 *   Leyendo, con un await, y escribiendo después:
 *   Contador: 1000 (esperado 2000)
 *   Actualizaciones perdidas: 1000
 *   Fin del programa
 * @cambia Nada: en un solo hilo, los turnos van siempre en el mismo orden (con --veces N, las
 *   cuentas).
 */

// Python -> JavaScript: `async def` -> `async function`; `asyncio.gather(...)` ->
// `Promise.all([...])`; `await asyncio.sleep(0)` -> `await cederTurno()`; `asyncio.run(main())`
// no hace falta: el programa ya corre en el bucle de eventos. De threading.ts, solo las
// opciones (importarlo no pide permisos: sin threads, nada lee el disco).
import { entero, leerOpciones } from "./threading.ts";

/** Como `asyncio.sleep(0)`: cede el turno a las demás tareas que estén listas, y sigue. */
function cederTurno(): Promise<void> {
  return Promise.resolve();
}

async function task1() {
  for (let i = 0; i < 3; i++) {
    console.log("Tarea 1");
    await cederTurno();
  }
}

async function task2() {
  for (let i = 0; i < 3; i++) {
    console.log("Tarea 2");
    await cederTurno();
  }
}

let contador = 0;

/** Suma de una vez: nadie puede colarse entre leer y escribir. */
async function sumar(veces: number) {
  for (let i = 0; i < veces; i++) {
    contador += 1;
    await cederTurno();
  }
}

/**
 * Lee, espera (cede el turno) y escribe: la otra tarea se cuela en medio, lee el mismo valor
 * y las dos escriben lo mismo. Las dos se turnan en cada `await`: se pierde exactamente la
 * mitad. El arreglo: no partir con un `await` lo que debe ser indivisible, o un cerrojo
 * asíncrono (`asyncio.Lock` en Python; `navigator.locks.request` en JavaScript, web_locks.ts).
 */
async function sumarConAwaitEnMedio(veces: number) {
  for (let i = 0; i < veces; i++) {
    const leido = contador;
    await cederTurno();
    contador = leido + 1;
  }
}

const { veces } = leerOpciones({
  veces: entero(1000, 1, 1_000_000, "cuántas veces suma 1 cada tarea"),
}, "");

await Promise.all([task1(), task2()]); // asyncio.gather(task1(), task2())

console.log("Con contador += 1 entre dos await:");
contador = 0;
const sumas = [sumar(veces), sumar(veces)];
await Promise.all(sumas);
// Lo esperado, de las tareas que de verdad se pusieron en marcha: `veces` cada una.
console.log(`Contador: ${contador} (esperado ${sumas.length * veces})`);

console.log("Leyendo, con un await, y escribiendo después:");
contador = 0;
const partidas = [sumarConAwaitEnMedio(veces), sumarConAwaitEnMedio(veces)];
await Promise.all(partidas);
console.log(`Contador: ${contador} (esperado ${partidas.length * veces})`);
console.log(`Actualizaciones perdidas: ${partidas.length * veces - contador}`);

console.log("Fin del programa");
