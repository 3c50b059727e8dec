/**
 * Visita guiada: ejecuta cada ejemplo en el orden del capítulo, y después los que van más
 * allá, y muestra su título, su orden y lo que escribe de verdad.
 *
 * Cada script se ejecuta con la orden exacta de su cabecera (`@ejecutar`). Un servidor se
 * ejecuta junto a su cliente (`@junto_a`): el servidor en 127.0.0.1 y en un puerto libre, y
 * el cliente con ese puerto y lo que su cabecera dice que se teclea (`@entrada`). Si un
 * ejemplo falla (termina con un código distinto de 0, o no termina), la visita lo dice y
 * acaba con código 1. Que la salida sea la que promete la cabecera lo comprueban los tests
 * (tests/cabeceras_test.ts), con estas mismas funciones. Con scripts detrás, solo esos:
 * `deno task demo threads/lock.ts sockets/servidor.ts`.
 *
 * @ejecutar deno run --allow-run --allow-read demo.ts
 */

import { type Ejecucion, ejecutarEjemplo, leerCabecera } from "./tests/cabeceras.ts";

/**
 * Los ejemplos, en el orden del capítulo y después los que van más allá. Es la única lista:
 * los tests comprueban que cada script de sockets/ y threads/ está aquí (un cliente, a través
 * de su servidor), en el README, en deno.json y con su test.
 */
export const EJEMPLOS = [
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

/** Muestra una ejecución como en una terminal: la orden, lo tecleado y lo que escribe. */
function mostrar(ejecucion: Ejecucion) {
  console.log(`\n$ ${ejecucion.orden}`);
  if (ejecucion.entrada.length) {
    console.log(`  (se teclea: ${ejecucion.entrada.map((linea) => `«${linea}»`).join(", ")})`);
  }
  for (const linea of ejecucion.lineas) console.log(`  ${linea}`);
  if (ejecucion.aviso) console.log(`  (${ejecucion.aviso})`);
  if (ejecucion.problema) console.log(`  ✗ ${ejecucion.problema}`);
}

if (import.meta.main) {
  // Sin argumentos, todos; con argumentos, solo esos: deno task demo threads/lock.ts
  if (Deno.args.some((arg) => arg.startsWith("-"))) {
    console.log("Uso: deno task demo [sockets/x.ts threads/y.ts ...]  (sin scripts, todos)");
    Deno.exit(Deno.args.every((arg) => arg === "-h" || arg === "--help") ? 0 : 2);
  }
  const lista = Deno.args.length > 0 ? Deno.args : EJEMPLOS;
  const inicio = performance.now();
  const fallidos: string[] = [];
  for (const [numero, script] of lista.entries()) {
    try {
      const cabecera = leerCabecera(script);
      console.log(`\n=== ${numero + 1}. ${cabecera.titulo}`);
      console.log(`    Python: ${cabecera.python}`);
      for (const ejecucion of await ejecutarEjemplo(script)) {
        mostrar(ejecucion);
        if (ejecucion.problema) fallidos.push(ejecucion.cabecera.script);
      }
      if (cabecera.cambia) console.log(`\n  De una vez a otra cambia: ${cabecera.cambia}`);
    } catch (error) {
      const noExiste = error instanceof Deno.errors.NotFound;
      console.log(`\n=== ${numero + 1}. ${script}`);
      console.log(`  ✗ ${noExiste ? `${script} no existe` : (error as Error).message}`);
      fallidos.push(script);
    }
  }
  const segundos = ((performance.now() - inicio) / 1000).toFixed(1);
  if (fallidos.length > 0) {
    console.log(`\nFallaron ${fallidos.length}: ${fallidos.join(", ")} (${segundos} s).`);
    Deno.exit(1);
  }
  const cuantos = lista.length === 1
    ? "El ejemplo terminó"
    : `Los ${lista.length} ejemplos terminaron`;
  console.log(`\n${cuantos} bien (${segundos} s).`);
}
