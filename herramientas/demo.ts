/**
 * Visita guiada: ejecuta cada ejemplo en el orden del capítulo, y después los que van más
 * allá, y muestra su título, su orden y lo que escribe de verdad.
 *
 * Cada script se ejecuta con la orden exacta de su cabecera (`@ejecutar`). Un servidor se
 * ejecuta junto a su cliente (`@junto_a`): el servidor en 127.0.0.1 y en un puerto libre, y
 * el cliente con ese puerto y lo que su cabecera dice que se teclea (`@entrada`). Si un
 * ejemplo falla (termina con un código distinto de 0, o no termina), la visita lo dice y
 * acaba con código 1. Que la salida sea la que promete la cabecera lo comprueban los tests
 * (tests/cabeceras_test.ts), con estas mismas funciones. Con scripts detrás, solo esos:
 * `deno task demo threads/lock.ts sockets/servidor.ts` (o `lock servidor`); un cliente, con
 * su servidor.
 *
 * Ejecutar: deno run --allow-run --allow-read herramientas/demo.ts (o `deno task demo`)
 */

import { type Ejecucion, ejecutarEjemplo, leerCabecera } from "./cabeceras.ts";
import { EJEMPLOS, scriptsDeEjemplo } from "./ejemplos.ts";

/**
 * Lo que se ejecuta para un argumento: el ejemplo tal cual; un cliente, a través del primer
 * servidor que lo lleva en su `@junto_a` (solo no tiene con quién hablar); un nombre suelto,
 * como en `deno task lock`, el único ejemplo que se llama así (`lock` → `threads/lock.ts`); y
 * si no existe, un error con los que se parecen (`carre` → `threads/carrera.ts`).
 */
export function queEjecutar(arg: string): string {
  const scripts = scriptsDeEjemplo();
  const nombre = (script: string) => script.replace(/^.*\//, "").replace(/\.ts$/, "");
  let ruta = arg.replaceAll("\\", "/").replace(/^\.\//, "");
  const conEseNombre = scripts.filter((script) => nombre(script) === ruta.replace(/\.ts$/, ""));
  if (!ruta.includes("/") && conEseNombre.length === 1) ruta = conEseNombre[0];
  if (scripts.includes(ruta)) {
    const servidor = EJEMPLOS.find((ejemplo) => leerCabecera(ejemplo).juntoA === ruta);
    return servidor ?? ruta;
  }
  try {
    if (Deno.statSync(new URL(`../${ruta}`, import.meta.url)).isFile) return ruta; // otro script con cabecera (tests/fixtures/...)
  } catch {
    // no existe: se buscan los parecidos
  }
  const buscado = ruta.replace(/^.*\//, "").replace(/\.ts$/, "").toLowerCase();
  const iguales = scripts.filter((script) => nombre(script) === buscado);
  const parecidos = iguales.length > 0
    ? iguales
    : scripts.filter((script) => buscado !== "" && nombre(script).includes(buscado));
  throw new Error(
    parecidos.length > 0
      ? `No hay ningún ejemplo «${arg}». ¿Quisiste decir ${parecidos.join(" o ")}?`
      : `No hay ningún ejemplo «${arg}». Los ejemplos: ${EJEMPLOS.join(", ")}.`,
  );
}

/**
 * `inicio` y `texto`, partido por los espacios en líneas de 100 columnas (o las de la terminal,
 * si son menos); las que siguen, con `sangria` delante.
 */
function enColumnas(inicio: string, texto: string, sangria: string): string {
  let ancho = 100;
  try {
    ancho = Math.min(ancho, Deno.consoleSize().columns);
  } catch { /* no es una terminal: 100 */ }
  const lineas = [inicio.trimEnd()];
  for (const palabra of texto.split(" ")) {
    const actual = lineas.at(-1)!;
    if (actual.trim() && actual.length + 1 + palabra.length > ancho) lineas.push(sangria + palabra);
    else lineas[lineas.length - 1] = actual.trim() ? `${actual} ${palabra}` : actual + palabra;
  }
  return lineas.join("\n");
}

/** Muestra una ejecución como en una terminal: la orden, lo tecleado y lo que escribe. */
function mostrar(ejecucion: Ejecucion) {
  console.log(`\n$ ${ejecucion.orden}`);
  if (ejecucion.entrada.length) {
    console.log(`  (se teclea: ${ejecucion.entrada.map((linea) => `«${linea}»`).join(", ")})`);
  }
  for (const linea of ejecucion.lineas) console.log(`  ${linea}`);
  if (ejecucion.aviso) console.log(`  (${ejecucion.aviso})`);
  if (ejecucion.problema) console.log(`  ✗ ${ejecucion.problema}`);
}

if (import.meta.main) {
  // Sin argumentos, todos; con argumentos, solo esos: deno task demo threads/lock.ts
  if (Deno.args.some((arg) => arg.startsWith("-"))) {
    console.log("Uso: deno task demo [sockets/x.ts threads/y.ts ...]  (sin scripts, todos)");
    Deno.exit(Deno.args.every((arg) => arg === "-h" || arg === "--help") ? 0 : 2);
  }
  let lista: string[];
  try {
    lista = Deno.args.length > 0 ? Deno.args.map(queEjecutar) : [...EJEMPLOS];
  } catch (error) {
    console.error((error as Error).message);
    console.error("Uso: deno task demo [sockets/x.ts threads/y.ts ...]  (sin scripts, todos)");
    Deno.exit(2);
  }
  const inicio = performance.now();
  const fallidos: string[] = [];
  for (const [numero, script] of lista.entries()) {
    try {
      const cabecera = leerCabecera(script);
      console.log(`\n=== ${numero + 1}. ${cabecera.titulo}`);
      console.log(enColumnas("    Python: ", cabecera.python, "            "));
      for (const ejecucion of await ejecutarEjemplo(script)) {
        mostrar(ejecucion);
        if (ejecucion.problema) fallidos.push(ejecucion.cabecera.script);
      }
      if (cabecera.cambia) {
        console.log("\n" + enColumnas("  De una vez a otra cambia: ", cabecera.cambia, "    "));
      }
    } catch (error) {
      const noExiste = error instanceof Deno.errors.NotFound;
      console.log(`\n=== ${numero + 1}. ${script}`);
      console.log(`  ✗ ${noExiste ? `${script} no existe` : (error as Error).message}`);
      fallidos.push(script);
    }
  }
  const segundos = ((performance.now() - inicio) / 1000).toFixed(1);
  if (fallidos.length > 0) {
    console.log(`\nFallaron ${fallidos.length}: ${fallidos.join(", ")} (${segundos} s).`);
    Deno.exit(1);
  }
  const cuantos = lista.length === 1
    ? "El ejemplo terminó"
    : `Los ${lista.length} ejemplos terminaron`;
  console.log(`\n${cuantos} bien (${segundos} s).`);
}
