import assert from "node:assert/strict";
import { ejecutarEditado, ejecutarEnUnNucleo, hayTaskset } from "./ayuda.ts";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";

const RETIRADAS: Record<string, number> = { 1: 50, 2: 30, 3: 70 };

/**
 * La regla: leídas en orden, las líneas llevan bien la cuenta. Cada ingreso suma 40 y cada
 * retirada resta lo suyo, y el saldo que dice cada línea es el que sale de las anteriores;
 * nunca baja de 0; cada cliente retira una vez; y nadie espera más veces que avisos hubo
 * antes (cada espera acaba con el notify_all de un ingreso).
 */
function comprobar(lineas: string[]) {
  assert.equal(lineas.length, 9, lineas.join("\n"));
  let saldo = 0;
  let ingresos = 0;
  const clientes = new Set<string>();
  for (const linea of lineas.slice(0, -1)) {
    const ingreso = linea.match(/^Ingreso de 40 \(saldo: (\d+)\)$/);
    const retirada = linea.match(/^Cliente (\d) retira (\d+) \(esperas: (\d+); saldo: (\d+)\)$/);
    if (ingreso) {
      saldo += 40;
      ingresos++;
      assert.equal(Number(ingreso[1]), saldo, `${linea}: el saldo no cuadra`);
    } else {
      assert.ok(retirada, linea);
      const [, cliente, cantidad, esperas, dicho] = retirada;
      assert.equal(Number(cantidad), RETIRADAS[cliente], linea);
      assert.ok(!clientes.has(cliente), `${linea}: ya había retirado`);
      clientes.add(cliente);
      saldo -= Number(cantidad);
      assert.ok(saldo >= 0, `${linea}: retira sin saldo`);
      assert.equal(Number(dicho), saldo, `${linea}: el saldo no cuadra`);
      assert.ok(Number(esperas) <= ingresos, `${linea}: más esperas que avisos`);
    }
  }
  assert.equal(ingresos, 5);
  assert.equal(clientes.size, 3);
  assert.equal(lineas.at(-1), `Saldo final: ${saldo} (ingresado 200, retirado 150)`);
  assert.equal(saldo, 50);
}

Deno.test("condicion: el saldo cuadra línea a línea y nunca baja de 0 (también en la cabecera)", async () => {
  comprobar(leerCabecera("threads/condicion.ts").salida);
  const [normal, unNucleo] = await Promise.all([
    ejecutarCabecera("threads/condicion.ts"),
    hayTaskset ? ejecutarEnUnNucleo(["run", "--allow-read", "threads/condicion.ts"]) : null,
  ]);
  comprobar(normal);
  if (unNucleo) {
    assert.equal(unNucleo.code, 0, unNucleo.stderr);
    comprobar(unNucleo.lineas);
  }
});

Deno.test("condicion: la regla rechaza cuentas imposibles", () => {
  // Con un if en vez de un while, el de 70 podría llevarse dinero que no hay.
  assert.throws(
    () =>
      comprobar([
        "Ingreso de 40 (saldo: 40)",
        "Cliente 3 retira 70 (esperas: 1; saldo: 0)",
        "Ingreso de 40 (saldo: 40)",
        "Cliente 2 retira 30 (esperas: 1; saldo: 10)",
        "Ingreso de 40 (saldo: 50)",
        "Cliente 1 retira 50 (esperas: 2; saldo: 0)",
        "Ingreso de 40 (saldo: 40)",
        "Ingreso de 40 (saldo: 80)",
        "Saldo final: 50 (ingresado 200, retirado 150)",
      ]),
    /retira sin saldo/,
  );
  // Esperas sin ningún aviso antes.
  assert.throws(
    () =>
      comprobar([
        "Ingreso de 40 (saldo: 40)",
        "Ingreso de 40 (saldo: 80)",
        "Cliente 3 retira 70 (esperas: 3; saldo: 10)",
        "Ingreso de 40 (saldo: 50)",
        "Cliente 2 retira 30 (esperas: 1; saldo: 20)",
        "Ingreso de 40 (saldo: 60)",
        "Cliente 1 retira 50 (esperas: 2; saldo: 10)",
        "Ingreso de 40 (saldo: 50)",
        "Saldo final: 50 (ingresado 200, retirado 150)",
      ]),
    /más esperas que avisos/,
  );
});

Deno.test("condicion: si el alumno cambia las retiradas, las cuentas le siguen; si no caben, lo dice sin colgarse", async () => {
  const [otra, demasiado] = await Promise.all([
    ejecutarEditado("threads/condicion.ts", "[50, 30, 70]", "[50, 30, 70, 20]"),
    ejecutarEditado("threads/condicion.ts", "[50, 30, 70]", "[50, 30, 70, 100]"),
  ]);
  assert.equal(otra.code, 0, otra.stderr);
  assert.equal(otra.lineas.at(-1), "Saldo final: 30 (ingresado 200, retirado 170)");
  assert.equal(demasiado.code, 1);
  assert.equal(demasiado.stdout, "");
  assert.equal(demasiado.stderr, "Las retiradas (250) superan lo ingresado (200).\n");
});
