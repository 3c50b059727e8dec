import assert from "node:assert/strict";
import { ejecutar } from "./ayuda.ts";

Deno.test("procesos_hilos: mismo resultado en los tres casos; workers con el pid del principal, procesos con uno nuevo", async () => {
  const { code, lineas, stderr } = await ejecutar([
    "run",
    "--allow-read",
    "--allow-run",
    "threads/procesos_hilos.ts",
    "--limite",
    "200000",
  ]);
  assert.equal(code, 0, stderr);
  assert.equal(lineas.length, 5, lineas.join("\n"));
  assert.match(lineas[0], /^Contar los primos menores que 200000 \(núcleos de este equipo: \d+\)$/);
  const principal = lineas[1].match(/^1 hilo, el principal \(pid (\d+)\): 17984 primos en \d+ ms$/);
  assert.ok(principal, lineas[1]);
  const pid = principal[1];
  assert.match(
    lineas[2],
    new RegExp(
      `^2 workers \\(pid ${pid} y ${pid}\\): 17984 primos en \\d+ ms, \\d+,\\d veces más rápido$`,
    ),
  );
  const procesos = lineas[3].match(
    /^2 procesos \(pid (\d+) y (\d+)\): 17984 primos en \d+ ms, \d+,\d veces más rápido$/,
  );
  assert.ok(procesos, lineas[3]);
  assert.notEqual(procesos[1], pid);
  assert.notEqual(procesos[2], pid);
  assert.notEqual(procesos[1], procesos[2]);
  assert.equal(
    lineas[4],
    "Los workers tienen el pid del programa principal; cada proceso tiene uno nuevo.",
  );
});

Deno.test("procesos_hilos: sin --allow-run lo explica y sale con 1, antes de calcular nada", async () => {
  const { code, stdout, stderr } = await ejecutar([
    "run",
    "--allow-read",
    "threads/procesos_hilos.ts",
  ]);
  assert.equal(code, 1);
  assert.equal(stdout, "");
  assert.match(
    stderr,
    /^Para lanzar los 2 procesos hace falta el permiso --allow-run\. Ejecuta: deno run --allow-read --allow-run/,
  );
});
