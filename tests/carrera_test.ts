import assert from "node:assert/strict";
import { ejecutarThreads, type Resultado } from "./ayuda.ts";

/** Comprueba la forma de la salida y devuelve el contador obtenido. */
function comprobar({ code, lineas, stderr }: Resultado, veces: number): number {
  assert.equal(code, 0, stderr);
  assert.equal(lineas.length, 12);
  assert.deepEqual(lineas.slice(0, 10).sort(), [
    ...Array(5).fill("Tarea 1"),
    ...Array(5).fill("Tarea 2"),
  ]);
  const obtenido = Number(lineas[10].match(/^Contador: (\d+) \(esperado (\d+)\)$/)?.[1]);
  assert.equal(lineas[10], `Contador: ${obtenido} (esperado ${2 * veces})`);
  assert.ok(obtenido >= 2 && obtenido <= 2 * veces, lineas[10]);
  assert.equal(lineas[11], `Actualizaciones perdidas: ${2 * veces - obtenido}`);
  return obtenido;
}

Deno.test({
  name: "carrera: con 2 núcleos se pierden actualizaciones (en alguna de 10 ejecuciones)",
  ignore: navigator.hardwareConcurrency < 2,
  async fn() {
    const obtenidos = [];
    for (let vez = 0; vez < 10; vez++) {
      const obtenido = comprobar(await ejecutarThreads("carrera.ts"), 1_000_000);
      obtenidos.push(obtenido);
      if (obtenido < 2_000_000) return;
    }
    assert.fail(`ninguna actualización perdida en 10 ejecuciones: ${obtenidos.join(", ")}`);
  },
});

Deno.test("carrera: --veces cambia el número de sumas", async () => {
  comprobar(await ejecutarThreads("carrera.ts", "--veces", "1000"), 1000);
});

Deno.test("carrera: --veces no válido da el uso en español y código 2", async () => {
  for (
    const malo of [["--veces", "abc"], ["--veces", "0"], ["--veces", "-5"], ["--veces"], [
      "--vez",
      "3",
    ]]
  ) {
    const { code, stdout, stderr } = await ejecutarThreads("carrera.ts", ...malo);
    assert.equal(code, 2, malo.join(" "));
    assert.equal(stdout, "");
    assert.match(stderr, /\nUso: deno run --allow-read threads\/carrera.ts \[--veces N\]\n$/);
  }
});
