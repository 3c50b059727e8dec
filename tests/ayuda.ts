// Ayudas comunes de los tests: ejecutar un script como subproceso, igual que en clase.

/** La raíz del proyecto: los scripts se ejecutan desde aquí, con rutas como las de la cabecera. */
export const raiz = new URL("..", import.meta.url).pathname;

export interface Resultado {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout partido en líneas, sin la última vacía. */
  lineas: string[];
}

/** Las líneas de un texto, sin la vacía del final. */
export function lineasDe(texto: string): string[] {
  const lineas = texto.split("\n");
  if (lineas.at(-1) === "") lineas.pop();
  return lineas;
}

/**
 * Ejecuta `deno <args>` desde la raíz del proyecto y espera a que termine. Con `entrada`,
 * se la da por stdin (y cierra stdin); sin ella, stdin no existe (como en CI).
 */
export async function ejecutar(args: string[], entrada?: string): Promise<Resultado> {
  const proceso = new Deno.Command(Deno.execPath(), {
    args,
    cwd: raiz,
    env: { NO_COLOR: "1" },
    stdin: entrada === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (entrada !== undefined) {
    const escritor = proceso.stdin.getWriter();
    await escritor.write(new TextEncoder().encode(entrada));
    await escritor.close();
  }
  const { code, stdout, stderr } = await proceso.output();
  const salida = new TextDecoder().decode(stdout);
  return {
    code,
    stdout: salida,
    stderr: new TextDecoder().decode(stderr),
    lineas: lineasDe(salida),
  };
}

/** Ejecuta un script de threads/ con el único permiso que necesita: --allow-read. */
export function ejecutarThreads(script: string, ...args: string[]): Promise<Resultado> {
  return ejecutar(["run", "--allow-read", `threads/${script}`, ...args]);
}
