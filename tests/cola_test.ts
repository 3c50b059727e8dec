import assert from "node:assert/strict";
import { ejecutarEnUnNucleo, ejecutarThreads, hayTaskset, type Resultado } from "./ayuda.ts";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";

const PLATOS = ["sopa", "paella", "tortilla", "gazpacho", "fabada"];
const CAPACIDAD = 3;

/**
 * La regla: el productor pone los pedidos 1, 2, 3... en orden, cada uno con su plato, y al
 * final dice cuántas veces encontró la cola llena; cada pedido se saca una vez,
 * después de ponerse; tras `join()`, ninguna línea más de los consumidores; y el resumen
 * cuenta lo que sacó cada consumidor.
 */
function comprobar(lineas: string[], pedidos: number, consumidores: number) {
  let puestos = 0;
  const sacados = new Set<number>();
  const porConsumidor = new Map<string, number>();
  let llena: number | null = null; // las veces que el productor encontró la cola llena
  const fin = lineas.indexOf("Hechos todos los pedidos; la cola tiene 0");
  assert.ok(fin > 0, lineas.join("\n"));
  for (const linea of lineas.slice(0, fin)) {
    const pone = linea.match(/^Productor: pone el pedido (\d+) \((\w+)\)$/);
    const saca = linea.match(/^(Consumidor \d+): saca el pedido (\d+) \((\w+)\)$/);
    const resumen = linea.match(
      /^Productor: (\d+) pedidos puestos; la cola estaba llena en (\d+) de ellos$/,
    );
    if (resumen) {
      assert.equal(Number(resumen[1]), pedidos, linea);
      assert.equal(puestos, pedidos, `${linea}: antes de poner todos`);
      assert.ok(!llena, `${linea}: dos veces`);
      llena = Number(resumen[2]);
      assert.ok(llena < pedidos, linea);
    } else if (pone) {
      const numero = Number(pone[1]);
      assert.equal(numero, ++puestos, `${linea}: fuera de orden`);
      assert.equal(pone[2], PLATOS[(numero - 1) % PLATOS.length], linea);
    } else {
      assert.ok(saca, linea);
      const numero = Number(saca[2]);
      assert.ok(numero <= puestos, `${linea}: se saca antes de ponerse`);
      assert.ok(!sacados.has(numero), `${linea}: sacado dos veces`);
      assert.equal(saca[3], PLATOS[(numero - 1) % PLATOS.length], linea);
      sacados.add(numero);
      porConsumidor.set(saca[1], (porConsumidor.get(saca[1]) ?? 0) + 1);
      // El productor no se adelanta más que los huecos, el que espera y los que se escriben.
      assert.ok(puestos - sacados.size <= CAPACIDAD + 1 + consumidores, linea);
    }
  }
  assert.equal(puestos, pedidos);
  assert.equal(sacados.size, pedidos);
  assert.ok(llena !== null, "falta la línea final del productor");
  assert.equal(lineas.length, fin + 2, lineas.join("\n"));
  const todos = Array.from({ length: consumidores }, (_, k) => `Consumidor ${k + 1}`);
  const reparto = todos.map((quien) => `${quien}: ${porConsumidor.get(quien) ?? 0}`);
  assert.equal(
    lineas.at(-1),
    `Hechos: ${pedidos} de ${pedidos}, cada uno una vez (${reparto.join(", ")})`,
  );
  return porConsumidor;
}

function sinError({ code, stderr, lineas }: Resultado) {
  assert.equal(code, 0, stderr);
  return lineas;
}

Deno.test("cola: cada pedido se pone en orden, se saca una vez después de ponerse y nunca hay más de 3 esperando (cabecera, ejecución, un núcleo, 500 pedidos con 4 consumidores)", async () => {
  comprobar(leerCabecera("threads/cola.ts").salida, 10, 2);
  const [normal, unNucleo, muchos] = await Promise.all([
    ejecutarCabecera("threads/cola.ts"),
    hayTaskset ? ejecutarEnUnNucleo(["run", "--allow-read", "threads/cola.ts"]) : null,
    ejecutarThreads("cola.ts", "--pedidos", "500", "--consumidores", "4"),
  ]);
  comprobar(normal, 10, 2);
  if (unNucleo) comprobar(sinError(unNucleo), 10, 2);
  comprobar(sinError(muchos), 500, 4);
});

Deno.test("cola: la regla rechaza historias imposibles", () => {
  const bien = leerCabecera("threads/cola.ts").salida;
  const saca1 = bien.findIndex((l) => l.startsWith("Consumidor") && l.includes("pedido 1 "));
  const adelantada = [bien[saca1], ...bien.toSpliced(saca1, 1)];
  assert.throws(() => comprobar(adelantada, 10, 2), /se saca antes de ponerse/);
  const repetida = bien.toSpliced(saca1, 0, bien[saca1]);
  assert.throws(() => comprobar(repetida, 10, 2), /sacado dos veces/);
  const resumen = bien.findIndex((l) => l.includes("pedidos puestos"));
  const resumenAntes = [bien[resumen], ...bien.toSpliced(resumen, 1)];
  assert.throws(() => comprobar(resumenAntes, 10, 2), /antes de poner todos/);
});
