// Por qué la suite son dos ficheros: `deno task test` ejecuta tests/todos_1.ts y
// tests/todos_2.ts a la vez (`--parallel`, uno por núcleo), y cada uno importa la mitad de los
// tests/*_test.ts. Deno arranca un motor nuevo para cada fichero de test que recibe, unos 0,3 s
// de CPU: con 30 ficheros, 9 s de CPU, casi 5 s más de suite en 2 núcleos (medido: 20 ficheros
// vacíos tardan 9 s dados uno a uno y 0,5 s importados desde uno). Así se pagan dos. La lista
// sale de la carpeta: un test nuevo entra solo. Un fichero suelto se sigue ejecutando igual:
// deno test --no-check --allow-run --allow-read --allow-write --allow-net tests/lock_test.ts

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
