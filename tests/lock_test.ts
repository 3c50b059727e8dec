import assert from "node:assert/strict";
import { ejecutarThreads } from "./ayuda.ts";

Deno.test("lock: 30 ejecuciones, siempre dos bloques enteros y el contador exacto", async () => {
  const bloques = new Set<string>();
  for (let vez = 0; vez < 30; vez++) {
    const { code, lineas, stderr } = await ejecutarThreads("lock.ts");
    assert.equal(code, 0, stderr);
    assert.equal(lineas.length, 11, lineas.join("\n"));
    const primero = lineas[0];
    const segundo = primero === "Tarea 1" ? "Tarea 2" : "Tarea 1";
    assert.deepEqual(lineas.slice(0, 10), [...Array(5).fill(primero), ...Array(5).fill(segundo)]);
    assert.equal(lineas[10], "Contador: 2000000 (esperado 2000000)");
    bloques.add(primero);
  }
  console.log(`bloque que salió primero: ${[...bloques].join(" y ")}`);
});

Deno.test("lock: --veces cambia el número de sumas, y su error de uso", async () => {
  const { code, lineas } = await ejecutarThreads("lock.ts", "--veces", "7");
  assert.equal(code, 0);
  assert.equal(lineas[10], "Contador: 14 (esperado 14)");
  const malo = await ejecutarThreads("lock.ts", "--veces", "1e3");
  assert.equal(malo.code, 2);
  assert.match(
    malo.stderr,
    /^--veces debe ser un número entero entre 1 y 100000000 \(se recibió "1e3"\)\n/,
  );
});
