import assert from "node:assert/strict";
import { ejecutar, ejecutarEnUnNucleo, hayTaskset } from "./ayuda.ts";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";

/** La regla sin --interbloqueo: cada filósofo come sus `veces`, en orden, y lo dice el final. */
function comprobarComida(lineas: string[], veces: number) {
  assert.equal(lineas.length, 5 * veces + 1, lineas.join("\n"));
  const comidas = [0, 0, 0, 0, 0];
  for (const linea of lineas.slice(0, -1)) {
    const come = linea.match(/^Filósofo ([1-5]) come \((\d+) de (\d+)\)$/);
    assert.ok(come, linea);
    const f = Number(come[1]);
    assert.equal(Number(come[2]), ++comidas[f - 1], `${linea}: fuera de orden`);
    assert.equal(Number(come[3]), veces, linea);
  }
  assert.deepEqual(comidas, Array(5).fill(veces));
  assert.equal(lineas.at(-1), `Comieron todos: 5 filósofos, ${veces} veces cada uno`);
}

/**
 * La regla con --interbloqueo: quizá alguna comida antes, y después el círculo cerrado (cada
 * filósofo tiene su tenedor izquierdo y espera el derecho, que tiene su vecino) y la palabra.
 */
function comprobarInterbloqueo(lineas: string[]) {
  const final = lineas.slice(-6);
  for (const linea of lineas.slice(0, -6)) assert.match(linea, /^Filósofo [1-5] come /);
  assert.deepEqual(
    final.slice(0, 5),
    [1, 2, 3, 4, 5].map((f) => `Filósofo ${f}: tiene el tenedor ${f} y espera el ${f % 5 + 1}`),
  );
  assert.match(
    final[5],
    /^Interbloqueo: cada uno espera el tenedor de su vecino; nadie avanza desde hace \d+,\d s\.$/,
  );
}

/**
 * Ejecuta filosofos.ts (en un núcleo con `taskset -c 0` si `unNucleo`); si no termina en 15 s
 * se le mata y el test falla: el ejemplo no puede colgar una clase.
 */
async function filosofos(unNucleo: boolean, ...args: string[]) {
  const orden = ["run", "--allow-read", "threads/filosofos.ts", ...args];
  const { code, lineas, stderr } = unNucleo
    ? await ejecutarEnUnNucleo(orden, { limiteMs: 15_000 })
    : await ejecutar(orden, undefined, { limiteMs: 15_000 });
  assert.equal(code, 0, `código ${code} (¿colgado y terminado a los 15 s?): ${stderr}`);
  return lineas;
}

Deno.test("filosofos: en orden comen todos; con --interbloqueo se detecta y acaba con 0 (también en un núcleo)", async () => {
  comprobarComida(leerCabecera("threads/filosofos.ts").salida, 3);
  const [comen, bloqueados, comenUno, bloqueadosUno] = await Promise.all([
    ejecutarCabecera("threads/filosofos.ts"),
    filosofos(false, "--interbloqueo"),
    hayTaskset ? filosofos(true, "--veces", "2") : null,
    hayTaskset ? filosofos(true, "--interbloqueo") : null,
  ]);
  comprobarComida(comen, 3);
  comprobarInterbloqueo(bloqueados);
  if (comenUno) comprobarComida(comenUno, 2);
  if (bloqueadosUno) comprobarInterbloqueo(bloqueadosUno);
});

Deno.test("filosofos: las reglas rechazan salidas imposibles", () => {
  const bien = leerCabecera("threads/filosofos.ts").salida;
  // Un filósofo que come una vez de más (y otro una de menos).
  const deMas = bien.map((l) =>
    l.replace(/^Filósofo 1 come \(3 de 3\)$/, "Filósofo 2 come (3 de 3)")
  );
  assert.throws(() => comprobarComida(deMas, 3));
  // Un círculo que no cuadra: el 5 no puede tener el tenedor 1 si el 1 lo tiene.
  assert.throws(() =>
    comprobarInterbloqueo([
      ...[1, 2, 3, 4].map((f) => `Filósofo ${f}: tiene el tenedor ${f} y espera el ${f + 1}`),
      "Filósofo 5: tiene el tenedor 1 y espera el 5",
      "Interbloqueo: cada uno espera el tenedor de su vecino; nadie avanza desde hace 0,5 s.",
    ])
  );
});
