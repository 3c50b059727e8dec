/**
 * Procesos frente a hilos: el mismo cálculo en el hilo principal, en 2 workers y en 2 procesos.
 *
 * El capítulo explica que con varios núcleos los procesos se ejecutan de verdad a la vez y
 * que los hilos comparten el proceso que los crea. Aquí se ve con números: contar los primos
 * menores que 8.000.000 primero en el hilo principal, después repartido entre 2 workers
 * (hilos de este mismo proceso: el mismo pid) y después entre 2 procesos nuevos
 * (`Deno.Command` ejecuta este mismo script con `--parte`: cada uno con su pid).
 *
 * Con 2 núcleos, los workers y los procesos tardan casi la mitad. En Python no pasaría con
 * threads: el GIL (un cerrojo global de CPython) deja ejecutar Python a un solo thread cada
 * vez, así que dos threads que calculan tardan lo mismo que uno, y para calcular en paralelo
 * hacen falta procesos (`multiprocessing`). Los workers de JavaScript no tienen GIL: cada uno
 * tiene su propio motor y corre en su núcleo. Arrancar un proceso cuesta más que arrancar un
 * worker (hay que cargar Deno entero otra vez), y no comparten memoria.
 *
 * @python Apartado 2 «Threads», primer párrafo: multiprocesamiento (procesos) frente a multihilo (threads), getpid()
 * @ejecutar deno run --allow-read --allow-run threads/procesos_hilos.ts
 * @salida
 *   Contar los primos menores que 8000000 (núcleos de este equipo: <n>)
 *   1 hilo, el principal (pid <pid>): 539777 primos en <t> ms
 *   2 workers (pid <pid> y <pid>): 539777 primos en <t> ms, <x> veces más rápido
 *   2 procesos (pid <pid> y <pid>): 539777 primos en <t> ms, <x> veces más rápido
 *   Los workers tienen el pid del programa principal; cada proceso tiene uno nuevo.
 */

import { leerOpciones, terminarConError } from "../opciones.ts";
import { atenderThread, enUnWorker, Thread } from "./cuadrado_cubo.ts";
import { memoriaCompartida } from "./carrera.ts";

function esPrimo(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let divisor = 3; divisor * divisor <= n; divisor += 2) {
    if (n % divisor === 0) return false;
  }
  return true;
}

/** Tamaño de los tramos en que se reparte el trabajo. */
const TRAMO = 10_000;

/**
 * Cuenta los primos menores que `limite` en la parte `parte` de `partes`: los tramos de
 * 10.000 números se reparten por turnos (los números grandes cuestan más, así ninguna parte
 * se lleva solo los caros).
 */
function contarPrimos(parte: number, partes: number, limite: number): number {
  let primos = 0;
  for (let inicio = parte * TRAMO; inicio < limite; inicio += partes * TRAMO) {
    for (let n = inicio; n < Math.min(inicio + TRAMO, limite); n++) {
      if (esPrimo(n)) primos++;
    }
  }
  return primos;
}

/** En un worker: cuenta su parte y deja el resultado y su pid en la memoria compartida. */
function contarEnWorker(parte: number, partes: number, limite: number, resultados: Int32Array) {
  resultados[parte] = contarPrimos(parte, partes, limite);
  resultados[partes + parte] = Deno.pid;
}

const uso = "deno run --allow-read --allow-run threads/procesos_hilos.ts [--limite 8000000]";

if (import.meta.main && enUnWorker) {
  atenderThread({ contarEnWorker });
} else if (import.meta.main) {
  const { limite, parte } = leerOpciones(uso, {
    limite: { defecto: 8_000_000, min: 2, max: 1_000_000_000 },
    parte: { defecto: -1, min: 0, max: 1 }, // uso interno: así se lanza cada proceso hijo
  });

  if (parte >= 0) {
    // Somos uno de los 2 procesos hijos: contamos nuestra parte y la escribimos.
    console.log(contarPrimos(parte, 2, limite));
  } else {
    if (Deno.permissions.querySync({ name: "run" }).state !== "granted") {
      terminarConError(
        `Para lanzar los 2 procesos hace falta el permiso --allow-run. Ejecuta: ${uso}`,
      );
    }
    const ms = (desde: number) => Math.round(performance.now() - desde);
    const rapidez = (t: number) => (t1 / t).toFixed(1).replace(".", ",");
    console.log(
      `Contar los primos menores que ${limite} (núcleos de este equipo: ${navigator.hardwareConcurrency})`,
    );

    // 1. Todo en el hilo principal.
    let inicio = performance.now();
    const total = contarPrimos(0, 1, limite);
    const t1 = ms(inicio);
    console.log(`1 hilo, el principal (pid ${Deno.pid}): ${total} primos en ${t1} ms`);

    // 2. Repartido entre 2 workers: hilos del mismo proceso.
    inicio = performance.now();
    const resultados = memoriaCompartida(4); // [primos 0, primos 1, pid 0, pid 1]
    const w0 = new Thread(import.meta.url, {
      target: contarEnWorker,
      args: [0, 2, limite, resultados],
    });
    const w1 = new Thread(import.meta.url, {
      target: contarEnWorker,
      args: [1, 2, limite, resultados],
    });
    w0.start();
    w1.start();
    await w0.join();
    await w1.join();
    const t2 = ms(inicio);
    const enWorkers = resultados[0] + resultados[1];
    console.log(
      `2 workers (pid ${resultados[2]} y ${resultados[3]}): ${enWorkers} primos en ${t2} ms, ${
        rapidez(t2)
      } veces más rápido`,
    );

    // 3. Repartido entre 2 procesos: este mismo script, lanzado con --parte 0 y --parte 1.
    inicio = performance.now();
    const procesos = [0, 1].map((p) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", import.meta.filename!, "--parte", String(p), "--limite", String(limite)],
        stdout: "piped",
      }).spawn()
    );
    const salidas = await Promise.all(procesos.map((proceso) => proceso.output()));
    const t3 = ms(inicio);
    const enProcesos = salidas.reduce(
      (suma, { stdout }) => suma + Number(new TextDecoder().decode(stdout)),
      0,
    );
    console.log(
      `2 procesos (pid ${procesos[0].pid} y ${
        procesos[1].pid
      }): ${enProcesos} primos en ${t3} ms, ${rapidez(t3)} veces más rápido`,
    );

    const mismoPid = resultados[2] === Deno.pid && resultados[3] === Deno.pid;
    const pidsNuevos = procesos.every((proceso) => proceso.pid !== Deno.pid) &&
      procesos[0].pid !== procesos[1].pid;
    if (enWorkers !== total || enProcesos !== total || !mismoPid || !pidsNuevos) {
      terminarConError("Error: los resultados o los pid no son los esperados.");
    }
    console.log("Los workers tienen el pid del programa principal; cada proceso tiene uno nuevo.");
  }
}
