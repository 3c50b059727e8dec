// Ayudas de los tests de threads/: ejecutar un script en un solo núcleo.
import { lineasDe, raiz, type Resultado } from "./ayuda.ts";

/** `taskset` fija los núcleos de un proceso: solo existe en Linux. */
export const hayTaskset = Deno.build.os === "linux";

/**
 * `taskset -c 0 deno <args>`: el proceso entero, con sus workers, en el núcleo 0. Así se
 * prueba un portátil de un núcleo en una máquina de varios.
 */
export async function ejecutarEnUnNucleo(args: string[]): Promise<Resultado> {
  const { code, stdout, stderr } = await new Deno.Command("taskset", {
    args: ["-c", "0", Deno.execPath(), ...args],
    cwd: raiz,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const salida = new TextDecoder().decode(stdout);
  return {
    code,
    stdout: salida,
    stderr: new TextDecoder().decode(stderr),
    lineas: lineasDe(salida),
  };
}
