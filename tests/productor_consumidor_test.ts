import assert from "node:assert/strict";
import { ejecutarThreads } from "./ayuda.ts";

/** Los números de las dos últimas líneas: consumidos y veces con el búfer lleno y vacío. */
function resumen(lineas: string[], elementos: number, capacidad: number) {
  assert.equal(
    lineas.at(-2),
    `Consumidos: ${elementos} de ${elementos}, cada uno una vez y en orden (capacidad del búfer: ${capacidad})`,
  );
  const veces = lineas.at(-1)!.match(
    /^El productor encontró el búfer lleno (\d+) veces; el consumidor lo encontró vacío (\d+) veces$/,
  );
  assert.ok(veces, lineas.at(-1));
  return { lleno: Number(veces[1]), vacio: Number(veces[2]) };
}

Deno.test("productor_consumidor: cada elemento se pone antes de sacarse, una vez y en orden", async () => {
  const { code, lineas, stderr } = await ejecutarThreads("productor_consumidor.ts");
  assert.equal(code, 0, stderr);
  assert.equal(lineas.length, 22);
  const pasos = lineas.slice(0, 20);
  const puestos = pasos.filter((l) => l.startsWith("Productor")).map((l) =>
    Number(l.split(" ").at(-1))
  );
  const sacados = pasos.filter((l) => l.startsWith("Consumidor")).map((l) =>
    Number(l.split(" ").at(-1))
  );
  const uno_a_diez = Array.from({ length: 10 }, (_, i) => i + 1);
  assert.deepEqual(puestos, uno_a_diez);
  assert.deepEqual(sacados, uno_a_diez);
  for (const n of uno_a_diez) {
    const puesto = pasos.indexOf(`Productor: pone ${n}`);
    const sacado = pasos.indexOf(`Consumidor: saca ${n}`);
    assert.ok(puesto < sacado, `${n} se sacó antes de ponerse`);
    // Nunca hay más de 3 (la capacidad) puestos sin sacar.
    const enElBufer = pasos.slice(0, puesto + 1).filter((l) => l.startsWith("Productor")).length -
      pasos.slice(0, puesto + 1).filter((l) => l.startsWith("Consumidor")).length;
    assert.ok(enElBufer <= 3, `con ${n} había ${enElBufer} elementos en un búfer de 3`);
  }
  resumen(lineas, 10, 3);
});

Deno.test("productor_consumidor: con uno de los dos lento, el búfer se llena o se vacía", async () => {
  for (const lento of ["consumidor", "productor"]) {
    const { code, lineas } = await ejecutarThreads(
      "productor_consumidor.ts",
      ...["--elementos", "40", "--capacidad", "2", "--lento", lento],
    );
    assert.equal(code, 0);
    assert.equal(lineas.length, 2); // con más de 20 elementos, solo el resumen
    const { lleno, vacio } = resumen(lineas, 40, 2);
    // Consumidor lento: el productor encuentra el búfer lleno. Productor lento: vacío.
    assert.ok(lento === "consumidor" ? lleno > 0 : vacio > 0, lineas.at(-1));
  }
});

Deno.test("productor_consumidor: muchos más elementos que huecos (200.000 en 4), todos en orden", async () => {
  const { code, lineas, stderr } = await ejecutarThreads(
    "productor_consumidor.ts",
    "--elementos",
    "200000",
    "--capacidad",
    "4",
  );
  assert.equal(code, 0, stderr);
  resumen(lineas, 200_000, 4);
});

Deno.test("productor_consumidor: opciones mal escritas, uso y código 2", async () => {
  for (const malas of [["--lento", "nadie"], ["--capacidad", "0"], ["--elementos", "x"]]) {
    const { code, stderr } = await ejecutarThreads("productor_consumidor.ts", ...malas);
    assert.equal(code, 2, malas.join(" "));
    assert.match(stderr, /\nUso: deno run --allow-read threads\/productor_consumidor\.ts /);
  }
});
