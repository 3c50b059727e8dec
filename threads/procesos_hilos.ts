/**
 * Procesos frente a hilos: el mismo cálculo en el hilo principal, en 2 workers y en 2 procesos.
 *
 * Contar los primos menores que 4.000.000 en el hilo principal, después repartido entre 2
 * workers (hilos de este proceso: el mismo pid) y después entre 2 procesos nuevos (este
 * script otra vez, con `--parte`: cada uno con su pid). Cada tiempo sale en % del de 1 hilo:
 * con 2 núcleos libres, algo más del 50 % (arrancar también cuesta); por encima del 100 %,
 * repartir fue más lento que no repartir. Sin GIL, los workers calculan de verdad a la vez
 * (en Python harían falta procesos). Ctrl+C también termina a los procesos hijos.
 *
 * @python Apartado 2 «Threads», primer párrafo: multiprocesamiento (procesos) frente a multihilo
 *   (threads), getpid()
 * @ejecutar deno run --allow-read --allow-run threads/procesos_hilos.ts
 * @copiar también threading.ts y traza.ts, a su lado: los importa de allí
 * @salida
 *   Contar los primos menores que 4000000 (núcleos de este equipo: 2)
 *   1 hilo, el principal (pid 9233): 283146 primos en 676 ms
 *   2 workers (pid 9233 y 9233): 283146 primos en 395 ms, el 58 % del tiempo de 1 hilo
 *   2 procesos (pid 9259 y 9260) en marcha...
 *   2 procesos: 283146 primos en 474 ms, el 70 % del tiempo de 1 hilo
 *   Con 2 núcleos libres, repartir en 2 baja a algo más del 50 %: arrancar también cuesta.
 *   Si un tiempo pasa del 100 %, fue más lento que 1 hilo: otros programas ocupaban los núcleos, las 2 partes se turnaron en uno y además pagaron el arranque.
 *   Los workers tienen el pid del programa principal; cada proceso tiene uno nuevo.
 * @cambia Los pids y los tiempos cambian en cada ejecución (y cuánto más rápido, según lo libres
 *   que estén los núcleos); los primos, no.
 */

import {
  compartido,
  entero,
  leerOpciones,
  sinPermiso,
  terminarConError,
  Thread,
} from "./threading.ts";

const resultados = compartido(4); // [primos del worker 0, del worker 1, pid del 0, pid del 1]

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
export function contarEnWorker(parte: number, limite: number) {
  resultados[parte] = contarPrimos(parte, 2, limite);
  resultados[2 + parte] = Deno.pid;
}

const unNucleo = navigator.hardwareConcurrency < 2;

/**
 * Cuánto tarda repartido, en % de lo que tarda el hilo principal solo (no «0,9 veces más
 * rápido», que no quiere decir nada). Con un solo núcleo, la frase dice por qué no gana.
 */
function comparar(solo: number, repartido: number): string {
  if (unNucleo) return "sin ganar tiempo: con un solo núcleo, las dos partes se turnan";
  return `el ${Math.round((100 * repartido) / solo)} % del tiempo de 1 hilo`;
}

if (import.meta.main) {
  const permisos = "--allow-read --allow-run";
  const { limite, parte } = leerOpciones({
    limite: entero(4_000_000, 2, 1_000_000_000, "contar los primos menores que este número"),
    parte: entero(-1, 0, 1, ""), // interna: así se lanza cada proceso hijo
  }, permisos);

  if (parte >= 0) {
    // Somos uno de los 2 procesos hijos: contamos nuestra parte y la escribimos.
    console.log(contarPrimos(parte, 2, limite));
    Deno.exit(0);
  }
  // Los permisos, antes de contar nada: --allow-read para los workers, --allow-run para
  // los procesos.
  const leer = Deno.permissions.querySync({ name: "read", path: new URL(import.meta.url) });
  const lanzar = Deno.permissions.querySync({ name: "run", command: Deno.execPath() });
  if (leer.state !== "granted" || lanzar.state !== "granted") {
    sinPermiso("lanzar los workers y los procesos");
  }
  const ms = (desde: number) => Math.round(performance.now() - desde);
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
  const w0 = new Thread({ target: contarEnWorker, args: [0, limite] });
  const w1 = new Thread({ target: contarEnWorker, args: [1, limite] });
  w0.start();
  w1.start();
  await w0.join();
  await w1.join();
  const t2 = ms(inicio);
  const enWorkers = resultados[0] + resultados[1];
  console.log(
    `2 workers (pid ${resultados[2]} y ${resultados[3]}): ${enWorkers} primos en ${t2} ms, ${
      comparar(t1, t2)
    }`,
  );

  // 3. Repartido entre 2 procesos: este mismo script, lanzado con --parte 0 y --parte 1.
  inicio = performance.now();
  const procesos = [0, 1].map((p) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", import.meta.filename!, "--parte", String(p), "--limite", String(limite)],
      stdout: "piped",
    }).spawn()
  );
  // Un hijo no muere con su padre: si nos paran (Ctrl+C, SIGTERM) mientras cuentan, los
  // terminamos nosotros antes de salir.
  // Una sola parada, aunque la señal llegue dos veces (`deno task` reenvía el Ctrl+C).
  let parada: Promise<never> | undefined;
  const parar = (senal: "SIGINT" | "SIGTERM") => () =>
    parada ??= (async () => {
      console.error(`\nParado (${senal}): termino también los 2 procesos hijos.`);
      for (const proceso of procesos) {
        try {
          proceso.kill("SIGTERM");
        } catch {
          // ya había terminado
        }
      }
      await Promise.all(procesos.map((proceso) => proceso.status));
      Deno.exit(senal === "SIGINT" ? 130 : 143);
    })();
  const alParar = { SIGINT: parar("SIGINT"), SIGTERM: parar("SIGTERM") } as const;
  for (const senal of ["SIGINT", "SIGTERM"] as const) {
    if (Deno.build.os !== "windows" || senal === "SIGINT") {
      Deno.addSignalListener(senal, alParar[senal]);
    }
  }
  console.log(`2 procesos (pid ${procesos[0].pid} y ${procesos[1].pid}) en marcha...`);

  // Un hijo que muere (lo mata una señal, se queda sin memoria) no da su cuenta: en cuanto
  // pasa, terminamos al otro y lo decimos, en vez de sumar lo que no escribió.
  const salidas = await Promise.all(procesos.map(async (proceso) => {
    const salida = await proceso.output();
    // Ctrl+C en la terminal llega también a los hijos: uno puede morir antes de que nos llegue.
    if (salida.signal === "SIGINT") await alParar.SIGINT();
    if (parada) await parada; // los paramos nosotros: no hay que avisar de que murió uno
    if (!salida.success) {
      for (const otro of procesos) {
        try {
          otro.kill("SIGTERM");
        } catch {
          // ya había terminado
        }
      }
      const como = salida.signal ? `lo terminó la señal ${salida.signal}` : `código ${salida.code}`;
      terminarConError(`Murió un proceso hijo (pid ${proceso.pid}, ${como}): no hay cuenta.`);
    }
    return salida;
  }));
  for (const senal of ["SIGINT", "SIGTERM"] as const) {
    if (Deno.build.os !== "windows" || senal === "SIGINT") {
      Deno.removeSignalListener(senal, alParar[senal]);
    }
  }
  const t3 = ms(inicio);
  const enProcesos = salidas.reduce(
    (suma, { stdout }) => suma + Number(new TextDecoder().decode(stdout)),
    0,
  );
  console.log(`2 procesos: ${enProcesos} primos en ${t3} ms, ${comparar(t1, t3)}`);
  if (!unNucleo) {
    console.log(
      "Con 2 núcleos libres, repartir en 2 baja a algo más del 50 %: arrancar también cuesta.",
    );
    console.log(
      "Si un tiempo pasa del 100 %, fue más lento que 1 hilo: otros programas ocupaban los " +
        "núcleos, las 2 partes se turnaron en uno y además pagaron el arranque.",
    );
  }

  const mismoPid = resultados[2] === Deno.pid && resultados[3] === Deno.pid;
  const pidsNuevos = procesos.every((proceso) => proceso.pid !== Deno.pid) &&
    procesos[0].pid !== procesos[1].pid;
  if (enWorkers !== total || enProcesos !== total || !mismoPid || !pidsNuevos) {
    terminarConError("Error: los resultados o los pid no son los esperados.");
  }
  console.log("Los workers tienen el pid del programa principal; cada proceso tiene uno nuevo.");
}
