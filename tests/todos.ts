// Por qué la suite son dos ficheros: `deno task test` ejecuta tests/todos_1.ts y
// tests/todos_2.ts a la vez (`--parallel`, uno por núcleo), y cada uno importa la mitad de los
// tests/*_test.ts (repartidos por lo que tardan: `repartir`). Deno arranca un motor nuevo para
// cada fichero de test que recibe, unos 0,3 s de CPU: con 30 ficheros, 9 s de CPU, casi 5 s
// más de suite en 2 núcleos (medido: 20 ficheros vacíos tardan 9 s dados uno a uno y 0,5 s
// importados desde uno). Así se pagan dos. La lista sale de la carpeta: un test nuevo entra
// solo. Un fichero suelto se sigue ejecutando igual:
// deno test --no-check --allow-run --allow-read --allow-write --allow-net tests/lock_test.ts

/** Los tests/*_test.ts, por orden alfabético. */
export const ficherosDeTest: string[] = [...Deno.readDirSync(new URL(".", import.meta.url))]
  .filter((entrada) => entrada.isFile && entrada.name.endsWith("_test.ts"))
  .map((entrada) => entrada.name)
  .sort();

/**
 * Lo que tarda cada fichero, en segundos (medido con la suite entera en 2 núcleos muy cargados:
 * vale la proporción). Sirve para repartir: cada fichero va a la mitad que menos lleva, del
 * más largo al más corto. Uno que no está aquí cuenta `PESO_NUEVO`: entra solo igualmente.
 */
const PESOS: Record<string, number> = {
  errores_test: 24,
  cliente_test: 12,
  procesos_hilos_test: 11,
  threading_test: 8,
  servidor_chat_test: 7,
  servidor_multicliente_test: 6,
  servidor_test: 5.5,
  lock_test: 5,
  pool_test: 4,
  productor_consumidor_test: 4,
  condicion_test: 3,
  filosofos_test: 3,
  lectores_escritores_test: 3,
  semaforo_test: 3,
  cliente_chat_test: 3,
  cliente_udp_test: 3,
  cabeceras_test: 2.5,
  servidor_udp_test: 2,
};
const PESO_NUEVO = 2;

/** Los ficheros de cada mitad: cada uno a la que menos lleva, del más largo al más corto. */
export function repartir(partes: number): string[][] {
  const peso = (nombre: string) => PESOS[nombre.replace(/\.ts$/, "")] ?? PESO_NUEVO;
  const mitades = Array.from({ length: partes }, () => ({ ficheros: [] as string[], total: 0 }));
  const porPeso = [...ficherosDeTest].sort((a, b) => peso(b) - peso(a) || a.localeCompare(b));
  for (const nombre of porPeso) {
    const menos = mitades.reduce((a, b) => (b.total < a.total ? b : a));
    menos.ficheros.push(nombre);
    menos.total += peso(nombre);
  }
  return mitades.map(({ ficheros }) => ficheros);
}

/** Importa (y así registra sus Deno.test) los ficheros de la parte `parte` de `partes`. */
export async function importarTests(parte: number, partes: number): Promise<void> {
  for (const nombre of repartir(partes)[parte - 1]) {
    await import(new URL(nombre, import.meta.url).href);
  }
}
