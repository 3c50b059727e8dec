/**
 * Opciones de la línea de órdenes, comunes a todos los ejemplos.
 *
 * Cada script declara sus opciones y su valor por defecto; aquí se comprueban.
 * `terminarConError` es la salida común de los errores que no son de uso (código 1). Un error
 * de uso (opción desconocida, número que no lo es o fuera de rango) se explica en una
 * frase en español y el programa termina con código 2, sin traza. `--help` muestra el uso
 * y termina con código 0.
 *
 * Uso (desde un script):
 *   const { port } = leerOpciones("deno run --allow-net sockets/servidor.ts [--port N]", {
 *     port: { defecto: 9999, min: 0, max: 65535 },
 *   });
 */

import { parseArgs } from "node:util";

/** Una opción numérica entera: su valor por defecto y el rango admitido. */
export interface Entero {
  defecto: number;
  min: number;
  max: number;
}

/** Termina con un error que el alumno puede arreglar: una frase en stderr, código 1, sin traza. */
export function terminarConError(frase: string): never {
  console.error(frase);
  Deno.exit(1);
}

/** Termina con un error de uso: una frase, el uso y código 2. */
export function errorDeUso(frase: string, uso: string): never {
  console.error(`${frase}\nUso: ${uso}`);
  Deno.exit(2);
}

/** Traduce los errores de `parseArgs` a una frase en español. */
function fraseDeError(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  const nombre = message.match(/'(-[^' ]+)/)?.[1] ?? message.match(/'([^']+)'/)?.[1] ?? "";
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `Opción desconocida: ${nombre}`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `Argumento inesperado: ${nombre} (las opciones empiezan por --)`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return `Falta el valor de la opción ${nombre}`;
    default:
      return `Opciones no válidas: ${message}`;
  }
}

/**
 * Lee `Deno.args`: las opciones de `enteros` deben ser números enteros dentro de su rango;
 * las de `textos` son texto libre. Devuelve cada opción con su valor (o el de por defecto).
 */
export function leerOpciones<E extends string, T extends string = never>(
  uso: string,
  enteros: Record<E, Entero>,
  textos: Record<T, string> = {} as Record<T, string>,
  args: string[] = Deno.args,
): Record<E, number> & Record<T, string> {
  const nombres = [...Object.keys(enteros), ...Object.keys(textos)];
  const options: Record<string, { type: "string" | "boolean" }> = { help: { type: "boolean" } };
  for (const nombre of nombres) options[nombre] = { type: "string" };

  let valores: Record<string, string | boolean | undefined>;
  try {
    valores = parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    errorDeUso(fraseDeError(error), uso);
  }
  if (valores.help) {
    console.log(`Uso: ${uso}`);
    Deno.exit(0);
  }

  const resultado: Record<string, number | string> = { ...textos };
  for (const [nombre, texto] of Object.entries(valores)) {
    if (nombre !== "help" && typeof texto === "string") resultado[nombre] = texto;
  }
  for (const [nombre, { defecto, min, max }] of Object.entries<Entero>(enteros)) {
    const texto = valores[nombre];
    if (typeof texto !== "string") {
      resultado[nombre] = defecto;
      continue;
    }
    const numero = /^\d+$/.test(texto) ? Number(texto) : NaN;
    if (!Number.isSafeInteger(numero) || numero < min || numero > max) {
      errorDeUso(
        `--${nombre} debe ser un número entero entre ${min} y ${max} (se recibió "${texto}")`,
        uso,
      );
    }
    resultado[nombre] = numero;
  }
  return resultado as Record<E, number> & Record<T, string>;
}
