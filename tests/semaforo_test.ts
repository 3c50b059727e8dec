import assert from "node:assert/strict";
import { ejecutarThreads } from "./ayuda.ts";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";

/**
 * La regla: leídas en orden, las líneas cuentan una historia posible. Cada tarea entra una
 * vez y sale después; cada «entra» sube la cuenta en 1 y cada «sale» la baja en 1; nunca hay
 * más de `plazas` dentro; y la última línea dice el máximo que se vio.
 */
function comprobar(lineas: string[], tareas: number, plazas: number) {
  assert.equal(lineas.length, 2 * tareas + 1, lineas.join("\n"));
  let dentro = 0;
  let maximo = 0;
  const entradas = new Set<number>();
  const salidas = new Set<number>();
  for (const linea of lineas.slice(0, -1)) {
    const paso = linea.match(/^Tarea (\d+) (entra|sale) \(dentro: (\d+)\)$/);
    assert.ok(paso, linea);
    const [, n, accion, dicho] = paso;
    if (accion === "entra") {
      assert.ok(!entradas.has(Number(n)), `${linea}: ya había entrado`);
      entradas.add(Number(n));
      dentro++;
    } else {
      assert.ok(entradas.has(Number(n)) && !salidas.has(Number(n)), `${linea}: no estaba dentro`);
      salidas.add(Number(n));
      dentro--;
    }
    assert.equal(Number(dicho), dentro, `${linea}: la cuenta no cuadra con las líneas anteriores`);
    assert.ok(dentro <= plazas, `${linea}: más tareas dentro que plazas (${plazas})`);
    maximo = Math.max(maximo, dentro);
  }
  assert.equal(entradas.size, tareas);
  assert.equal(salidas.size, tareas);
  assert.equal(
    lineas.at(-1),
    `Como mucho hubo ${maximo} tareas dentro a la vez (plazas: ${plazas})`,
  );
}

async function semaforo(tareas: number, plazas: number) {
  const { code, lineas, stderr } = await ejecutarThreads(
    "semaforo.ts",
    ...["--tareas", String(tareas), "--plazas", String(plazas)],
  );
  assert.equal(code, 0, stderr);
  comprobar(lineas, tareas, plazas);
  return lineas;
}

Deno.test("semaforo: la cabecera es una historia posible con 2 plazas", () => {
  comprobar(leerCabecera("threads/semaforo.ts").salida, 5, 2);
});

Deno.test("semaforo: la regla en ejecuciones reales (la de la cabecera, 1 plaza como un Lock, tantas plazas como tareas)", async () => {
  const [dos] = await Promise.all([
    ejecutarCabecera("threads/semaforo.ts"),
    semaforo(3, 1),
    semaforo(3, 3),
  ]);
  comprobar(dos, 5, 2);
  // Las 5 tareas salen a la vez: las 2 plazas se llenan.
  assert.equal(dos.at(-1), "Como mucho hubo 2 tareas dentro a la vez (plazas: 2)");
});

Deno.test("semaforo: la regla rechaza historias imposibles", () => {
  // Cinco «entra» antes de ningún «sale»: con 2 plazas, imposible.
  const cincoDentro = [
    ...[1, 2, 3, 4, 5].map((n) => `Tarea ${n} entra (dentro: ${n})`),
    ...[1, 2, 3, 4, 5].map((n) => `Tarea ${n} sale (dentro: ${5 - n})`),
    "Como mucho hubo 5 tareas dentro a la vez (plazas: 2)",
  ];
  assert.throws(() => comprobar(cincoDentro, 5, 2), /más tareas dentro que plazas/);
  // De 2 a 1 sin que nadie salga.
  const sinSalir = [
    "Tarea 1 entra (dentro: 1)",
    "Tarea 2 entra (dentro: 2)",
    "Tarea 3 entra (dentro: 1)",
    "Tarea 1 sale (dentro: 0)",
    "Tarea 2 sale (dentro: 0)",
    "Tarea 3 sale (dentro: 0)",
    "Como mucho hubo 2 tareas dentro a la vez (plazas: 2)",
  ];
  assert.throws(() => comprobar(sinSalir, 3, 2), /la cuenta no cuadra/);
});
