import assert from "node:assert/strict";
import { ejecutar, ejecutarThreads } from "./ayuda.ts";

Deno.test("cuadrado_cubo: Cuadrado y Cubo en cualquier orden, y Fin del programa siempre el último", async () => {
  for (let vez = 0; vez < 5; vez++) {
    const { code, lineas, stderr } = await ejecutarThreads("cuadrado_cubo.ts");
    assert.equal(code, 0, stderr);
    assert.equal(stderr, "");
    assert.equal(lineas.length, 3);
    assert.deepEqual(lineas.slice(0, 2).sort(), ["Cuadrado: 100", "Cubo: 1000"]);
    assert.equal(lineas[2], "Fin del programa");
  }
});

Deno.test("cuadrado_cubo: sin --allow-read lo explica en español y sale con 1", async () => {
  const { code, stdout, stderr } = await ejecutar(["run", "threads/cuadrado_cubo.ts"]);
  assert.equal(code, 1);
  assert.equal(stdout, "");
  assert.match(stderr, /falta el permiso --allow-read/);
  assert.doesNotMatch(stderr, /\n\s+at /, "sin traza");
});

Deno.test("cuadrado_cubo: una opción desconocida da el uso en español y código 2", async () => {
  const { code, stderr } = await ejecutarThreads("cuadrado_cubo.ts", "--rapido");
  assert.equal(code, 2);
  assert.match(
    stderr,
    /^Opción desconocida: --rapido\nUso: deno run --allow-read threads\/cuadrado_cubo.ts\n$/,
  );
  const ayuda = await ejecutarThreads("cuadrado_cubo.ts", "--help");
  assert.equal(ayuda.code, 0);
  assert.match(ayuda.stdout, /^Uso: /);
});

Deno.test("Thread: si la tarea de un worker lanza un error, frase en español, código 1 y sin colgarse", async () => {
  const { code, stdout, stderr } = await ejecutar([
    "run",
    "--allow-read",
    "tests/fixtures/tarea_que_falla.ts",
  ]);
  assert.equal(code, 1);
  assert.equal(stdout, "");
  assert.equal(stderr, "Error en el thread tarea1: la tarea ha fallado a propósito\n");
});
