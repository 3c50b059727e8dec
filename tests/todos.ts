// La suite en pocos módulos: `deno task test` ejecuta tests/todos_1.ts y tests/todos_2.ts, a la
// vez (`--parallel`), y cada uno importa la mitad de los tests/*_test.ts. Deno da a cada
// fichero de test su propio motor, y arrancarlo cuesta unos 0,3 s de CPU: con 22 ficheros,
// casi 7 s. Así se pagan dos. La lista sale de la carpeta: un test nuevo entra solo.
// Un fichero suelto se sigue ejecutando igual: deno test ... tests/lock_test.ts

/** Los tests/*_test.ts, por orden alfabético. */
export const ficherosDeTest: string[] = [...Deno.readDirSync(new URL(".", import.meta.url))]
  .filter((entrada) => entrada.isFile && entrada.name.endsWith("_test.ts"))
  .map((entrada) => entrada.name)
  .sort();

/** Importa (y así registra sus Deno.test) la parte `parte` de `partes`, por turnos. */
export async function importarTests(parte: number, partes: number): Promise<void> {
  for (const [i, nombre] of ficherosDeTest.entries()) {
    if (i % partes === parte - 1) await import(new URL(nombre, import.meta.url).href);
  }
}
