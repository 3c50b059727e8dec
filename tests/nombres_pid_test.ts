import assert from "node:assert/strict";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";

/** La regla: el principal primero, cada tarea su nombre antes que su pid, y un solo pid. */
function comprobar(lineas: string[]) {
  assert.equal(lineas.length, 6, lineas.join("\n"));
  assert.equal(lineas[0], "Programa principal - Thread MainThread");
  const pid = lineas[1].match(/^pid del proceso del programa principal: (\d+)$/)?.[1];
  assert.ok(pid, lineas[1]);
  const tareas = lineas.slice(2);
  assert.deepEqual([...tareas].sort(), [
    "Tarea 1 - Thread tarea1",
    "Tarea 2 - Thread tarea2",
    `pid del proceso de la tarea 1: ${pid}`,
    `pid del proceso de la tarea 2: ${pid}`,
  ]);
  for (const n of [1, 2]) {
    const nombre = tareas.indexOf(`Tarea ${n} - Thread tarea${n}`);
    assert.ok(nombre < tareas.indexOf(`pid del proceso de la tarea ${n}: ${pid}`));
  }
}

Deno.test("nombres_pid: nombre de cada thread y el mismo pid en los tres (también en la cabecera)", async () => {
  comprobar(leerCabecera("threads/nombres_pid.ts").salida);
  comprobar(await ejecutarCabecera("threads/nombres_pid.ts"));
});
