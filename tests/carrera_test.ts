import assert from "node:assert/strict";
import {
  ejecutarEditado,
  ejecutarEnUnNucleo,
  ejecutarThreads,
  hayTaskset,
  type Resultado,
} from "./ayuda.ts";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";

/**
 * La regla: 5 líneas de cada tarea (mezcladas de cualquier forma) y el contador, que nunca
 * pasa de lo esperado. Devuelve las sumas perdidas.
 */
function comprobar(lineas: string[], veces: number): number {
  assert.equal(lineas.length, 11, lineas.join("\n"));
  assert.deepEqual(lineas.slice(0, 10).sort(), [
    ...Array(5).fill("Tarea 1"),
    ...Array(5).fill("Tarea 2"),
  ]);
  const contador = lineas[10].match(/^Contador: (\d+) \(esperado (\d+)\)$/);
  assert.ok(contador, lineas[10]);
  assert.equal(Number(contador[2]), 2 * veces, lineas[10]);
  assert.ok(Number(contador[1]) <= 2 * veces, lineas[10]);
  return 2 * veces - Number(contador[1]);
}

Deno.test("carrera: la cabecera es una ejecución posible, con sumas perdidas", () => {
  assert.ok(comprobar(leerCabecera("threads/carrera.ts").salida, 500) > 0);
});

/**
 * Ejecuta carrera.ts hasta que pierda sumas (a la primera, con sleep(0)), 3 veces como mucho;
 * la primera ejecución puede venir ya hecha (la de la cabecera).
 */
async function hastaPerderSumas(
  ejecutarla: () => Promise<Resultado>,
  veces = 500,
  primera?: string[],
) {
  const vistos = [];
  for (let vez = 0; vez < 3; vez++) {
    let lineas = vez === 0 ? primera : undefined;
    if (!lineas) {
      const resultado = await ejecutarla();
      assert.equal(resultado.code, 0, resultado.stderr);
      lineas = resultado.lineas;
    }
    if (comprobar(lineas, veces) > 0) return;
    vistos.push(lineas[10]);
  }
  assert.fail(`ninguna suma perdida en 3 ejecuciones: ${vistos.join("; ")}`);
}

Deno.test("carrera: con los núcleos que haya, la orden de la cabecera pierde sumas", async () => {
  const primera = await ejecutarCabecera("threads/carrera.ts");
  await hastaPerderSumas(() => ejecutarThreads("carrera.ts"), 500, primera);
});

Deno.test({
  name: "carrera: en un solo núcleo (taskset -c 0) también se pierden sumas",
  ignore: !hayTaskset,
  async fn() {
    const orden = ["run", "--allow-read", "threads/carrera.ts", "--veces", "100"];
    await hastaPerderSumas(() => ejecutarEnUnNucleo(orden), 100);
  },
});

Deno.test("carrera: con un tercer sumador (el alumno edita [1, 2, 3].map), lo esperado sube con él", async () => {
  const { code, lineas, stderr } = await ejecutarEditado(
    "threads/carrera.ts",
    "[1, 2].map",
    "[1, 2, 3].map",
    "--veces",
    "100",
  );
  assert.equal(code, 0, stderr);
  const contador = lineas.at(-1)?.match(/^Contador: (\d+) \(esperado 300\)$/);
  assert.ok(contador && Number(contador[1]) <= 300, lineas.at(-1));
});
