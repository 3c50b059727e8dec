import assert from "node:assert/strict";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";

/** La regla: Cuadrado y Cubo una vez cada uno, en cualquier orden, y "Fin del programa" el último. */
function comprobar(lineas: string[]) {
  assert.equal(lineas.length, 3, lineas.join("\n"));
  assert.deepEqual(lineas.slice(0, 2).sort(), ["Cuadrado: 100", "Cubo: 1000"]);
  assert.equal(lineas[2], "Fin del programa");
}

Deno.test("cuadrado_cubo: Cuadrado y Cubo, y Fin del programa siempre el último (también en la cabecera)", async () => {
  comprobar(leerCabecera("threads/cuadrado_cubo.ts").salida);
  comprobar(await ejecutarCabecera("threads/cuadrado_cubo.ts"));
});
