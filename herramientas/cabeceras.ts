/**
 * La cabecera de cada ejemplo: leerla, ejecutar su orden y comparar lo que sale con lo que
 * promete. La usan la visita guiada (herramientas/demo.ts) y los tests (tests/cabeceras.ts,
 * con la comprobación que hace el test de cada ejemplo).
 *
 * Formato (un comentario /** ... *\/ al principio del script):
 *   primera línea   qué muestra el ejemplo (una sola línea, y después una vacía)
 *   @python         el ejemplo de Python que porta (apartado y funciones)
 *   @ejecutar       la orden exacta para ejecutarlo: deno run <permisos> <carpeta>/<script>.ts
 *   @copiar         qué copiar con él a la carpeta de clase: los módulos de su carpeta que importa
 *   @junto_a        (solo servidores) el script que se ejecuta con él: sockets/cliente.ts
 *   @entrada        (solo clientes) las líneas que se teclean, una por línea
 *   @salida         una ejecución real, pegada tal cual (^C donde se pulsa Ctrl+C)
 *   @cambia         una frase: qué cambia de una ejecución a otra (pids, puertos, orden...)
 * Una etiqueta que no cabe en 100 columnas sigue en las líneas siguientes, sangradas.
 *
 * Lo que se proyecta primero es código: antes de la primera etiqueta, como mucho
 * `PROSA_MAXIMA` líneas (el título y las vacías incluidos); el detalle va al README o a un
 * comentario junto al código que lo necesita.
 */

import { dirname, join } from "node:path";
import { modulosDe } from "./ejemplos.ts";
import { EnMarcha, lineasDe, puertoDe, raiz } from "./procesos.ts";

/** Líneas, como mucho, antes de la primera etiqueta `@` de una cabecera (las vacías cuentan). */
export const PROSA_MAXIMA = 12;

/** Lo que dice la cabecera de un script. */
export interface Cabecera {
  script: string;
  titulo: string;
  python: string;
  ejecutar: string;
  juntoA?: string;
  copiar?: string;
  entrada: string[];
  salida: string[];
  cambia: string;
  /** Cuántas líneas hay antes de la primera etiqueta (el título y las vacías incluidos). */
  prosa: number;
}

/** La raíz del proyecto, como ruta del sistema (también en Windows). */
export const raizDelProyecto = raiz;

/** Lee la cabecera de un script (ruta relativa a la raíz, como en `@ejecutar`). */
export function leerCabecera(script: string): Cabecera {
  const texto = Deno.readTextFileSync(new URL(`../${script}`, import.meta.url));
  const comentario = texto.replaceAll("\r\n", "\n").match(/^\/\*\*\n([\s\S]*?)\n \*\//)?.[1];
  if (!comentario) throw new Error(`${script}: no empieza con un comentario /** ... */`);
  const lineas = lineasDe(comentario).map((linea) => linea.replace(/^ \*( |$)/, ""));

  const etiquetas: Record<string, string[]> = {};
  let actual = "";
  for (const linea of lineas) {
    const etiqueta = linea.match(/^@(\w+) ?(.*)$/);
    if (etiqueta) {
      actual = etiqueta[1];
      etiquetas[actual] = etiqueta[2] ? [etiqueta[2]] : [];
    } else if (actual && linea.startsWith("  ")) {
      etiquetas[actual].push(linea.slice(2));
    } else if (actual && linea.trim() !== "") {
      throw new Error(`${script}: línea inesperada tras @${actual}: "${linea}"`);
    }
  }
  const una = (nombre: string) => {
    const valor = etiquetas[nombre];
    if (!valor?.length) throw new Error(`${script}: la cabecera necesita una línea @${nombre}`);
    return valor.join(" "); // partida en varias líneas para que quepa en 100 columnas
  };
  const cabecera: Cabecera = {
    script,
    titulo: lineas[0],
    python: una("python"),
    ejecutar: una("ejecutar"),
    juntoA: etiquetas.junto_a?.[0],
    copiar: etiquetas.copiar?.join(" "),
    entrada: etiquetas.entrada ?? [],
    salida: etiquetas.salida ?? [],
    cambia: etiquetas.cambia?.join(" ") ?? "",
    prosa: lineas.findIndex((linea) => linea.startsWith("@")),
  };
  if (lineas[1] !== "") throw new Error(`${script}: el título debe caber en la primera línea`);
  if (cabecera.salida.length === 0) throw new Error(`${script}: la cabecera no tiene @salida`);
  if (!cabecera.ejecutar.startsWith("deno run ") || !cabecera.ejecutar.endsWith(` ${script}`)) {
    throw new Error(`${script}: @ejecutar debe ser "deno run <permisos> ${script}"`);
  }
  return cabecera;
}

// --- La comparación -------------------------------------------------------------------------

/**
 * Una línea tal como se compara: sin espacios al final y con cada número cambiado por `#`.
 * Un número es una tira de cifras, con `.` o `,` entre grupos de cifras: `8000000`, `1,9`,
 * `127.0.0.1` y `2.000.000` son un número cada uno. Así un pid, un puerto, una dirección, un
 * tiempo o una cuenta pueden cambiar de una ejecución a otra sin que cambie la línea.
 */
export function enmascarar(linea: string): string {
  return linea.trimEnd().replace(/\d+(?:[.,]\d+)*/g, "#");
}

/**
 * Compara la salida real con la `@salida` de la cabecera, sin tener en cuenta el orden: las
 * dos deben tener las mismas líneas, cada una las mismas veces, tras `enmascarar` y sin las
 * líneas vacías (la cabecera no puede mostrarlas). Devuelve `null` si coinciden, o una frase
 * con las líneas que sobran y las que faltan. Lo que debe cumplir el orden (el `join`, los
 * bloques enteros del Lock...) lo comprueba el test de cada script.
 */
export function compararSalida(esperada: string[], real: string[]): string | null {
  const sinVacias = (lineas: string[]) => lineas.filter((linea) => linea.trim() !== "");
  /** Las líneas de `a` que quedan tras tachar, una por una, las que también están en `b`. */
  const sobran = (a: string[], b: string[]) => {
    const porTachar = sinVacias(b).map(enmascarar);
    return sinVacias(a).filter((linea) => {
      const i = porTachar.indexOf(enmascarar(linea));
      if (i >= 0) porTachar.splice(i, 1);
      return i < 0;
    });
  };
  const soloCabecera = sobran(esperada, real);
  const soloReal = sobran(real, esperada);
  if (soloCabecera.length === 0 && soloReal.length === 0) return null;
  const lista = (lineas: string[]) =>
    lineas.length ? lineas.map((linea) => `\n    ${linea}`).join("") : " (ninguna)";
  return "la salida real no tiene las líneas de la cabecera (comparadas sin orden, " +
    "con los números como #):" +
    `\n  solo en la cabecera:${lista(soloCabecera)}\n  solo en la real:${lista(soloReal)}`;
}

// --- La ejecución ---------------------------------------------------------------------------

/** Lo que pasó al ejecutar un script con la orden de su cabecera. */
export interface Ejecucion {
  cabecera: Cabecera;
  /** La orden tal como se ejecutó (con `--host`/`--port` añadidos a servidor y cliente). */
  orden: string;
  /** Las líneas que se le dieron por stdin (la `@entrada` de un cliente). */
  entrada: string[];
  code: number;
  /** Su stdout, línea a línea, con `^C` donde se pulsó Ctrl+C. */
  lineas: string[];
  stderr: string;
  /** `null` si terminó bien (código 0, a tiempo); si no, qué pasó. */
  problema: string | null;
  /** Algo que no se pudo hacer como en una terminal (Ctrl+C en Windows), o `null`. */
  aviso: string | null;
}

/** Tiempo máximo de cada proceso: ningún ejemplo se queda colgado. */
export const LIMITE_MS = 60_000;

/** Dónde ejecutar cada script: en la raíz del proyecto, o en una copia a parte. */
export interface DondeEjecutar {
  /** Copia cada script (con los módulos de su carpeta que importa) a una carpeta vacía. */
  aParte?: boolean;
  /** Lo que puede durar cada proceso (`LIMITE_MS` si no se dice). */
  limiteMs?: number;
  /** Lo que puede tardar un servidor en terminar después de su cliente (y de su ^C). */
  trasElClienteMs?: number;
}

/**
 * Copia un script a una carpeta temporal vacía, con la misma ruta relativa (threads/x.ts),
 * y a su lado los módulos de su carpeta que importa (`modulosDe`: threads/threading.ts,
 * sockets/red.ts...): lo que copiaría un profesor. Devuelve la carpeta (hay que borrarla
 * después).
 */
export async function copiarAParte(script: string): Promise<string> {
  const carpeta = await Deno.makeTempDir({ prefix: "copia_de_clase_" });
  for (const fichero of [script, ...modulosDe(script)]) {
    const destino = join(carpeta, ...fichero.split("/"));
    await Deno.mkdir(dirname(destino), { recursive: true });
    await Deno.copyFile(new URL(`../${fichero}`, import.meta.url), destino);
  }
  return carpeta;
}

/** Arranca la orden de una cabecera, con `extra` añadido al final, desde `cwd`. */
function arrancar(cabecera: Cabecera, extra: string[], cwd: string, limiteMs: number) {
  const [, ...args] = cabecera.ejecutar.split(/\s+/);
  const entrada = cabecera.entrada.length ? cabecera.entrada : undefined;
  return new EnMarcha([...args, ...extra], "null", {
    cwd,
    entrada: entrada?.map((linea) => linea + "\n").join(""),
    limiteMs,
  });
}

/** Compone el resultado de un proceso ya terminado. */
async function terminar(
  cabecera: Cabecera,
  enMarcha: EnMarcha,
  extra: string[],
  limiteMs: number,
  aviso: string | null = null,
  ctrlC = -1,
): Promise<Ejecucion> {
  const { code, stderr, lineas } = await enMarcha.fin();
  const conCtrlC = ctrlC < 0 ? [...lineas] : lineas.toSpliced(ctrlC, 0, "^C");
  let problema: string | null = null;
  if (enMarcha.colgado) {
    problema = `no terminó en ${limiteMs / 1000} s: se le ha parado a la fuerza`;
  } else if (code !== 0 && !aviso) {
    problema = `terminó con código ${code}: ${stderr.trim()}`;
  }
  return {
    cabecera,
    orden: [cabecera.ejecutar, ...extra].join(" "),
    entrada: cabecera.entrada,
    code,
    lineas: conCtrlC,
    stderr,
    problema: problema && `${cabecera.script}: ${problema}`,
    aviso,
  };
}

/**
 * Ejecuta un ejemplo con la orden de su cabecera, desde la raíz del proyecto o (`aParte`)
 * cada script copiado solo a una carpeta vacía. Un servidor se ejecuta con
 * `--host 127.0.0.1 --port 0` y, cuando escribe `... escuchando en 127.0.0.1:<puerto>`, su
 * cliente (`@junto_a`) con `--port <puerto>` y la `@entrada` del cliente por stdin. Si la
 * `@salida` del servidor tiene una línea `^C`, cuando ha escrito las anteriores recibe
 * SIGINT, lo que envía Ctrl+C en la terminal (en Windows no hay forma de enviárselo: el
 * proceso se termina en seco y la ejecución lo dice en `aviso`). Devuelve una ejecución por
 * script, el servidor primero.
 */
export async function ejecutarEjemplo(
  script: string,
  { aParte = false, limiteMs = LIMITE_MS, trasElClienteMs = limiteMs }: DondeEjecutar = {},
): Promise<Ejecucion[]> {
  const carpetas: string[] = [];
  const carpetaPara = async (script: string) => {
    if (!aParte) return raiz;
    carpetas.push(await copiarAParte(script));
    return carpetas.at(-1)!;
  };
  try {
    const cabecera = leerCabecera(script);
    if (!cabecera.juntoA) {
      const solo = arrancar(cabecera, [], await carpetaPara(script), limiteMs);
      return [await terminar(cabecera, solo, [], limiteMs)];
    }

    const delCliente = leerCabecera(cabecera.juntoA);
    const extra = ["--host", "127.0.0.1", "--port", "0"];
    const servidor = arrancar(cabecera, extra, await carpetaPara(script), limiteMs);
    const port = puertoDe(await servidor.linea());
    if (!port) {
      servidor.senal("SIGKILL");
      const fallo = await terminar(cabecera, servidor, extra, limiteMs);
      fallo.problema ??= `${script}: su primera línea no dice «escuchando en 127.0.0.1:<puerto>»`;
      return [fallo];
    }
    const extraCliente = ["--port", String(port)];
    const cliente = arrancar(
      delCliente,
      extraCliente,
      await carpetaPara(delCliente.script),
      limiteMs,
    );
    const delClienteFin = await terminar(delCliente, cliente, extraCliente, limiteMs);
    servidor.limitar(trasElClienteMs);

    let ctrlC = cabecera.salida.indexOf("^C");
    let aviso: string | null = null;
    if (ctrlC >= 0) {
      await servidor.hastaLineas(ctrlC);
      ctrlC = servidor.lineas.length;
      servidor.senal("SIGINT");
      if (Deno.build.os === "windows") {
        aviso = "en Windows no se puede enviar Ctrl+C a otro proceso: se le ha terminado en seco";
      }
    }
    const delServidorFin = await terminar(cabecera, servidor, extra, limiteMs, aviso, ctrlC);
    if (servidor.colgado) {
      delServidorFin.problema = `${script}: no terminó en ${trasElClienteMs / 1000} s después ` +
        "de su cliente: se le ha parado a la fuerza";
    }
    return [delServidorFin, delClienteFin];
  } finally {
    for (const carpeta of carpetas) await Deno.remove(carpeta, { recursive: true });
  }
}
