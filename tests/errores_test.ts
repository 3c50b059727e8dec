// Una frase por error, la misma en cada script (sockets y threads), comparada con la tabla de
// los desarrolladores cambiando solo el nombre de la opción. Las opciones de cada script salen
// de su -h (que también se comprueba): N es un entero (con «de MIN a MAX»), X un texto libre,
// `a|b` uno de esos valores, `[x]` un valor que se puede omitir y nada, un interruptor.
//
// Cada proceso de Deno cuesta CPU (unos 80 ms), así que cada script se ejecuta de verdad tres
// veces: su -h, un error de uso y sin permisos. Los demás tipos de error pasan, para cada
// script, por el lector de opciones de su carpeta (el mismo código, aquí dentro) con las
// opciones que dice su -h; y el error que se comete de verdad debe dar, letra a letra, lo
// mismo que ese lector: así cada tipo de error queda comprobado contra cada script.
import assert from "node:assert/strict";
import { scriptsDeEjemplo } from "../herramientas/ejemplos.ts";
import { leerCabecera } from "./cabeceras.ts";
import { ejecutar, type Resultado } from "./ayuda.ts";
import * as red from "../sockets/red.ts";
import * as threading from "../threads/threading.ts";

/** Una opción tal como la cuenta el -h de un script. */
interface Opcion {
  nombre: string;
  /** "N" (entero), "X" (texto), "a|b" (uno de esos valores) o "" (interruptor). */
  valor: string;
  defecto: string;
  min?: number;
  max?: number;
}

/** Las frases, de la tabla «One sentence per mistake» (la opción, como parámetro). */
export const FRASES = {
  noEntero: (o: string, v: string) => `--${o} debe ser un número entero (no «${v}»).`,
  fueraDeRango: (o: string, min: number, max: number, v: string) =>
    `--${o} debe estar entre ${min} y ${max} (no «${v}»).`,
  noEsUnoDe: (o: string, valores: string[], v: string) =>
    `--${o} debe ser ${valores.slice(0, -1).join(", ")} o ${valores.at(-1)} (no «${v}»).`,
  desconocida: (o: string) => `Opción desconocida: --${o}.`,
  faltaValor: (o: string) => `Falta el valor de --${o}.`,
  banderaConValor: (o: string) => `--${o} no lleva valor: escribe solo --${o}.`,
  suelto: (v: string) => `Argumento inesperado: «${v}» (las opciones empiezan por --).`,
};

/** La columna de las opciones en el -h: dos espacios, la opción y relleno hasta aquí. */
const COLUMNA = 30;
const AYUDA_FINAL = "  -h, --help".padEnd(COLUMNA) + "muestra esta ayuda";

/**
 * Lee el -h de un script y dice qué no sigue el formato: `Uso: <orden> [--opt N] ...`,
 * `Opciones:`, una línea por opción (la descripción en la columna 30, o tras dos espacios si
 * la opción es más larga) con su valor por defecto, y `-h, --help` al final.
 */
function leerAyuda(ejecutar: string, { code, stdout, stderr }: Resultado) {
  const fallos: string[] = [];
  const opciones: Opcion[] = [];
  if (code !== 0 || stderr !== "") fallos.push(`-h: código ${code} y stderr «${stderr.trim()}»`);
  const lineas = stdout.replace(/\n$/, "").split("\n");
  const uso = lineas[0] ?? "";
  if (!uso.startsWith(`Uso: ${ejecutar}`)) {
    fallos.push(`-h: la primera línea no es «Uso: ${ejecutar} ...»`);
  }
  if (lineas[1] !== "Opciones:") fallos.push(`-h: la segunda línea no es «Opciones:»`);
  if (lineas.at(-1) !== AYUDA_FINAL) fallos.push(`-h: la última línea no es «${AYUDA_FINAL}»`);
  for (const linea of lineas.slice(2, -1)) {
    const partes = linea.match(
      /^ {2}--([\w-]+)(?: (\S+))?( +)(\S.*) \(por defecto: ([^;)]*)(?:; de (-?\d+) a (-?\d+))?\)$/,
    );
    if (!partes) {
      fallos.push(`-h: línea sin el formato «  --opción N   qué es (por defecto: D)»: «${linea}»`);
      continue;
    }
    const [, nombre, valor = "", espacios, , defecto, min, max] = partes;
    const ancho = `  --${nombre}${valor ? ` ${valor}` : ""}`.length;
    if (ancho + espacios.length !== Math.max(COLUMNA, ancho + 2)) {
      fallos.push(
        `-h: la descripción de --${nombre} no empieza en la columna ${COLUMNA}: «${linea}»`,
      );
    }
    if ((valor === "N") !== (min !== undefined)) {
      fallos.push(`-h: --${nombre}: un entero (N) lleva «de MIN a MAX», y solo él`);
    }
    if (valor === "" && defecto !== "no") {
      fallos.push(`-h: --${nombre}: un interruptor dice «(por defecto: no)»`);
    }
    opciones.push(
      { nombre, valor, defecto, min: min && Number(min), max: max && Number(max) } as Opcion,
    );
  }
  const enElUso = opciones.map(({ nombre, valor }) => ` [--${nombre}${valor ? ` ${valor}` : ""}]`);
  if (uso !== `Uso: ${ejecutar}${enElUso.join("")}`) {
    fallos.push(`-h: el uso no lista las opciones de abajo: «${uso}»`);
  }
  return { uso: uso.slice("Uso: ".length), opciones, fallos };
}

/** Un error que cometer: los argumentos y la frase que debe salir. */
interface Caso {
  tipo: string;
  args: string[];
  frase: string;
}

/** Los errores de uso que admite un script, según sus opciones. */
function casosDe(opciones: Opcion[]): Caso[] {
  const casos: Caso[] = [];
  const entero = opciones.find((o) => o.valor === "N");
  if (entero) {
    const { nombre, min, max } = entero as Required<Opcion>;
    // Por debajo del mínimo si queda negativo (el «--port -1» que parseArgs lee mal), si no,
    // por encima del máximo.
    const fuera = String(min - 1 < 0 ? min - 1 : max + 1);
    casos.push(
      {
        tipo: "no es un número",
        args: [`--${nombre}`, "abc"],
        frase: FRASES.noEntero(nombre, "abc"),
      },
      {
        tipo: "fuera de rango",
        args: [`--${nombre}`, fuera],
        frase: FRASES.fueraDeRango(nombre, min, max, fuera),
      },
      { tipo: "falta el valor", args: [`--${nombre}`], frase: FRASES.faltaValor(nombre) },
    );
  }
  const eleccion = opciones.find((o) => o.valor.includes("|"));
  if (eleccion) {
    const valores = eleccion.valor.split("|");
    casos.push({
      tipo: "no es uno de los valores",
      args: [`--${eleccion.nombre}`, "zzz"],
      frase: FRASES.noEsUnoDe(eleccion.nombre, valores, "zzz"),
    });
  }
  const bandera = opciones.find((o) => o.valor === "");
  if (bandera) {
    casos.push({
      tipo: "interruptor con valor",
      args: [`--${bandera.nombre}=1`],
      frase: FRASES.banderaConValor(bandera.nombre),
    });
  }
  casos.push(
    { tipo: "opción desconocida", args: ["--zzz"], frase: FRASES.desconocida("zzz") },
    { tipo: "argumento suelto", args: ["hola"], frase: FRASES.suelto("hola") },
  );
  return casos;
}

/** Las opciones del -h, escritas como las declara el script con el módulo de su carpeta. */
function declaradas(modulo: typeof red | typeof threading, opciones: Opcion[]) {
  const declaracion: Record<string, red.Opcion> = {};
  for (const { nombre, valor, defecto, min, max } of opciones) {
    declaracion[nombre] = valor === ""
      ? modulo.bandera("-")
      : valor === "N"
      ? modulo.entero(Number(defecto), min!, max!, "-")
      : valor.startsWith("[")
      ? { ...modulo.texto("", [], "-"), opcional: valor.slice(1, -1) }
      : modulo.texto(defecto, valor === "X" ? [] : valor.split("|"), "-");
  }
  return declaracion;
}

/** Ejecuta `tareas` de `cuantas` en `cuantas` a la vez: cada proceso de Deno cuesta CPU. */
async function deACuantas<T>(cuantas: number, tareas: (() => Promise<T>)[]): Promise<T[]> {
  const resultados: T[] = new Array(tareas.length);
  let siguiente = 0;
  await Promise.all(Array.from({ length: cuantas }, async () => {
    while (siguiente < tareas.length) {
      const i = siguiente++;
      resultados[i] = await tareas[i]();
    }
  }));
  return resultados;
}

const LIMITE_MS = 15_000;
const correr = (args: string[]) => ejecutar(args, undefined, { limiteMs: LIMITE_MS });

/** Lo que no cumple un script: su -h, cada tipo de error, y sin permisos. */
async function comprobar(script: string): Promise<{ fallos: string[]; tipos: string[] }> {
  const { ejecutar: orden } = leerCabecera(script);
  const permisos = orden.split(" ").slice(2, -1);
  const ayuda = leerAyuda(orden, await correr(["run", ...permisos, script, "-h"]));
  const fallos = [...ayuda.fallos];
  const casos = casosDe(ayuda.opciones);
  const tipos = casos.map((caso) => caso.tipo);

  // Cada tipo de error, con el lector de opciones de su carpeta y las opciones del script.
  const modulo = script.startsWith("sockets/") ? red : threading;
  const declaracion = declaradas(modulo, ayuda.opciones);
  const esperadoDe = (caso: Caso) => {
    const lectura = modulo.analizarOpciones(declaracion, orden, caso.args);
    return "error" in lectura ? `${lectura.error}\nUso: ${lectura.uso}\n` : "(sin error)";
  };
  for (const caso of casos) {
    const esperado = `${caso.frase}\nUso: ${ayuda.uso}\n`;
    if (esperadoDe(caso) !== esperado) {
      fallos.push(
        `${caso.tipo} (${caso.args.join(" ")}): el lector de opciones de su carpeta da ` +
          `«${esperadoDe(caso).trim()}»; se esperaba «${esperado.trim()}»`,
      );
    }
  }

  // El primero de verdad: el script da, letra a letra, lo que da el lector de su carpeta.
  const [caso] = casos;
  const { code, stdout, stderr } = await correr(["run", ...permisos, script, ...caso.args]);
  if (code !== 2 || stdout !== "" || stderr !== `${caso.frase}\nUso: ${ayuda.uso}\n`) {
    fallos.push(
      `${caso.tipo} (${caso.args.join(" ")}), de verdad: código ${code}, stderr ` +
        `«${stderr.trim()}»; se esperaba código 2 y «${caso.frase} Uso: ${ayuda.uso}»`,
    );
  }

  // Sin permisos, con una opción puesta: la orden sugerida debe llevarla.
  if (permisos.length > 0) {
    tipos.push("sin permisos");
    const conValor = ayuda.opciones.find((o) => o.valor === "N" || o.valor === "X");
    const opcionDada = conValor ? [`--${conValor.nombre}`, conValor.defecto] : [];
    const { code, stderr } = await correr(["run", script, ...opcionDada]);
    const sugerida = [orden, ...opcionDada].join(" ");
    const frase = stderr.match(/^No hay permiso para (.+)\. Ejecuta: (.+)\n$/);
    if (code !== 1 || !frase || frase[2] !== sugerida) {
      fallos.push(
        `sin permisos (${["deno run", script, ...opcionDada].join(" ")}): código ${code}, ` +
          `stderr «${stderr.trim()}»; se esperaba código 1 y una línea ` +
          `«No hay permiso para <qué>. Ejecuta: ${sugerida}»`,
      );
    }
  }
  return { fallos, tipos };
}

/** Los scripts a la vez: cada proceso cuesta CPU al arrancar, y el resto de la suite corre al lado. */
const A_LA_VEZ = 3;

Deno.test("errores: cada error de uso y de permisos, la misma frase en cada script", async (t) => {
  const scripts = scriptsDeEjemplo();
  const resultados = await deACuantas(A_LA_VEZ, scripts.map((script) => () => comprobar(script)));
  for (const [i, { fallos }] of resultados.entries()) {
    await t.step(scripts[i], () => {
      if (fallos.length > 0) assert.fail(`${scripts[i]}:\n- ${fallos.join("\n- ")}`);
    });
  }
  await t.step("cada tipo de error se prueba en algún script", () => {
    const probados = new Set(resultados.flatMap(({ tipos }) => tipos));
    assert.deepEqual([...probados].sort(), [
      "argumento suelto",
      "falta el valor",
      "fuera de rango",
      "interruptor con valor",
      "no es un número",
      "no es uno de los valores",
      "opción desconocida",
      "sin permisos",
    ]);
  });
});
