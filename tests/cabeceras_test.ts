// La documentación no puede desviarse del código: la lista de ejemplos
// (herramientas/ejemplos.ts), el README, deno.json y los tests hablan de los mismos scripts, y
// el test de cada ejemplo ejecuta su cabecera (`ejecutarCabecera`, una vez en toda la suite) y
// le aplica su regla. Aquí, además, se prueba que esa comprobación falla cuando debe.
import assert from "node:assert/strict";
import {
  EJEMPLOS,
  ficherosDe,
  modulos,
  modulosDe,
  scriptsDeEjemplo,
} from "../herramientas/ejemplos.ts";
import {
  compararSalida,
  ejecutarCabecera,
  ejecutarEjemplo,
  enmascarar,
  leerCabecera,
  PROSA_MAXIMA,
} from "./cabeceras.ts";
import { ejecutar, EnMarcha, lineasDe } from "./ayuda.ts";

const leer = (ruta: string) => Deno.readTextFileSync(new URL(`../${ruta}`, import.meta.url));

/** Los ejemplos: los .ts de sockets/ y threads/ que ningún otro importa (no son módulos). */
const scripts = scriptsDeEjemplo();
const nombre = (script: string) => script.replace(/^.*\//, "").replace(/\.ts$/, "");

/** Las filas de la tabla del README: script, orden y «qué mirar», en su orden. */
const filas = lineasDe(leer("README.md"))
  .filter((linea) => /^\| .*\| `[\w/]+\.ts` /.test(linea))
  .map((linea) => {
    const celdas = linea.split("|").slice(1, -1).map((celda) => celda.trim());
    return { script: celdas[1].slice(1, -1), orden: celdas[2], mirar: celdas[3] ?? "" };
  });

/** Lo más que puede ocupar la celda «Qué mirar» de una fila: una línea corta. */
const MIRAR_MAXIMO = 110;

Deno.test("cabeceras: la lista de ejemplos, el README, deno.json y los tests coinciden", () => {
  const faltas: string[] = [];
  const tareas: Record<string, string> = JSON.parse(leer("deno.json")).tasks;
  const tests = ficherosDe("tests").filter((test) => test.endsWith("_test.ts"));

  // La lista (herramientas/ejemplos.ts), y cada cliente detrás de su servidor: el orden de
  // la visita guiada, que es también el de la tabla del README.
  const enOrden: string[] = [];
  for (const script of EJEMPLOS) {
    if (!scripts.includes(script)) {
      faltas.push(`herramientas/ejemplos.ts: EJEMPLOS nombra ${script}, que no existe`);
      continue;
    }
    enOrden.push(script);
    const juntoA = leerCabecera(script).juntoA;
    if (juntoA && !enOrden.includes(juntoA)) enOrden.push(juntoA);
  }

  for (const script of scripts) {
    let cabecera;
    try {
      cabecera = leerCabecera(script);
    } catch (error) {
      faltas.push((error as Error).message);
      continue;
    }
    const { ejecutar, python, cambia, salida, juntoA } = cabecera;
    if (!/^Apartado \d/.test(python)) faltas.push(`${script}: @python debe empezar «Apartado N»`);
    if (!cambia) faltas.push(`${script}: falta @cambia (qué cambia de una ejecución a otra)`);
    const inventada = salida.find((linea) => /<[\p{L} _]+>|en cualquier orden\)/u.test(linea));
    if (inventada) faltas.push(`${script}: @salida debe ser una ejecución real: «${inventada}»`);
    if (juntoA && !scripts.includes(juntoA)) faltas.push(`${script}: @junto_a ${juntoA} no existe`);
    if (!enOrden.includes(script)) {
      faltas.push(
        `herramientas/ejemplos.ts: falta ${script} en EJEMPLOS (o en el @junto_a de un servidor)`,
      );
    }
    const fila = filas.find((fila) => fila.script === script);
    if (!fila) faltas.push(`README.md: falta la fila de ${script} en la tabla`);
    else if (fila.orden !== `\`${ejecutar}\``) {
      faltas.push(`README.md: la fila de ${script} debe llevar su orden: \`${ejecutar}\``);
    }
    if (tareas[nombre(script)] !== ejecutar) {
      faltas.push(`deno.json: la tarea "${nombre(script)}" debe ser "${ejecutar}"`);
    }
    const test = `tests/${nombre(script)}_test.ts`;
    if (!tests.includes(test)) faltas.push(`tests/: falta ${test}`);
    else if (!leer(test).includes(`leerCabecera("${script}")`)) {
      // La regla de cada script vive en su test, que la aplica también a la muestra.
      faltas.push(`${test}: no aplica su regla a la cabecera: leerCabecera("${script}").salida`);
    } else if (EJEMPLOS.includes(script) && !leer(test).includes(`ejecutarCabecera("${script}")`)) {
      // Y la ejecuta (un servidor, con su cliente): la única vez que la suite la ejecuta.
      faltas.push(`${test}: no ejecuta su cabecera: ejecutarCabecera("${script}")`);
    }
  }

  // Y al revés: nada habla de un script que no existe, y la tabla va en el orden de la lista.
  for (const { script } of filas) {
    if (!scripts.includes(script)) {
      faltas.push(`README.md: la tabla nombra ${script}, que no existe`);
    }
  }
  const orden = filas.map((fila) => fila.script).filter((script) => enOrden.includes(script));
  if (orden.join() !== enOrden.filter((script) => orden.includes(script)).join()) {
    faltas.push(`README.md: las filas de la tabla, en el orden de EJEMPLOS: ${enOrden.join(", ")}`);
  }
  const generales = ["test", "check", "lint", "fmt", "demo"];
  for (const tarea of Object.keys(tareas)) {
    if (!generales.includes(tarea) && !scripts.some((script) => nombre(script) === tarea)) {
      faltas.push(`deno.json: la tarea "${tarea}" no es de ningún script de sockets/ ni threads/`);
    }
  }
  for (const modulo of modulos()) {
    if (!tests.includes(`tests/${nombre(modulo)}_test.ts`)) {
      faltas.push(`tests/: falta tests/${nombre(modulo)}_test.ts, el test del módulo ${modulo}`);
    }
  }
  if (faltas.length > 0) assert.fail(`No coinciden:\n- ${faltas.join("\n- ")}`);
});

Deno.test("herramientas: las usan los tests, y ellas no importan nada de tests/ ni de bench/", () => {
  const alReves = ficherosDe("herramientas").filter((herramienta) =>
    /from "\.\.\/(tests|bench)\//.test(leer(herramienta))
  );
  assert.deepEqual(alReves, [], "una herramienta importa de tests/ o de bench/");
});

Deno.test("cabeceras: @copiar dice justo los módulos de su carpeta que el script importa", () => {
  const lista = (nombres: string[]) =>
    nombres.length === 1 ? nombres[0] : `${nombres.slice(0, -1).join(", ")} y ${nombres.at(-1)}`;
  const mal = scripts.flatMap((script) => {
    const nombres = modulosDe(script).map((modulo) => modulo.replace(/^.*\//, ""));
    const esperado = nombres.length === 0
      ? undefined
      : `también ${lista(nombres)}, a su lado: ${
        nombres.length > 1 ? "los" : "lo"
      } importa de allí`;
    const { copiar } = leerCabecera(script);
    return copiar === esperado ? [] : [`${script}: @copiar ${esperado} (dice: ${copiar})`];
  });
  assert.deepEqual(mal, []);
});

Deno.test("cabeceras: cada línea cabe en 100 columnas (menos la salida pegada de @salida)", () => {
  const largas = scripts.flatMap((script) => {
    const comentario = leer(script).split("\n */")[0].split("\n");
    let enSalida = false;
    return comentario.flatMap((linea, i) => {
      if (/^ \* @/.test(linea)) enSalida = linea.startsWith(" * @salida");
      return linea.length > 100 && !enSalida ? [`${script}:${i + 1}: ${linea.length}`] : [];
    });
  });
  assert.deepEqual(largas, []);
});

Deno.test("cabeceras: lo primero que se proyecta es código (prosa corta, README corto)", () => {
  const largas = scripts.map(leerCabecera).filter(({ prosa }) => prosa > PROSA_MAXIMA)
    .map(({ script, prosa }) => `${script}: ${prosa} líneas de prosa antes de la primera @`);
  const celdas = filas.filter(({ mirar }) => mirar.length > MIRAR_MAXIMO)
    .map(({ script, mirar }) => `README.md, fila de ${script}: ${mirar.length} caracteres`);
  assert.deepEqual(
    [...largas, ...celdas],
    [],
    `Como mucho ${PROSA_MAXIMA} líneas antes de la primera @ (el detalle, al README ` +
      `o junto al código) y ${MIRAR_MAXIMO} caracteres en «Qué mirar»`,
  );
});

Deno.test("cabeceras: la comprobación de una cabecera falla cuando debe, y dice por qué", async (t) => {
  // Los ejemplos de verdad los ejecuta su test; aquí, ficheros de prueba hechos para fallar,
  // todos a la vez.
  const [equivocada, sinPermiso, [colgado, breve], visita] = await Promise.all([
    ejecutarCabecera("tests/fixtures/cabecera_equivocada.ts").then(
      () => assert.fail("una cabecera equivocada pasó"),
      (error: Error) => error.message,
    ),
    ejecutarCabecera("tests/fixtures/orden_equivocada.ts").then(
      () => assert.fail("una orden sin permiso pasó"),
      (error: Error) => error.message,
    ),
    ejecutarEjemplo("tests/fixtures/servidor_colgado.ts", { aParte: true, trasElClienteMs: 1000 }),
    ejecutar([
      ...["run", "--allow-run", "--allow-read", "herramientas/demo.ts"],
      ...["tests/fixtures/cabecera_equivocada.ts", "tests/fixtures/orden_equivocada.ts"],
    ]),
  ]);

  await t.step("una cabecera equivocada no pasa, y se dice qué líneas difieren", () => {
    assert.equal(
      equivocada,
      "tests/fixtures/cabecera_equivocada.ts: la salida real no tiene las líneas de la " +
        "cabecera (comparadas sin orden, con los números como #):\n  solo en la cabecera:\n" +
        "    Cuadrado: 100\n  solo en la real:\n    Cubo: 1000",
    );
  });
  await t.step("una orden sin el permiso que necesita no pasa: código 1", () => {
    assert.match(
      sinPermiso,
      /^tests\/fixtures\/orden_equivocada\.ts: terminó con código 1: .*--allow-read/s,
    );
  });
  await t.step("un servidor que no termina tras su cliente se da por colgado", () => {
    assert.equal(breve.problema, null);
    assert.deepEqual(breve.lineas, ["Conectado y desconectado"]);
    assert.match(
      colgado.problema ?? "",
      /servidor_colgado\.ts: no terminó en 1 s después de su cliente/,
    );
  });
  await t.step("la visita guiada enseña cada ejemplo y acaba con 1 si uno falla", () => {
    assert.equal(visita.code, 1);
    assert.ok(visita.lineas.includes("$ deno run tests/fixtures/cabecera_equivocada.ts"));
    assert.ok(visita.lineas.includes("  Cubo: 1000"), visita.stdout);
    assert.match(visita.lineas.at(-1)!, /^Fallaron 1: tests\/fixtures\/orden_equivocada\.ts \(/);
  });
});

Deno.test("visita guiada: un cliente se ejecuta con su servidor; un nombre suelto, su ejemplo; uno a medias, qué ejemplo se quiso decir", async () => {
  const demo = ["run", "--allow-run", "--allow-read", "herramientas/demo.ts"];
  const [cliente, lock, carre] = await Promise.all([
    ejecutar([...demo, "sockets/cliente.ts"]),
    ejecutar([...demo, "lock"]),
    ejecutar([...demo, "carre"]),
  ]);
  assert.equal(cliente.code, 0, cliente.stdout + cliente.stderr);
  const ordenes = cliente.lineas.filter((linea) => linea.startsWith("$ "));
  assert.deepEqual(ordenes.map((orden) => orden.replace(/\d+$/, "#")), [
    "$ deno run --allow-net --allow-sys=networkInterfaces sockets/servidor.ts --host 127.0.0.1 --port #",
    "$ deno run --allow-net sockets/cliente.ts --port #",
  ]);
  assert.equal(lock.code, 0, lock.stdout + lock.stderr);
  assert.ok(lock.lineas.includes("$ deno run --allow-read threads/lock.ts"), lock.stdout);
  assert.equal(carre.code, 2);
  assert.equal(carre.stdout, "");
  assert.match(
    carre.stderr,
    /^No hay ningún ejemplo «carre»\. ¿Quisiste decir threads\/carrera\.ts\?\n/,
  );
});

Deno.test("cabeceras: la comparación no mira el orden ni los números, y sí todo lo demás", () => {
  assert.equal(
    enmascarar("pid 4821, 127.0.0.1:51234, 1,9 veces, 2.000.000  "),
    "pid #, #:#, # veces, #",
  );
  assert.equal(
    compararSalida(["Cubo: 1000", "Cuadrado: 100", "Fin"], ["Cuadrado: 100", "Cubo: 1000", "Fin"]),
    null,
  );
  assert.equal(compararSalida(["pid 12", "", "b"], ["b", "pid 9731"]), null, "sin líneas vacías");
  // Las mismas líneas, pero no las mismas veces.
  assert.match(
    compararSalida(["a", "a", "b"], ["a", "b", "b"])!,
    /cabecera:\n {4}a\n.*real:\n {4}b$/s,
  );
  // Una línea de menos, o de más.
  assert.match(
    compararSalida(["a", "b"], ["a"])!,
    /cabecera:\n {4}b\n {2}solo en la real: \(ninguna\)$/,
  );
  assert.match(
    compararSalida(["a"], ["a", "Error"])!,
    /cabecera: \(ninguna\)\n.*real:\n {4}Error$/,
  );
  // Un número no vale por una palabra, ni una palabra por otra.
  assert.notEqual(compararSalida(["dentro: 2"], ["dentro: dos"]), null);
  assert.notEqual(compararSalida(["Cuadrado: 100"], ["Cubo: 100"]), null);
});

Deno.test("ayuda: las líneas de un proceso, con \\n o \\r\\n, aunque lleguen a trozos", async () => {
  assert.deepEqual(lineasDe("a\r\nb\n\nc"), ["a", "b", "", "c"]);
  assert.deepEqual(lineasDe("a\n"), ["a"]);
  // Un eco de stdin que escribe byte a byte: cada salto de línea llega partido.
  const eco = new EnMarcha(
    [
      "eval",
      "for await (const t of Deno.stdin.readable) for (const b of t) await Deno.stdout.write(Uint8Array.of(b))",
    ],
    "null",
    { entrada: "uno\r\ndos\nfin" },
  );
  assert.equal(await eco.linea(), "uno");
  const { code, stdout, lineas } = await eco.fin();
  assert.equal(code, 0);
  assert.equal(stdout, "uno\r\ndos\nfin");
  assert.deepEqual(lineas, ["uno", "dos", "fin"]);
});

Deno.test("ayuda: un plazo puesto a un proceso que ya terminó no salta nunca", async () => {
  // Si saltara, retendría hasta el final a quien espera (la visita guiada esperaba 60 s de más).
  const breve = new EnMarcha(["eval", ""]);
  assert.equal((await breve.fin()).code, 0);
  breve.limitar(1);
  await new Promise((pasado) => setTimeout(pasado, 50)); // 50 veces el plazo
  assert.equal(breve.colgado, false);
});
