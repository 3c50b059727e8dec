/**
 * Lectores y escritores: muchos lectores a la vez, cada escritor solo.
 *
 * Leer no cambia nada: varios lectores pueden estar dentro a la vez; un escritor cambia el
 * dato y necesita estar solo. La solución clásica: el primer lector que entra coge el turno
 * de escritura (`escritura`, un Semaphore(1)) para todos los lectores, y el último que sale
 * lo devuelve; `mutex` protege la cuenta de lectores. Quien puede quedarse sin turno son los
 * escritores (inanición): la última línea dice cuánto esperó el que más (con `--lectores 12`,
 * bastante más que con 4). Cada lector lee durante 20 ms: coinciden también en un núcleo.
 *
 * @python Apartado 2 «Threads», más allá del capítulo: Lock y Semaphore en el problema de los
 *   lectores y los escritores
 * @ejecutar deno run --allow-read threads/lectores_escritores.ts
 * @copiar también threading.ts y traza.ts, a su lado: los importa de allí
 * @salida
 *   Lector 2 lee 0 (lectores dentro: 1)
 *   Lector 1 lee 0 (lectores dentro: 2)
 *   Lector 4 lee 0 (lectores dentro: 3)
 *   Lector 3 lee 0 (lectores dentro: 4)
 *   Escritor 1 escribe 1 (esperó 12 ms; solo él dentro)
 *   Escritor 2 escribe 2 (esperó 22 ms; solo él dentro)
 *   Lector 2 lee 2 (lectores dentro: 1)
 *   Lector 3 lee 2 (lectores dentro: 2)
 *   Lector 4 lee 2 (lectores dentro: 3)
 *   Lector 1 lee 2 (lectores dentro: 4)
 *   Escritor 1 escribe 3 (esperó 22 ms; solo él dentro)
 *   Escritor 2 escribe 4 (esperó 21 ms; solo él dentro)
 *   Lector 2 lee 4 (lectores dentro: 1)
 *   Lector 1 lee 4 (lectores dentro: 2)
 *   Lector 4 lee 4 (lectores dentro: 3)
 *   Lector 3 lee 4 (lectores dentro: 4)
 *   Escritor 1 escribe 5 (esperó 22 ms; solo él dentro)
 *   Escritor 2 escribe 6 (esperó 24 ms; solo él dentro)
 *   Lo que más esperó un escritor su turno: 24 ms
 *   Lectores a la vez: como mucho 4; escritores con alguien dentro: 0
 * @cambia Quién entra antes, cuántos lectores coinciden y cuánto espera un escritor cambian en cada
 *   ejecución; un escritor nunca tiene a nadie dentro.
 */

import { entero, leerOpciones, Lock, Semaphore, sleep, Thread, Value } from "./threading.ts";

const mutex = new Lock(); // protege `lectores`
// El turno de escribir: un escritor, o todos los lectores. Un Semaphore(1) y no un Lock: lo
// coge el primer lector y lo suelta el último, que puede ser otro thread (un Lock de Python
// también se puede soltar desde otro thread, pero un semáforo dice mejor lo que es: una plaza
// que cualquiera devuelve).
const escritura = new Semaphore(1);
const lectores = new Value(0); // lectores que están dentro (o entrando)
const dato = new Value(0); // lo que se lee y se escribe

// Lo que se mide, siempre con `cuentas` cogido (que también imprime: las líneas salen en el
// orden real).
const cuentas = new Lock();
const lectoresDentro = new Value(0);
const escritoresDentro = new Value(0);
const maximoDeLectores = new Value(0);
const escritoresConAlguien = new Value(0);
const esperaMaxima = new Value(0); // en ms: lo que más esperó un escritor su turno

export function lector(n: number, veces: number) {
  for (let i = 0; i < veces; i++) {
    mutex.acquire();
    lectores.value += 1;
    // El primero coge el turno para todos. Mientras quede un lector dentro, los que llegan
    // entran sin esperar: si siempre llega alguno antes de que salga el último, el escritor
    // espera para siempre (inanición). El arreglo habitual es un torniquete: un Lock más que
    // el escritor coge mientras espera y que cada lector coge y suelta al llegar, así los
    // lectores nuevos hacen cola detrás del escritor.
    if (lectores.value === 1) escritura.acquire();
    mutex.release();

    cuentas.acquire();
    lectoresDentro.value += 1;
    maximoDeLectores.value = Math.max(maximoDeLectores.value, lectoresDentro.value);
    if (escritoresDentro.value > 0) escritoresConAlguien.value += 1;
    console.log(`Lector ${n} lee ${dato.value} (lectores dentro: ${lectoresDentro.value})`);
    cuentas.release();
    sleep(0.02); // leer lleva su tiempo: mientras, entran otros lectores
    cuentas.acquire();
    lectoresDentro.value -= 1;
    cuentas.release();

    mutex.acquire();
    lectores.value -= 1;
    if (lectores.value === 0) escritura.release(); // el último devuelve el turno
    mutex.release();
    sleep(0.005);
  }
}

export function escritor(n: number, veces: number) {
  for (let i = 0; i < veces; i++) {
    sleep(0.01);
    const desde = performance.now();
    escritura.acquire();
    const espera = Math.round(performance.now() - desde);

    cuentas.acquire();
    if (lectoresDentro.value > 0 || escritoresDentro.value > 0) escritoresConAlguien.value += 1;
    escritoresDentro.value += 1;
    esperaMaxima.value = Math.max(esperaMaxima.value, espera);
    dato.value += 1;
    console.log(`Escritor ${n} escribe ${dato.value} (esperó ${espera} ms; solo él dentro)`);
    cuentas.release();
    sleep(0.01);
    cuentas.acquire();
    escritoresDentro.value -= 1;
    cuentas.release();

    escritura.release();
  }
}

if (import.meta.main) {
  const { lectores, escritores, veces } = leerOpciones({
    lectores: entero(4, 1, 20, "threads lectores"),
    escritores: entero(2, 1, 20, "threads escritores"),
    veces: entero(3, 1, 100, "lecturas o escrituras de cada thread"),
  });

  const threads = [];
  for (let n = 1; n <= lectores; n++) {
    threads.push(new Thread({ target: lector, args: [n, veces], name: `lector${n}` }));
  }
  for (let n = 1; n <= escritores; n++) {
    threads.push(new Thread({ target: escritor, args: [n, veces], name: `escritor${n}` }));
  }

  for (const t of threads) t.start();
  for (const t of threads) await t.join();

  console.log(`Lo que más esperó un escritor su turno: ${esperaMaxima.value} ms`);
  console.log(
    `Lectores a la vez: como mucho ${maximoDeLectores.value}; ` +
      `escritores con alguien dentro: ${escritoresConAlguien.value}`,
  );
}
