import assert from "node:assert/strict";
import { ejecutarThreads } from "./ayuda.ts";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";

/**
 * La regla: con 20 elementos o menos, cada uno se pone antes de sacarse, se pone y se saca
 * una vez y en orden, y nunca hay más puestos sin sacar que huecos. Después, el resumen.
 * Devuelve las veces que el búfer estuvo lleno y vacío.
 */
function comprobar(lineas: string[], elementos: number, capacidad: number) {
  const pasos = lineas.slice(0, -2);
  assert.equal(pasos.length, elementos <= 20 ? 2 * elementos : 0, lineas.join("\n"));
  let puestos = 0;
  let sacados = 0;
  for (const linea of pasos) {
    const paso = linea.match(/^(Productor: pone|Consumidor: saca) (\d+)$/);
    assert.ok(paso, linea);
    if (paso[1] === "Productor: pone") {
      assert.equal(Number(paso[2]), ++puestos, `${linea}: fuera de orden`);
      assert.ok(puestos - sacados <= capacidad, `${linea}: más elementos que huecos`);
    } else {
      assert.equal(Number(paso[2]), ++sacados, `${linea}: fuera de orden`);
      assert.ok(sacados <= puestos, `${linea}: se saca antes de ponerse`);
    }
  }
  assert.equal(
    lineas.at(-2),
    `Consumidos: ${elementos} de ${elementos}, cada uno una vez y en orden (capacidad del búfer: ${capacidad})`,
  );
  const veces = lineas.at(-1)!.match(
    /^Veces que el productor encontró el búfer lleno: (\d+); que el consumidor lo encontró vacío: (\d+)$/,
  );
  assert.ok(veces, lineas.at(-1));
  return { lleno: Number(veces[1]), vacio: Number(veces[2]) };
}

async function productorConsumidor(...args: string[]) {
  const { code, lineas, stderr } = await ejecutarThreads("productor_consumidor.ts", ...args);
  assert.equal(code, 0, stderr);
  return lineas;
}

Deno.test("productor_consumidor: cada elemento se pone antes de sacarse, una vez y en orden (también en la cabecera)", async () => {
  comprobar(leerCabecera("threads/productor_consumidor.ts").salida, 10, 3);
  comprobar(await ejecutarCabecera("threads/productor_consumidor.ts"), 10, 3);
  assert.throws(
    () => comprobar(["Consumidor: saca 1", "Productor: pone 1", "", ""], 1, 3),
    /se saca antes de ponerse/,
  );
});

Deno.test("productor_consumidor: con uno lento el búfer se llena o se vacía; con 20.000 elementos en 4 huecos, todos en orden", async () => {
  const [consumidorLento, productorLento, muchos] = await Promise.all([
    productorConsumidor("--elementos", "40", "--capacidad", "2", "--lento", "consumidor"),
    productorConsumidor("--elementos", "40", "--capacidad", "2", "--lento", "productor"),
    productorConsumidor("--elementos", "20000", "--capacidad", "4"),
  ]);
  assert.ok(comprobar(consumidorLento, 40, 2).lleno > 0, consumidorLento.at(-1));
  assert.ok(comprobar(productorLento, 40, 2).vacio > 0, productorLento.at(-1));
  comprobar(muchos, 20_000, 4);
});
