// asincronia.ts de verdad: sin ningún permiso, las tareas se turnan en cada await, y el
// contador solo pierde sumas cuando hay un await entre leer y escribir.
import assert from "node:assert/strict";
import { ejecutar } from "./ayuda.ts";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";

/**
 * La regla: task1 y task2 se turnan línea a línea (cada una cede el turno tras imprimir);
 * con `contador += 1` el contador es exacto; leyendo, con un await y escribiendo, pierde sumas
 * (y la línea de perdidas cuadra); "Fin del programa" al final.
 */
export function comprobarAsincronia(lineas: string[]): void {
  assert.deepEqual(lineas.slice(0, 6), Array(3).fill(["Tarea 1", "Tarea 2"]).flat());
  assert.equal(lineas[6], "Con contador += 1 entre dos await:");
  const [, exacto, esperado] = lineas[7]?.match(/^Contador: (\d+) \(esperado (\d+)\)$/) ?? [];
  assert.equal(exacto, esperado, "sin await entre leer y escribir no se pierde nada");
  assert.equal(lineas[8], "Leyendo, con un await, y escribiendo después:");
  const [, obtenido, esperado2] = lineas[9]?.match(/^Contador: (\d+) \(esperado (\d+)\)$/) ?? [];
  assert.equal(esperado2, esperado);
  const perdidas = Number(esperado) - Number(obtenido);
  assert.ok(perdidas > 0, "con un await entre leer y escribir se pierden sumas");
  assert.equal(lineas[10], `Actualizaciones perdidas: ${perdidas}`);
  assert.deepEqual(lineas.slice(11), ["Fin del programa"]);
}

Deno.test("asincronia: la muestra de la cabecera cumple la regla", () => {
  const { salida, ejecutar: orden } = leerCabecera("threads/asincronia.ts");
  comprobarAsincronia(salida);
  assert.equal(orden, "deno run threads/asincronia.ts", "sin ningún permiso");
  const mezclada = salida.toSpliced(0, 2, "Tarea 2", "Tarea 1");
  assert.throws(() => comprobarAsincronia(mezclada));
  assert.throws(() => comprobarAsincronia(salida.with(7, "Contador: 1999 (esperado 2000)")));
});

Deno.test("asincronia: sin permisos, siempre igual: la mitad de las sumas se pierde con el await en medio", async () => {
  const [normal, pocas] = await Promise.all([
    ejecutarCabecera("threads/asincronia.ts"),
    ejecutar(["run", "threads/asincronia.ts", "--veces", "7"]),
  ]);
  comprobarAsincronia(normal);
  assert.equal(pocas.code, 0, pocas.stderr);
  comprobarAsincronia(pocas.lineas);
  // Un solo hilo y turnos estrictos: el resultado no depende de la suerte.
  assert.equal(normal[9], "Contador: 1000 (esperado 2000)");
  assert.equal(pocas.lineas[9], "Contador: 7 (esperado 14)");
});
