import assert from "node:assert/strict";
import { ejecutarEnUnNucleo, hayTaskset, type Resultado } from "./ayuda.ts";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";

const DATOS = [400_000, 20_000, 300_000, 10_000, 200_000, 30_000, 100_000, 5_000];

/** Los primos por debajo de `n`, con una criba: otra forma de contarlos que la del script. */
function primosPorDebajoDe(n: number): number {
  const compuesto = new Uint8Array(n);
  let primos = 0;
  for (let i = 2; i < n; i++) {
    if (compuesto[i]) continue;
    primos++;
    for (let j = i * i; j < n; j += i) compuesto[j] = 1;
  }
  return primos;
}
const PRIMOS = new Map(DATOS.map((n) => [n, primosPorDebajoDe(n)]));

/**
 * La regla: cada tarea la hace uno de los `max_workers` workers, una vez y con el resultado
 * bien contado; el programa principal imprime los resultados en el orden de las tareas y
 * cada uno después de que su worker lo termine; y al final, el pool cerrado. Devuelve
 * cuántos workers tenía el pool.
 */
function comprobar(lineas: string[]): number {
  assert.equal(lineas.length, 2 * DATOS.length + 1, lineas.join("\n"));
  const cierre = lineas.at(-1)!.match(/^Pool cerrado tras 8 tareas \(max_workers: (\d+)\)$/);
  assert.ok(cierre, lineas.at(-1));
  const workers = Number(cierre[1]);
  assert.ok(workers >= 1);
  const hechas = new Set<number>();
  let siguiente = 1;
  for (const linea of lineas.slice(0, -1)) {
    const hecha = linea.match(/^ThreadPoolExecutor-0_(\d+): hay (\d+) primos por debajo de (\d+)$/);
    const tarea = linea.match(/^Tarea (\d+): (\d+) primos por debajo de (\d+)$/);
    if (hecha) {
      const [, worker, primos, hasta] = hecha.map(Number);
      assert.ok(worker < workers, `${linea}: el pool solo tiene ${workers} workers`);
      assert.equal(primos, PRIMOS.get(hasta), `${linea}: mal contado`);
      assert.ok(!hechas.has(hasta), `${linea}: tarea hecha dos veces`);
      hechas.add(hasta);
    } else {
      assert.ok(tarea, linea);
      const [, numero, primos, hasta] = tarea.map(Number);
      assert.equal(numero, siguiente++, `${linea}: fuera del orden de las tareas`);
      assert.equal(hasta, DATOS[numero - 1], linea);
      assert.equal(primos, PRIMOS.get(hasta), linea);
      assert.ok(hechas.has(hasta), `${linea}: el resultado sale antes de que un worker lo termine`);
    }
  }
  assert.equal(siguiente, DATOS.length + 1);
  return workers;
}

function sinError({ code, stderr, lineas }: Resultado) {
  assert.equal(code, 0, stderr);
  return lineas;
}

Deno.test("pool: un worker por núcleo, cada tarea una vez y los resultados en orden (también en la cabecera y en un núcleo)", async () => {
  assert.equal(comprobar(leerCabecera("threads/pool.ts").salida), 2);
  const [normal, unNucleo] = await Promise.all([
    ejecutarCabecera("threads/pool.ts"),
    hayTaskset ? ejecutarEnUnNucleo(["run", "--allow-read", "threads/pool.ts"]) : null,
  ]);
  const workers = comprobar(normal);
  assert.equal(workers, navigator.hardwareConcurrency);
  if (workers < DATOS.length) {
    // Más tareas que workers: alguno hizo más de una.
    const nombres = normal.filter((l) => l.startsWith("ThreadPoolExecutor"))
      .map((l) => l.split(":")[0]);
    assert.ok(new Set(nombres).size < nombres.length, nombres.join(", "));
  }
  if (unNucleo) comprobar(sinError(unNucleo));
});

Deno.test("pool: la regla rechaza salidas imposibles", () => {
  const bien = leerCabecera("threads/pool.ts").salida;
  // Dos resultados cambiados de orden.
  const [t1, t2] = ["Tarea 1:", "Tarea 2:"].map((t) => bien.findIndex((l) => l.startsWith(t)));
  const desordenada = bien.with(t1, bien[t2]).with(t2, bien[t1]);
  assert.throws(() => comprobar(desordenada), /fuera del orden de las tareas/);
  // Un resultado antes de que nadie lo calcule: la línea del principal sube al principio.
  const tarea1 = bien.findIndex((l) => l.startsWith("Tarea 1:"));
  const adelantada = [bien[tarea1], ...bien.toSpliced(tarea1, 1)];
  assert.throws(() => comprobar(adelantada), /antes de que un worker lo termine/);
});
