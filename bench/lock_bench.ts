/**
 * Rendimiento del Lock de threads/threading.ts, al lado de sus referencias, en la misma
 * ejecución: 2 threads x 1.000.000 de veces acquire / `+= 1` / release, medido desde que la
 * barrera de salida suelta a los dos hasta que acaban los dos (sin contar el arranque).
 *
 * - Lock de threading.ts, en 2 workers (también con el JIT ya caliente: antes de medir, cada
 *   worker da 200.000 vueltas con un Lock suyo; y, aparte, 1 worker solo: sin competencia);
 * - `Atomics.add` sin Lock: el suelo, lo más rápido que se puede sumar entre dos workers;
 * - C con `pthread_mutex` de glibc (bench/referencias/mutex.c, compilado aquí con `cc`);
 * - Python con `threading.Lock` (bench/referencias/lock.py, si hay python3).
 *
 * Ejecutar: deno run --allow-read --allow-run --allow-write bench/lock_bench.ts [--rondas 7]
 * (--allow-write: la carpeta temporal donde se compila el programa de C.)
 */

import { fileURLToPath } from "node:url";
import { entero, leerOpciones, Lock, Thread, Value } from "../threads/threading.ts";

const lock = new Lock();
const contador = new Value(0);

const ahora = () => performance.timeOrigin + performance.now();

/**
 * Cada thread anota cuándo empieza y cuándo acaba: `tiempos[2 * yo]` y `tiempos[2 * yo + 1]`.
 * Con `calentar`, antes da esas vueltas con un Lock y un Value suyos (sin competencia), para
 * que el JIT de V8 ya haya optimizado el bucle, y espera al otro en `listos` antes de medir.
 */
export function conLock(
  veces: number,
  tiempos: Float64Array,
  yo: number,
  calentar = 0,
  listos?: Int32Array,
) {
  if (calentar > 0 && listos) {
    const suyo = new Lock();
    const cuenta = new Value(0);
    for (let i = 0; i < calentar; i++) {
      suyo.acquire();
      cuenta.value += 1;
      suyo.release();
    }
    Atomics.add(listos, 0, 1);
    while (Atomics.load(listos, 0) < 2); // los dos calientes: salen juntos
  }
  tiempos[2 * yo] = ahora();
  for (let i = 0; i < veces; i++) {
    lock.acquire();
    contador.value += 1;
    lock.release();
  }
  tiempos[2 * yo + 1] = ahora();
}

export function conAtomics(veces: number, tiempos: Float64Array, yo: number) {
  const enteros = new Int32Array(tiempos.buffer, 32, 1); // tras los 4 tiempos
  tiempos[2 * yo] = ahora();
  for (let i = 0; i < veces; i++) Atomics.add(enteros, 0, 1);
  tiempos[2 * yo + 1] = ahora();
}

/** Mide `target` en `hilos` workers; devuelve los ms desde el primero que sale hasta el último que acaba. */
async function medir(
  target: typeof conLock,
  hilos: number,
  veces: number,
  calentar = 0,
): Promise<number> {
  const tiempos = new Float64Array(new SharedArrayBuffer(40));
  const listos = new Int32Array(new SharedArrayBuffer(4));
  contador.value = 0;
  const threads = Array.from(
    { length: hilos },
    (_, yo) => new Thread({ target, args: [veces, tiempos, yo, calentar, listos] }),
  );
  for (const t of threads) t.start();
  for (const t of threads) await t.join();
  const suma = target === conLock ? contador.value : new Int32Array(tiempos.buffer, 32, 1)[0];
  if (suma !== hilos * veces) throw new Error(`${target.name}: ${suma} de ${hilos * veces}`);
  const inicios = [...Array(hilos).keys()].map((yo) => tiempos[2 * yo]);
  const fines = [...Array(hilos).keys()].map((yo) => tiempos[2 * yo + 1]);
  return Math.max(...fines) - Math.min(...inicios);
}

/** Ejecuta un programa que escribe sus milisegundos; `null` si no se puede. */
async function programa(orden: string, args: string[]): Promise<number | null> {
  try {
    const { success, stdout } = await new Deno.Command(orden, { args, stderr: "null" }).output();
    return success ? Number(new TextDecoder().decode(stdout)) : null;
  } catch {
    return null;
  }
}

async function compilarC(): Promise<string | null> {
  const carpeta = await Deno.makeTempDir({ prefix: "lock_bench_" });
  const fuente = fileURLToPath(new URL("./referencias/mutex.c", import.meta.url));
  const binario = `${carpeta}/mutex`;
  const { success } = await new Deno.Command("cc", {
    args: ["-O2", "-pthread", fuente, "-o", binario],
  }).output().catch(() => ({ success: false }));
  return success ? binario : null;
}

const mediana = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(1).padStart(7)} ms`;

if (import.meta.main) {
  const { rondas, veces } = leerOpciones({
    rondas: entero(7, 1, 100, "veces que se repite cada medida"),
    veces: entero(1_000_000, 1, 100_000_000, "acquire / += 1 / release de cada thread"),
  }, "--allow-read --allow-run --allow-write");

  const binario = await compilarC();
  if (!binario) console.log("(sin cc: no se mide el pthread_mutex de C)");
  const python = fileURLToPath(new URL("./referencias/lock.py", import.meta.url));

  const filas: [string, (() => Promise<number | null>)][] = [
    ["Lock de threading.ts, 2 workers", () => medir(conLock, 2, veces)],
    ["Lock de threading.ts, 2 workers, JIT ya caliente", () => medir(conLock, 2, veces, 200_000)],
    ["Lock de threading.ts, 1 worker (sin competencia)", () => medir(conLock, 1, veces)],
    ["Atomics.add sin Lock, 2 workers (el suelo)", () => medir(conAtomics, 2, veces)],
    ["C, pthread_mutex, 2 hilos", () => binario ? programa(binario, [String(veces)]) : null!],
    ["Python, threading.Lock, 2 threads", () => programa("python3", [python, String(veces)])],
  ];
  const medidas = new Map<string, number[]>();
  for (let ronda = 0; ronda < rondas; ronda++) {
    // Alternadas, ronda a ronda: si la máquina se ocupa, se ocupa para todas.
    for (const [nombre, medida] of filas) {
      const valor = await medida();
      if (valor !== null && !Number.isNaN(valor)) {
        medidas.set(nombre, [...(medidas.get(nombre) ?? []), valor]);
      }
    }
  }
  // La carga de la máquina (uptime): con otros programas en marcha, las medidas valen menos.
  const carga = await new Deno.Command("uptime").output()
    .then(({ stdout }) => new TextDecoder().decode(stdout).match(/load average: (.*)/)?.[1])
    .catch(() => undefined) ?? "desconocida";
  console.log(`2 x ${veces} acquire / += 1 / release, ${rondas} rondas (carga: ${carga})`);
  console.log(`${"".padEnd(50)}  mínimo     mediana    máximo`);
  for (const [nombre, valores] of medidas) {
    console.log(
      `${nombre.padEnd(50)}${ms(Math.min(...valores))}${ms(mediana(valores))}${
        ms(Math.max(...valores))
      }`,
    );
  }
  const lockMs = mediana(medidas.get(filas[0][0])!);
  const calienteMs = mediana(medidas.get(filas[1][0])!);
  const c = medidas.get(filas[4][0]);
  const py = medidas.get(filas[5][0]);
  if (c) {
    const razon = (x: number) => (x / mediana(c)).toFixed(2);
    console.log(
      `Lock / pthread_mutex (medianas): ${razon(lockMs)}; con el JIT caliente: ${
        razon(calienteMs)
      }`,
    );
    // Ronda a ronda (las dos medidas, una tras otra): lo que la carga cambia les toca a las dos.
    const lock = medidas.get(filas[0][0])!;
    if (c.length === lock.length) {
      const razones = lock.map((x, i) => x / c[i]);
      console.log(
        `Lock / pthread_mutex, ronda a ronda: mediana ${mediana(razones).toFixed(2)} ` +
          `(de ${Math.min(...razones).toFixed(2)} a ${Math.max(...razones).toFixed(2)})`,
      );
    }
  }
  if (py) console.log(`Python / Lock (medianas): ${(mediana(py) / lockMs).toFixed(1)}`);
  if (binario) await Deno.remove(binario.replace(/\/mutex$/, ""), { recursive: true });
}
