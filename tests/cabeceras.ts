/**
 * La cabecera de cada ejemplo, leída para los tests (y para la visita guiada).
 *
 * Formato (un comentario /** ... *\/ al principio del script):
 *   primera línea   qué muestra el ejemplo
 *   @python         el ejemplo de Python que porta (apartado y funciones)
 *   @ejecutar       la orden exacta para ejecutarlo: deno run <permisos> <carpeta>/<script>.ts
 *   @junto_a        (solo servidores) el script que se ejecuta con él: sockets/cliente.ts
 *   @entrada        (solo clientes) las líneas que se teclean, una por línea
 *   @salida         una ejecución real, pegada tal cual (^C donde se pulsa Ctrl+C)
 *   @cambia         una frase: qué cambia de una ejecución a otra (pids, puertos, orden...)
 */

import { fileURLToPath } from "node:url";

/** Lo que dice la cabecera de un script. */
export interface Cabecera {
  script: string;
  titulo: string;
  python: string;
  ejecutar: string;
  juntoA?: string;
  entrada: string[];
  salida: string[];
  cambia: string;
}

/** La raíz del proyecto, como ruta del sistema (también en Windows). */
export const raizDelProyecto = fileURLToPath(new URL("..", import.meta.url));

/** Lee la cabecera de un script (ruta relativa a la raíz, como en `@ejecutar`). */
export function leerCabecera(script: string): Cabecera {
  const texto = Deno.readTextFileSync(new URL(`../${script}`, import.meta.url));
  const comentario = texto.replaceAll("\r\n", "\n").match(/^\/\*\*\n([\s\S]*?)\n \*\//)?.[1];
  if (!comentario) throw new Error(`${script}: no empieza con un comentario /** ... */`);
  const lineas = comentario.split("\n").map((linea) => linea.replace(/^ \*( |$)/, ""));

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
    if (valor?.length !== 1) {
      throw new Error(`${script}: la cabecera necesita una línea @${nombre}`);
    }
    return valor[0];
  };
  const cabecera: Cabecera = {
    script,
    titulo: lineas[0],
    python: una("python"),
    ejecutar: una("ejecutar"),
    juntoA: etiquetas.junto_a?.[0],
    entrada: etiquetas.entrada ?? [],
    salida: etiquetas.salida ?? [],
    cambia: etiquetas.cambia?.join(" ") ?? "",
  };
  if (cabecera.salida.length === 0) throw new Error(`${script}: la cabecera no tiene @salida`);
  if (!cabecera.ejecutar.startsWith("deno run ") || !cabecera.ejecutar.endsWith(` ${script}`)) {
    throw new Error(`${script}: @ejecutar debe ser "deno run <permisos> ${script}"`);
  }
  return cabecera;
}
