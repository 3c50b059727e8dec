// La documentación no puede desviarse del código: cada cabecera se ejecuta y se compara.
import assert from "node:assert/strict";
import { compararSalida, ejecutarEjemplo, EJEMPLOS, leerCabecera } from "../demo.ts";
import { raiz } from "./ayuda.ts";

/** Todos los scripts de sockets/ y threads/. */
const scripts = ["sockets", "threads"].flatMap((carpeta) =>
  [...Deno.readDirSync(raiz + carpeta)]
    .filter((entrada) => entrada.isFile && entrada.name.endsWith(".ts"))
    .map((entrada) => `${carpeta}/${entrada.name}`)
).sort();

Deno.test("cabeceras: cada script tiene una cabecera completa y está en la visita guiada", () => {
  const enLaDemo = new Set(EJEMPLOS.flatMap((script) => [script, leerCabecera(script).juntoA]));
  for (const script of scripts) {
    const cabecera = leerCabecera(script); // falla con un mensaje si le falta algo
    assert.ok(cabecera.titulo.length > 0, `${script}: sin título`);
    assert.match(cabecera.python, /Apartado \d/, `${script}: @python debe decir el apartado`);
    assert.ok(enLaDemo.has(script), `${script} no está en EJEMPLOS de demo.ts`);
  }
  for (const script of EJEMPLOS) assert.ok(scripts.includes(script), `${script} no existe`);
});

Deno.test("cabeceras: cada orden @ejecutar da la @salida que promete", async (t) => {
  for (const script of EJEMPLOS) {
    await t.step(script, async () => {
      for (const ejecucion of await ejecutarEjemplo(script)) {
        assert.equal(ejecucion.diferencia, null, ejecucion.diferencia ?? "");
      }
    });
  }
});

Deno.test("cabeceras: el README y deno.json llevan las mismas órdenes que las cabeceras", () => {
  const readme = Deno.readTextFileSync(raiz + "README.md");
  const tareas: Record<string, string> =
    JSON.parse(Deno.readTextFileSync(raiz + "deno.json")).tasks;
  for (const script of scripts) {
    const { ejecutar } = leerCabecera(script);
    const fila = readme.split("\n").find((linea) =>
      linea.startsWith("|") && linea.includes(`\`${script}\``)
    );
    assert.ok(fila, `README.md: falta la fila de ${script} en la tabla`);
    assert.ok(
      fila.includes(`\`${ejecutar}\``),
      `README.md: la fila de ${script} debe llevar la orden de su cabecera: ${ejecutar}`,
    );
    const tarea = script.replace(/^.*\//, "").replace(/\.ts$/, "");
    assert.equal(
      tareas[tarea],
      ejecutar,
      `deno.json: la tarea "${tarea}" debe ser la orden de la cabecera`,
    );
  }
  // Y ninguna fila ni tarea habla de un script que no existe.
  for (const [, script] of readme.matchAll(/^\| [^|]+\| `([\w/]+\.ts)`/gm)) {
    assert.ok(scripts.includes(script), `README.md nombra ${script}, que no existe`);
  }
});

Deno.test("cabeceras: una cabecera equivocada falla con el nombre del script y la primera línea distinta", async () => {
  const [salida] = await ejecutarEjemplo("tests/fixtures/cabecera_equivocada.ts");
  assert.equal(
    salida.diferencia,
    "tests/fixtures/cabecera_equivocada.ts: la línea 2 de la salida no es la de la cabecera:\n" +
      "  cabecera: Cuadrado: <n>\n  real:     Cubo: 1000",
  );
  const [orden] = await ejecutarEjemplo("tests/fixtures/orden_equivocada.ts");
  assert.match(
    orden.diferencia!,
    /^tests\/fixtures\/orden_equivocada\.ts: terminó con código 1: .*--allow-read/s,
  );
});

Deno.test("cabeceras: la comparación encuentra la primera línea distinta", () => {
  assert.equal(compararSalida(["Hola <nombre>", "Fin"], ["Hola Ana", "Fin"]), null);
  assert.match(
    compararSalida(["Hola <nombre>", "Fin"], ["Hola Ana", "Final"])!,
    /^la línea 2 de la salida no es la de la cabecera:\n {2}cabecera: Fin\n {2}real: {5}Final$/,
  );
  assert.match(
    compararSalida(["a", "b"], ["a"])!,
    /línea 2 .*\n.*\n {2}real: {5}\(no hay más líneas\)/,
  );
  assert.match(compararSalida(["a"], ["a", "b"])!, /línea 2/);
  assert.match(compararSalida(["pid: <pid>"], ["pid: "])!, /línea 1/, "<algo> no vale por nada");

  const cualquiera = ["x  (en cualquier orden)", "y  (en cualquier orden)", "fin"];
  assert.equal(compararSalida(cualquiera, ["y", "x", "fin"]), null);
  assert.match(compararSalida(cualquiera, ["y", "y", "fin"])!, /línea 2/);
  assert.match(compararSalida(cualquiera, ["x", "fin", "y"])!, /línea 2/);

  const bloques = [
    ...Array(3).fill("a  (bloques en cualquier orden)"),
    ...Array(3).fill("b  (bloques en cualquier orden)"),
  ];
  assert.equal(compararSalida(bloques, ["b", "b", "b", "a", "a", "a"]), null);
  assert.match(compararSalida(bloques, ["a", "b", "a", "a", "b", "b"])!, /línea 2/);
});
