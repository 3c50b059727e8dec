import assert from "node:assert/strict";
import { ejecutarEnUnNucleo, ejecutarThreads, hayTaskset } from "./ayuda.ts";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";

/**
 * La regla: cada corredor, una vez en la línea de salida antes de «¡Ya!» y una vez sale
 * después; ninguno sale antes de «¡Ya!».
 */
function comprobar(lineas: string[], corredores: number) {
  assert.equal(lineas.length, 2 * corredores + 2, lineas.join("\n"));
  const ya = lineas.indexOf("Preparados, listos... ¡Ya!");
  assert.equal(ya, corredores, `«¡Ya!» tras los ${corredores} en la línea:\n${lineas.join("\n")}`);
  const numeros = (desde: number, hasta: number, verbo: RegExp) =>
    lineas.slice(desde, hasta).map((linea) => {
      const n = linea.match(verbo)?.[1];
      assert.ok(n, linea);
      return Number(n);
    }).sort((a, b) => a - b);
  const todos = Array.from({ length: corredores }, (_, i) => i + 1);
  assert.deepEqual(numeros(0, ya, /^Corredor (\d+) en la línea de salida$/), todos);
  assert.deepEqual(numeros(ya + 1, ya + 1 + corredores, /^Corredor (\d+) sale$/), todos);
  assert.equal(
    lineas.at(-1),
    `Salieron los ${corredores} corredores, todos después de «¡Ya!»`,
  );
}

Deno.test("evento: nadie sale antes de «¡Ya!», y después salen todos (también en la cabecera)", async () => {
  comprobar(leerCabecera("threads/evento.ts").salida, 3);
  comprobar(await ejecutarCabecera("threads/evento.ts"), 3);
  const { code, lineas, stderr } = await ejecutarThreads("evento.ts", "--corredores", "8");
  assert.equal(code, 0, stderr);
  comprobar(lineas, 8);
});

Deno.test({
  name: "evento: en un solo núcleo (taskset -c 0), igual",
  ignore: !hayTaskset,
  async fn() {
    const { code, lineas, stderr } = await ejecutarEnUnNucleo(
      ["run", "--allow-read", "threads/evento.ts", "--corredores", "4"],
    );
    assert.equal(code, 0, stderr);
    comprobar(lineas, 4);
  },
});
