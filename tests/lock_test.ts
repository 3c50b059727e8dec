import assert from "node:assert/strict";
import { ejecutarEditado, ejecutarEnUnNucleo, hayTaskset } from "./ayuda.ts";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";

/** La regla: dos bloques enteros de 5 líneas y el contador exacto. */
function comprobar(lineas: string[], veces: number) {
  assert.equal(lineas.length, 11, lineas.join("\n"));
  const primero = lineas[0];
  const segundo = primero === "Tarea 1" ? "Tarea 2" : "Tarea 1";
  assert.deepEqual(lineas.slice(0, 10), [...Array(5).fill(primero), ...Array(5).fill(segundo)]);
  assert.equal(lineas[10], `Contador: ${2 * veces} (esperado ${2 * veces})`);
}

Deno.test("lock: dos bloques enteros y el contador exacto (también en la cabecera)", async () => {
  comprobar(leerCabecera("threads/lock.ts").salida, 500);
  // threading_test.ts prueba el Lock a fondo sin arrancar procesos.
  comprobar(await ejecutarCabecera("threads/lock.ts"), 500);
});

Deno.test({
  name: "lock: en un solo núcleo (taskset -c 0), igual de exacto",
  ignore: !hayTaskset,
  async fn() {
    const { code, lineas, stderr } = await ejecutarEnUnNucleo(
      ["run", "--allow-read", "threads/lock.ts", "--veces", "100"],
    );
    assert.equal(code, 0, stderr);
    comprobar(lineas, 100);
  },
});

Deno.test("lock: con un tercer sumador (el alumno edita [1, 2, 3].map), lo esperado sube con él", async () => {
  const { code, lineas, stderr } = await ejecutarEditado(
    "threads/lock.ts",
    "[1, 2].map",
    "[1, 2, 3].map",
    "--veces",
    "100",
  );
  assert.equal(code, 0, stderr);
  assert.equal(lineas.at(-1), "Contador: 300 (esperado 300)");
});
