/**
 * La cena de los filósofos: cinco threads, cinco tenedores (Locks) y el interbloqueo.
 *
 * Cinco filósofos en una mesa redonda, un tenedor entre cada dos; para comer, uno necesita
 * los dos que tiene al lado. Si todos cogen primero el izquierdo y esperan el derecho, cada
 * uno puede quedarse con uno esperando el de su vecino: un interbloqueo (deadlock). Con
 * `--interbloqueo` se ve: el programa principal vigila la mesa y, si en medio segundo nadie
 * coge un tenedor, dice quién tiene cuál y termina con código 0. Sin la opción, la solución:
 * cada uno coge primero el tenedor de número más bajo, el círculo no se cierra y todos comen.
 *
 * @python Apartado 2 «Threads», más allá del capítulo: la cena de los filósofos (un Lock por
 *   tenedor)
 * @ejecutar deno run --allow-read threads/filosofos.ts
 * @copiar también threading.ts y traza.ts, a su lado: los importa de allí
 * @salida
 *   Filósofo 4 come (1 de 3)
 *   Filósofo 3 come (1 de 3)
 *   Filósofo 2 come (1 de 3)
 *   Filósofo 1 come (1 de 3)
 *   Filósofo 4 come (2 de 3)
 *   Filósofo 3 come (2 de 3)
 *   Filósofo 2 come (2 de 3)
 *   Filósofo 5 come (1 de 3)
 *   Filósofo 4 come (3 de 3)
 *   Filósofo 3 come (3 de 3)
 *   Filósofo 2 come (3 de 3)
 *   Filósofo 1 come (2 de 3)
 *   Filósofo 5 come (2 de 3)
 *   Filósofo 1 come (3 de 3)
 *   Filósofo 5 come (3 de 3)
 *   Comieron todos: 5 filósofos, 3 veces cada uno
 * @cambia Quién come antes cambia en cada ejecución; cada filósofo come siempre sus 3 veces.
 */

import {
  bandera,
  compartido,
  entero,
  leerOpciones,
  Lock,
  sleep,
  terminarConError,
  Thread,
} from "./threading.ts";

const FILOSOFOS = 5;
// El tenedor t es tenedores[t - 1]: 5 Locks creados a nivel de módulo, los mismos en cada thread.
const tenedores = Array.from({ length: FILOSOFOS }, () => new Lock());
const tiene = compartido(FILOSOFOS); // tiene[t - 1]: quién tiene el tenedor t (0: nadie)
const espera = compartido(FILOSOFOS); // espera[f - 1]: el tenedor que espera el filósofo f (o 0)
const comidas = compartido(FILOSOFOS); // comidas[f - 1]: cuántas veces ha comido el filósofo f
const progreso = compartido(1); // sube con cada tenedor cogido: el vigilante mira si cambia

function coger(f: number, t: number) {
  espera[f - 1] = t;
  tenedores[t - 1].acquire();
  espera[f - 1] = 0;
  tiene[t - 1] = f;
  Atomics.add(progreso, 0, 1);
}

function soltar(t: number) {
  tiene[t - 1] = 0;
  tenedores[t - 1].release();
}

export function filosofo(f: number, veces: number, interbloqueo: boolean) {
  const izquierdo = f;
  const derecho = f % FILOSOFOS + 1; // el del filósofo 5 es el 1
  // Con --interbloqueo, todos igual: el izquierdo y después el derecho, y el círculo se puede
  // cerrar. Si no, en orden: el filósofo 5 (tenedores 5 y 1) coge antes el 1, así que compite
  // con el filósofo 1 en vez de cerrar el círculo, y siempre hay alguien que come. (Otra
  // solución: Semaphore(4), como mucho 4 a la mesa.)
  const [primero, segundo] = interbloqueo
    ? [izquierdo, derecho]
    : [Math.min(izquierdo, derecho), Math.max(izquierdo, derecho)];

  for (let i = 1; i <= veces; i++) {
    coger(f, primero);
    sleep(0.03); // la pausa entre un tenedor y otro: así todos llegan a tener uno
    coger(f, segundo);
    comidas[f - 1]++;
    console.log(`Filósofo ${f} come (${i} de ${veces})`);
    sleep(0.01);
    soltar(segundo);
    soltar(primero);
    sleep(0.01); // piensa
  }
}

/** ¿Espera cada filósofo un tenedor? Entonces, si nadie avanza, ninguno lo conseguirá. */
function todosEsperan(): boolean {
  return Array.from(espera).every((t) => t !== 0);
}

if (import.meta.main) {
  const { interbloqueo, veces } = leerOpciones({
    interbloqueo: bandera("todos cogen antes el izquierdo: se bloquean"),
    veces: entero(3, 1, 100, "veces que come cada filósofo"),
  });

  const threads: Thread[] = [];
  for (let f = 1; f <= FILOSOFOS; f++) {
    // Con --interbloqueo comen sin fin: tarde o temprano, todos tienen un tenedor a la vez.
    const comer = interbloqueo ? 1_000_000 : veces;
    threads.push(
      new Thread({ target: filosofo, args: [f, comer, interbloqueo], name: `filosofo${f}` }),
    );
  }
  for (const t of threads) t.start();

  // El vigilante: espera a los threads de 100 ms en 100 ms (join con tiempo máximo) y, cada
  // vez, mira si alguien ha cogido un tenedor desde la última.
  const vivos = () => threads.filter((t) => t.is_alive());
  let visto = -1;
  let quietoDesde = performance.now();
  while (vivos().length > 0) {
    await vivos()[0].join(0.1);
    if (Atomics.load(progreso, 0) !== visto) {
      visto = Atomics.load(progreso, 0);
      quietoDesde = performance.now();
      continue;
    }
    const quieto = performance.now() - quietoDesde;
    if (vivos().length > 0 && todosEsperan() && quieto > 500) {
      for (let f = 1; f <= FILOSOFOS; f++) {
        const suyo = Array.from(tiene).indexOf(f) + 1;
        console.log(`Filósofo ${f}: tiene el tenedor ${suyo} y espera el ${espera[f - 1]}`);
      }
      const segundos = (quieto / 1000).toFixed(1).replace(".", ",");
      console.log(
        "Interbloqueo: cada uno espera el tenedor de su vecino; " +
          `nadie avanza desde hace ${segundos} s.`,
      );
      Deno.exit(interbloqueo ? 0 : 1); // termina el proceso y, con él, los threads bloqueados
    }
    if (vivos().length > 0 && quieto > 10_000) {
      terminarConError("Nadie ha cogido un tenedor en 10 s: algo va mal. Termino.");
    }
  }

  const cuantas = new Set(comidas);
  console.log(
    cuantas.size === 1 && cuantas.has(veces)
      ? `Comieron todos: ${FILOSOFOS} filósofos, ${veces} veces cada uno`
      : `Comidas de cada filósofo: ${comidas.join(", ")}`,
  );
}
