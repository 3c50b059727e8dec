import assert from "node:assert/strict";
import { ejecutarThreads } from "./ayuda.ts";

Deno.test("nombres_pid: nombres de los threads y el mismo pid en los tres", async () => {
  const { code, lineas, stderr } = await ejecutarThreads("nombres_pid.ts");
  assert.equal(code, 0, stderr);
  assert.equal(lineas.length, 6);
  assert.equal(lineas[0], "Programa principal - Thread MainThread");
  const pid = lineas[1].match(/^pid del proceso del programa principal: (\d+)$/)?.[1];
  assert.ok(pid, lineas[1]);
  assert.deepEqual(lineas.slice(2).sort(), [
    "Tarea 1 - Thread tarea1",
    "Tarea 2 - Thread tarea2",
    `pid del proceso de la tarea 1: ${pid}`,
    `pid del proceso de la tarea 2: ${pid}`,
  ]);
  // Cada tarea dice su nombre antes que su pid.
  assert.ok(
    lineas.indexOf("Tarea 1 - Thread tarea1") <
      lineas.indexOf(`pid del proceso de la tarea 1: ${pid}`),
  );
  assert.ok(
    lineas.indexOf("Tarea 2 - Thread tarea2") <
      lineas.indexOf(`pid del proceso de la tarea 2: ${pid}`),
  );
});
