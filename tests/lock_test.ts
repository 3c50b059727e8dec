import assert from "node:assert/strict";
import { ejecutar } from "./ayuda.ts";
import { leerCabecera } from "./cabeceras.ts";
import { ejecutarEnUnNucleo, hayTaskset } from "./threads_ayuda.ts";

/** La regla: dos bloques enteros de 5 líneas y el contador exacto. */
function comprobar(lineas: string[], veces: number) {
  assert.equal(lineas.length, 11, lineas.join("\n"));
  const primero = lineas[0];
  const segundo = primero === "Tarea 1" ? "Tarea 2" : "Tarea 1";
  assert.deepEqual(lineas.slice(0, 10), [...Array(5).fill(primero), ...Array(5).fill(segundo)]);
  assert.equal(lineas[10], `Contador: ${2 * veces} (esperado ${2 * veces})`);
}

/** Ejecuta lock.ts, con `taskset -c 0` (un solo núcleo) si `unNucleo`. */
async function lock(unNucleo: boolean, ...args: string[]) {
  const orden = ["run", "--allow-read", "threads/lock.ts", ...args];
  const { code, lineas, stderr } = unNucleo
    ? await ejecutarEnUnNucleo(orden)
    : await ejecutar(orden);
  assert.equal(code, 0, stderr);
  return lineas;
}

Deno.test("lock: dos bloques enteros y el contador exacto (también en la cabecera)", async () => {
  comprobar(leerCabecera("threads/lock.ts").salida, 500);
  // Y otra más corta, a la vez (threading_test.ts prueba el Lock a fondo sin arrancar procesos).
  const [normal, corta] = await Promise.all([lock(false), lock(false, "--veces", "10")]);
  comprobar(normal, 500);
  comprobar(corta, 10);
});

Deno.test({
  name: "lock: en un solo núcleo (taskset -c 0), igual de exacto",
  ignore: !hayTaskset,
  async fn() {
    comprobar(await lock(true, "--veces", "100"), 100);
  },
});
