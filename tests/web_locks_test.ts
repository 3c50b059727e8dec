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
 * La regla: el contador, exacto (3 x `veces`: dos threads y el principal); y el cerrojo pasó
 * de uno a otro al menos 2 veces (los tres lo tuvieron) y menos veces que sumas. Devuelve
 * esas veces.
 */
function comprobar(lineas: string[], veces: number): number {
  assert.equal(lineas.length, 2, lineas.join("\n"));
  assert.equal(lineas[0], `Contador: ${3 * veces} (esperado ${3 * veces})`);
  const cambios = lineas[1].match(/^El cerrojo pasó de uno a otro (\d+) veces$/);
  assert.ok(cambios, lineas[1]);
  assert.ok(Number(cambios[1]) >= 2 && Number(cambios[1]) < 3 * veces, lineas[1]);
  return Number(cambios[1]);
}

function sinError({ code, stderr, lineas }: Resultado) {
  assert.equal(code, 0, stderr);
  return lineas;
}

Deno.test("web_locks: el contador exacto con el cerrojo del runtime, y los tres se turnan (también en la cabecera y en un núcleo)", async () => {
  comprobar(leerCabecera("threads/web_locks.ts").salida, 10_000);
  const [normal, unNucleo, corta] = await Promise.all([
    ejecutarCabecera("threads/web_locks.ts"),
    hayTaskset
      ? ejecutarEnUnNucleo(["run", "--allow-read", "threads/web_locks.ts", "--veces", "2000"])
      : null,
    ejecutarThreads("web_locks.ts", "--veces", "1"),
  ]);
  // Con 10.000 sumas cada uno, los tres coinciden: el cerrojo cambia de manos muchas veces.
  assert.ok(comprobar(normal, 10_000) > 2, normal.join("\n"));
  if (unNucleo) assert.ok(comprobar(sinError(unNucleo), 2000) > 2, unNucleo.stdout);
  comprobar(sinError(corta), 1);
});

Deno.test("web_locks: la regla rechaza salidas imposibles", () => {
  assert.throws(() =>
    comprobar(["Contador: 29998 (esperado 30000)", "El cerrojo pasó de uno a otro 5 veces"], 10_000)
  );
  // Si nadie se turnara, no podrían haber sumado los tres.
  assert.throws(() =>
    comprobar(["Contador: 30000 (esperado 30000)", "El cerrojo pasó de uno a otro 0 veces"], 10_000)
  );
});

Deno.test("web_locks: con un tercer thread (el alumno edita [1, 2, 3].map), lo esperado sube con él", async () => {
  const { code, lineas, stderr } = await ejecutarEditado(
    "threads/web_locks.ts",
    "[1, 2].map",
    "[1, 2, 3].map",
    "--veces",
    "100",
  );
  assert.equal(code, 0, stderr);
  assert.equal(lineas[0], "Contador: 400 (esperado 400)");
});
