// La lista de los ejemplos, en el orden del capítulo y después los que van más allá. Es la
// única: la visita guiada (herramientas/demo.ts) la recorre, y tests/cabeceras_test.ts
// comprueba contra ella las filas del README, las tareas de deno.json y los tests de cada
// script. Un cliente no va en la lista: lo ejecuta su servidor (el `@junto_a` de su cabecera).
// Añadir un ejemplo: su línea aquí, y el test de cabeceras dice qué más falta y dónde.

export const EJEMPLOS: readonly string[] = [
  "sockets/servidor.ts",
  "threads/cuadrado_cubo.ts",
  "threads/nombres_pid.ts",
  "threads/carrera.ts",
  "threads/lock.ts",
  "sockets/servidor_multicliente.ts",
  "threads/semaforo.ts",
  "threads/productor_consumidor.ts",
  "threads/procesos_hilos.ts",
  "threads/condicion.ts",
  "threads/lectores_escritores.ts",
  "threads/filosofos.ts",
  "threads/pool.ts",
  "threads/web_locks.ts",
  "sockets/servidor_udp.ts",
  "sockets/servidor_chat.ts",
  "threads/asincronia.ts",
  "threads/evento.ts",
  "threads/barrera.ts",
];

/** Las carpetas de los ejemplos. */
export const CARPETAS = ["sockets", "threads"] as const;

const leer = (ruta: string) => Deno.readTextFileSync(new URL(`../${ruta}`, import.meta.url));

/**
 * Los módulos de su carpeta que un script importa, directa o indirectamente (`./red.ts`,
 * `./threading.ts`, y lo que estos importan, también con `import("./x.ts")`): lo que se copia
 * con él a la carpeta de clase. Rutas desde la raíz, como `threads/threading.ts`.
 */
export function modulosDe(script: string): string[] {
  const carpeta = script.slice(0, script.lastIndexOf("/") + 1);
  const vistos = new Set<string>();
  const pendientes = [script];
  while (pendientes.length > 0) {
    const codigo = leer(pendientes.pop()!);
    for (const [, nombre] of codigo.matchAll(/(?:from|import\()\s*"\.\/([\w.]+\.ts)"/g)) {
      const modulo = carpeta + nombre;
      if (!vistos.has(modulo) && modulo !== script) {
        vistos.add(modulo);
        pendientes.push(modulo);
      }
    }
  }
  return [...vistos].sort();
}

/** Los .ts de una carpeta (`sockets`), como `sockets/servidor.ts`, por orden alfabético. */
export function ficherosDe(carpeta: string): string[] {
  return [...Deno.readDirSync(new URL(`../${carpeta}/`, import.meta.url))]
    .filter((entrada) => entrada.isFile && entrada.name.endsWith(".ts"))
    .map((entrada) => `${carpeta}/${entrada.name}`).sort();
}

/**
 * Los scripts de ejemplo de sockets/ y threads/: todo .ts que ningún otro de su carpeta
 * importa. Los que sí se importan (`red.ts`, `threading.ts`...) son los módulos.
 */
export function scriptsDeEjemplo(): string[] {
  const todos = CARPETAS.flatMap(ficherosDe);
  const modulos = new Set(todos.flatMap(modulosDe));
  return todos.filter((script) => !modulos.has(script));
}

/** Los módulos de sockets/ y threads/ (los que algún ejemplo importa). */
export function modulos(): string[] {
  return [...new Set(scriptsDeEjemplo().flatMap(modulosDe))].sort();
}
