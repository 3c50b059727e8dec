import assert from "node:assert/strict";
import { ejecutarEnUnNucleo, ejecutarThreads, hayTaskset, type Resultado } from "./ayuda.ts";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";

/**
 * La regla: leídas en orden, las líneas cuentan una historia posible. Cada escritor escribe el
 * siguiente valor y cada lector lee el último escrito; la cuenta de lectores dentro sube de
 * uno en uno y tras un escritor vuelve a empezar en 1 (él estaba solo); cada thread hace sus
 * `veces`; y el final dice la espera más larga, el máximo de lectores que se vio (al menos 2:
 * los lectores coinciden) y 0 escritores con alguien dentro. Devuelve ese máximo.
 */
function comprobar(lineas: string[], lectores: number, escritores: number, veces: number) {
  assert.equal(lineas.length, (lectores + escritores) * veces + 2, lineas.join("\n"));
  let escritos = 0;
  let dentro = 0;
  let maximo = 0;
  let esperaMaxima = 0;
  const hechas = new Map<string, number>();
  for (const linea of lineas.slice(0, -2)) {
    const lee = linea.match(/^Lector (\d+) lee (\d+) \(lectores dentro: (\d+)\)$/);
    const escribe = linea.match(
      /^Escritor (\d+) escribe (\d+) \(esperó (\d+) ms; solo él dentro\)$/,
    );
    assert.ok(lee || escribe, linea);
    const quien = linea.split(" ").slice(0, 2).join(" ");
    hechas.set(quien, (hechas.get(quien) ?? 0) + 1);
    if (lee) {
      assert.equal(Number(lee[2]), escritos, `${linea}: no lee el último valor escrito`);
      assert.ok(Number(lee[3]) <= dentro + 1, `${linea}: la cuenta salta (antes: ${dentro})`);
      dentro = Number(lee[3]);
      maximo = Math.max(maximo, dentro);
    } else {
      assert.equal(Number(escribe![2]), ++escritos, `${linea}: no escribe el siguiente valor`);
      esperaMaxima = Math.max(esperaMaxima, Number(escribe![3]));
      dentro = 0;
    }
  }
  assert.equal(hechas.size, lectores + escritores, [...hechas.keys()].join(", "));
  for (const [quien, n] of hechas) assert.equal(n, veces, `${quien}: ${n} veces`);
  assert.equal(lineas.at(-2), `Lo que más esperó un escritor su turno: ${esperaMaxima} ms`);
  assert.equal(
    lineas.at(-1),
    `Lectores a la vez: como mucho ${maximo}; escritores con alguien dentro: 0`,
  );
  assert.ok(maximo >= 2, `los lectores no coincidieron: ${lineas.at(-1)}`);
  return maximo;
}

function sinError({ code, stderr, lineas }: Resultado) {
  assert.equal(code, 0, stderr);
  return lineas;
}

Deno.test("lectores_escritores: lectores a la vez, escritores solos (también en la cabecera y en un núcleo)", async () => {
  comprobar(leerCabecera("threads/lectores_escritores.ts").salida, 4, 2, 3);
  const orden = ["run", "--allow-read", "threads/lectores_escritores.ts"];
  const [normal, muchos, unNucleo] = await Promise.all([
    ejecutarCabecera("threads/lectores_escritores.ts"),
    // Más threads y más vueltas: más ocasiones de que un escritor se cruce con alguien.
    ejecutarThreads(
      "lectores_escritores.ts",
      ...["--lectores", "8", "--escritores", "4"],
      "--veces",
      "5",
    ),
    hayTaskset ? ejecutarEnUnNucleo(orden) : null,
  ]);
  comprobar(normal, 4, 2, 3);
  comprobar(sinError(muchos), 8, 4, 5);
  if (unNucleo) comprobar(sinError(unNucleo), 4, 2, 3);
});

Deno.test("lectores_escritores: la regla rechaza historias imposibles", () => {
  const bien = leerCabecera("threads/lectores_escritores.ts").salida;
  // Un lector que lee un valor viejo: un escritor estaba escribiendo mientras leía.
  const viejo = bien.map((l) => l.replace(/^(Lector \d+) lee 2 /, "$1 lee 1 "));
  assert.throws(() => comprobar(viejo, 4, 2, 3), /no lee el último valor escrito/);
  // Dos escritores a la vez (final con uno de más) o lectores que nunca coinciden.
  const conAlguien = bien.with(-1, bien.at(-1)!.replace(/dentro: 0$/, "dentro: 1"));
  assert.throws(() => comprobar(conAlguien, 4, 2, 3));
  const enFila = bien.map((l) => l.replace(/dentro: \d+\)$/, "dentro: 1)"));
  assert.throws(() => comprobar(enFila, 4, 2, 3));
});
