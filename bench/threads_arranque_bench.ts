/**
 * Arranque de un programa entero con threads: threads/cuadrado_cubo.ts (2 threads de
 * threading.ts) frente a bench/threads_dos_workers.ts (2 workers que solo envían un mensaje,
 * lo mínimo que cuesta en Deno) y, como referencia, un programa vacío. Se ejecutan
 * alternados, `--veces` veces cada uno, y se dan el mínimo y la mediana del tiempo real.
 *
 * Ejecutar: deno run --allow-read --allow-run bench/threads_arranque_bench.ts [--veces 20]
 */

import { entero, leerOpciones } from "../threads/threading.ts";

const { veces } = leerOpciones(
  { veces: entero(20, 1, 1000, "ejecuciones de cada programa") },
  "--allow-read --allow-run",
);

const raiz = new URL("..", import.meta.url).pathname;
const programas: [string, string[]][] = [
  ["programa vacío (deno eval)", ["eval", "0"]],
  ["2 workers que solo envían un mensaje", ["run", "--allow-read", "bench/threads_dos_workers.ts"]],
  ["threads/cuadrado_cubo.ts", ["run", "--allow-read", "threads/cuadrado_cubo.ts"]],
];

const tiempos = programas.map(() => [] as number[]);
for (let vez = 0; vez < veces; vez++) {
  for (const [i, [, args]] of programas.entries()) {
    const inicio = performance.now();
    const { success } = await new Deno.Command(Deno.execPath(), { args, cwd: raiz, stdout: "null" })
      .output();
    if (!success) throw new Error(`falló: deno ${args.join(" ")}`);
    tiempos[i].push(performance.now() - inicio);
  }
}

const mediana = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// La carga de la máquina (uptime): con otros programas en marcha, las medidas valen menos.
const carga = await new Deno.Command("uptime").output()
  .then(({ stdout }) => new TextDecoder().decode(stdout).match(/load average: (.*)/)?.[1])
  .catch(() => undefined) ?? "desconocida";
console.log(`${veces} ejecuciones alternadas de cada programa (carga: ${carga})`);
for (const [i, [nombre]] of programas.entries()) {
  const [min, med] = [Math.min(...tiempos[i]), mediana(tiempos[i])].map((t) => t.toFixed(0));
  console.log(`${nombre.padEnd(40)} mínimo ${min.padStart(4)} ms, mediana ${med.padStart(4)} ms`);
}
const razon = mediana(tiempos[2]) / mediana(tiempos[1]);
console.log(`cuadrado_cubo / 2 workers (medianas): ${razon.toFixed(2)}`);
