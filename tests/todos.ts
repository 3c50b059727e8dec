// Por qué la suite son cuatro ficheros: `deno task test` ejecuta tests/todos_1.ts a
// tests/todos_4.ts a la vez (`--parallel` con DENO_JOBS=4), y cada uno importa una cuarta parte
// de los tests/*_test.ts (repartidos por lo que tardan: `repartir`). Deno arranca un motor nuevo
// para cada fichero de test que recibe, unos 0,3 s de CPU: con 30 ficheros, 9 s de CPU, casi
// 5 s más de suite en 2 núcleos (medido: 20 ficheros vacíos tardan 9 s dados uno a uno y 0,5 s
// importados desde uno). Y son cuatro y no dos (uno por núcleo) porque muchos tests pasan
// tiempo esperando (a un plazo, a un equipo que no contesta): mientras uno espera, otro usa el
// núcleo. La lista sale de la carpeta: un test nuevo entra solo. Un fichero suelto se sigue
// ejecutando igual:
// deno test --no-check --allow-run --allow-read --allow-write --allow-net tests/lock_test.ts

/** Los tests/*_test.ts, por orden alfabético. */
export const ficherosDeTest: string[] = [...Deno.readDirSync(new URL(".", import.meta.url))]
  .filter((entrada) => entrada.isFile && entrada.name.endsWith("_test.ts"))
  .map((entrada) => entrada.name)
  .sort();

/**
 * Lo que tarda cada fichero solo, en segundos de reloj (medido uno a uno en 2 núcleos con
 * otras cosas en marcha: vale la proporción). Sirve para repartir: cada fichero va a la parte
 * que menos lleva, del más largo al más corto. Uno que no está aquí cuenta `PESO_NUEVO`: entra
 * solo igualmente.
 */
const PESOS: Record<string, number> = {
  clase_test: 9.6,
  servidor_chat_test: 7.7,
  servidor_multicliente_test: 6.6,
  traza_test: 4.8,
  threading_test: 4.4,
  cliente_test: 4.1,
  errores_test: 4.1,
  servidor_test: 3.6,
  concurrent_futures_test: 3.4,
  cliente_udp_test: 3.0,
  cabeceras_test: 2.7,
  queue_test: 2.6,
  procesos_hilos_test: 2.4,
};
const PESO_NUEVO = 2;

/** Los ficheros de cada parte: cada uno a la que menos lleva, del más largo al más corto. */
export function repartir(cuantas: number): string[][] {
  const peso = (nombre: string) => PESOS[nombre.replace(/\.ts$/, "")] ?? PESO_NUEVO;
  const partes = Array.from({ length: cuantas }, () => ({ ficheros: [] as string[], total: 0 }));
  const porPeso = [...ficherosDeTest].sort((a, b) => peso(b) - peso(a) || a.localeCompare(b));
  for (const nombre of porPeso) {
    const menos = partes.reduce((a, b) => (b.total < a.total ? b : a));
    menos.ficheros.push(nombre);
    menos.total += peso(nombre);
  }
  return partes.map(({ ficheros }) => ficheros);
}

/** Importa (y así registra sus Deno.test) los ficheros de la parte `parte` de `partes`. */
export async function importarTests(parte: number, partes: number): Promise<void> {
  for (const nombre of repartir(partes)[parte - 1]) {
    await import(new URL(nombre, import.meta.url).href);
  }
}
