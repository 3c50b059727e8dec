import assert from "node:assert/strict";
import { ejecutarEnUnNucleo, ejecutarThreads, hayTaskset } from "./ayuda.ts";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";

/**
 * La regla: en cada fase, los 3 trabajadores acaban (en cualquier orden) y después, una sola
 * vez, «Fase N completa»; ninguno acaba una fase antes de que se complete la anterior.
 */
function comprobar(lineas: string[]) {
  assert.equal(lineas.length, 3 * 4 + 1, lineas.join("\n"));
  for (let fase = 1; fase <= 3; fase++) {
    const bloque = lineas.slice((fase - 1) * 4, fase * 4);
    const trabajadores = bloque.slice(0, 3).map((linea) => {
      const paso = linea.match(/^Trabajador (\d) acaba la fase (\d) y espera$/);
      assert.ok(paso, `${linea}\n${lineas.join("\n")}`);
      assert.equal(Number(paso[2]), fase, `${linea}: se adelantó a la fase ${fase}`);
      return Number(paso[1]);
    });
    assert.deepEqual(trabajadores.sort(), [1, 2, 3]);
    assert.equal(bloque[3], `== Fase ${fase} completa: los 3 pasan a la siguiente`);
  }
  assert.equal(lineas.at(-1), "Fin: 3 trabajadores, 3 fases completas");
}

Deno.test("barrera: cada fase se completa antes de empezar la siguiente (también en la cabecera)", async () => {
  comprobar(leerCabecera("threads/barrera.ts").salida);
  const [cabecera, otra] = await Promise.all([
    ejecutarCabecera("threads/barrera.ts"),
    ejecutarThreads("barrera.ts"),
  ]);
  comprobar(cabecera);
  assert.equal(otra.code, 0, otra.stderr);
  comprobar(otra.lineas);
});

Deno.test({
  name: "barrera: en un solo núcleo (taskset -c 0), igual",
  ignore: !hayTaskset,
  async fn() {
    const { code, lineas, stderr } = await ejecutarEnUnNucleo(
      ["run", "--allow-read", "threads/barrera.ts"],
    );
    assert.equal(code, 0, stderr);
    comprobar(lineas);
  },
});
