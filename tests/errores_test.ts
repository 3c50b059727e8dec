// Una frase por error, la misma en cada script (sockets y threads): cada tipo de error se
// comete de verdad contra cada ejemplo y su frase se compara con la de la tabla de los
// desarrolladores, cambiando solo el nombre de la opción. Las opciones de cada script salen
// de su -h (que también se comprueba): N es un entero (con «de MIN a MAX»), X un texto libre,
// `a|b` uno de esos valores y nada, un interruptor sin valor.
import assert from "node:assert/strict";
import { scriptsDeEjemplo } from "../herramientas/ejemplos.ts";
import { leerCabecera } from "./cabeceras.ts";
import { ejecutar, type Resultado } from "./ayuda.ts";

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
  const casos: Caso[] = [
    { tipo: "opción desconocida", args: ["--zzz"], frase: FRASES.desconocida("zzz") },
    { tipo: "argumento suelto", args: ["hola"], frase: FRASES.suelto("hola") },
  ];
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
  return casos;
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
const correr = (args: string[]) => () => ejecutar(args, undefined, { limiteMs: LIMITE_MS });

/** Lo que se comprueba de un script: su orden, sus permisos, su -h y sus casos. */
interface Plan {
  script: string;
  orden: string;
  permisos: string[];
  ayuda: ReturnType<typeof leerAyuda>;
  casos: Caso[];
  /** Sin permisos, con una opción puesta: la orden sugerida debe llevarla. */
  opcionDada: string[] | null;
}

/** Lee el -h de un script y decide qué errores cometer con él. */
async function planear(script: string): Promise<Plan> {
  const { ejecutar: orden } = leerCabecera(script);
  const permisos = orden.split(" ").slice(2, -1);
  const ayuda = leerAyuda(orden, await correr(["run", ...permisos, script, "-h"])());
  const conValor = ayuda.opciones.find((o) => o.valor === "N" || o.valor === "X");
  return {
    script,
    orden,
    permisos,
    ayuda,
    casos: casosDe(ayuda.opciones),
    opcionDada: permisos.length === 0
      ? null
      : conValor
      ? [`--${conValor.nombre}`, conValor.defecto]
      : [],
  };
}

/** Lo que no cumple un script, con los resultados de sus casos (y el de sin permisos al final). */
function fallosDe(plan: Plan, resultados: Resultado[]): string[] {
  const { script, orden, ayuda, casos, opcionDada } = plan;
  const fallos = [...ayuda.fallos];
  for (const [i, caso] of casos.entries()) {
    const { code, stdout, stderr } = resultados[i];
    const esperado = `${caso.frase}\nUso: ${ayuda.uso}\n`;
    if (code !== 2 || stdout !== "" || stderr !== esperado) {
      fallos.push(
        `${caso.tipo} (${caso.args.join(" ")}): código ${code}, stderr «${stderr.trim()}»; ` +
          `se esperaba código 2 y «${esperado.trim()}»`,
      );
    }
  }
  if (opcionDada) {
    const { code, stderr } = resultados[casos.length];
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
  return fallos;
}

/** Los procesos de Deno a la vez: cada uno cuesta CPU al arrancar, y el resto de la suite corre al lado. */
const A_LA_VEZ = 4;

Deno.test("errores: cada error de uso y de permisos, la misma frase en cada script", async (t) => {
  const scripts = scriptsDeEjemplo();
  const planes = await deACuantas(A_LA_VEZ, scripts.map((script) => () => planear(script)));
  // Todos los casos de todos los scripts, en una sola cola.
  const porScript = planes.map(({ script, permisos, casos, opcionDada }) => [
    ...casos.map((caso) => correr(["run", ...permisos, script, ...caso.args])),
    ...(opcionDada ? [correr(["run", script, ...opcionDada])] : []),
  ]);
  const todos = await deACuantas(A_LA_VEZ, porScript.flat());
  for (const [i, plan] of planes.entries()) {
    const desde = porScript.slice(0, i).reduce((n, tareas) => n + tareas.length, 0);
    const fallos = fallosDe(plan, todos.slice(desde, desde + porScript[i].length));
    await t.step(plan.script, () => {
      if (fallos.length > 0) assert.fail(`${plan.script}:\n- ${fallos.join("\n- ")}`);
    });
  }
  await t.step("cada tipo de error se prueba en algún script", () => {
    const probados = new Set(planes.flatMap(({ casos, opcionDada }) => [
      ...casos.map((caso) => caso.tipo),
      ...(opcionDada ? ["sin permisos"] : []),
    ]));
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
