import assert from "node:assert/strict";
import { ejecutarThreads } from "./ayuda.ts";

/** Comprueba una ejecución: cada tarea entra una vez y sale después, y nunca hay más de `plazas` dentro. */
async function comprobar(tareas: number, plazas: number) {
  const { code, lineas, stderr } = await ejecutarThreads(
    "semaforo.ts",
    "--tareas",
    String(tareas),
    "--plazas",
    String(plazas),
  );
  assert.equal(code, 0, stderr);
  assert.equal(lineas.length, 2 * tareas + 1);
  let dentro = 0;
  let maximo = 0;
  const entradas = new Set<number>();
  for (const linea of lineas.slice(0, -1)) {
    const entra = linea.match(/^Tarea (\d+) entra \(dentro: (\d+)\)$/);
    const sale = linea.match(/^Tarea (\d+) sale$/);
    assert.ok(entra || sale, linea);
    if (entra) {
      entradas.add(Number(entra[1]));
      dentro++;
      assert.ok(Number(entra[2]) <= plazas, `${linea}: más tareas dentro que plazas`);
    } else {
      assert.ok(entradas.has(Number(sale![1])), `${linea} antes de entrar`);
      dentro--;
    }
    maximo = Math.max(maximo, dentro);
  }
  assert.equal(entradas.size, tareas);
  assert.ok(maximo <= plazas, `según las líneas, ${maximo} dentro a la vez`);
  const dicho = Number(
    lineas.at(-1)!.match(/^Como mucho hubo (\d+) tareas dentro a la vez \(plazas: (\d+)\)$/)?.[1],
  );
  assert.ok(dicho >= 1 && dicho <= plazas, lineas.at(-1));
  return dicho;
}

Deno.test("semaforo: 5 tareas y 2 plazas, 10 ejecuciones: nunca más de 2 dentro", async () => {
  const maximos = [];
  for (let vez = 0; vez < 10; vez++) maximos.push(await comprobar(5, 2));
  console.log(`máximos: ${maximos.join(", ")}`);
});

Deno.test("semaforo: con 1 plaza es un Lock; con tantas plazas como tareas, no espera nadie", async () => {
  for (let vez = 0; vez < 3; vez++) await comprobar(4, 1);
  await comprobar(3, 3);
});

Deno.test("semaforo: opciones mal escritas, uso y código 2", async () => {
  const { code, stderr } = await ejecutarThreads("semaforo.ts", "--plazas", "0");
  assert.equal(code, 2);
  assert.match(stderr, /^--plazas debe ser un número entero entre 1 y 50/);
});
