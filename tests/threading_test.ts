// threads/threading.ts: las opciones (sin procesos) y Thread, Lock, Semaphore y Condition
// con workers de verdad dentro del proceso del test (las tareas están en threads_tareas.ts).
import assert from "node:assert/strict";
import { ejecutar } from "./ayuda.ts";
import {
  analizarOpciones,
  compartido,
  Condition,
  entero,
  Lock,
  Semaphore,
  texto,
  Thread,
  Value,
} from "../threads/threading.ts";
import {
  avisos,
  condicion,
  contador,
  despertados,
  dormirYSumar,
  esperarAviso,
  llegadas,
  lock,
  pasarPorElSemaforo,
  sumarConLock,
  sumarConLoRecibido,
} from "./threads_tareas.ts";

const tareas = new URL("./threads_tareas.ts", import.meta.url).href;
const hilo = (target: (...args: never[]) => unknown, ...args: unknown[]) =>
  new Thread({ target, args, modulo: tareas });

/** Arranca los threads juntos y espera a todos. */
async function juntos(...threads: Thread[]) {
  for (const t of threads) t.start();
  for (const t of threads) await t.join();
}

// ---------------------------------------------------------------------------------------
// Opciones
// ---------------------------------------------------------------------------------------

const opciones = {
  veces: entero(1000, 1, 5000, "sumas de cada thread"),
  lento: texto("", ["productor", "consumidor"], "quién va lento"),
  parte: entero(-1, 0, 1, ""),
};
const orden = "deno run --allow-read threads/x.ts";
const leer = (...args: string[]) => analizarOpciones(opciones, orden, args);
const uso = `${orden} [--veces N] [--lento productor|consumidor]`;

Deno.test("opciones: valores por defecto, enteros, textos y la forma --opcion=valor", () => {
  assert.deepEqual(leer(), { valores: { veces: 1000, lento: "", parte: -1 } });
  assert.deepEqual(leer("--veces", "7", "--lento=consumidor", "--parte", "1"), {
    valores: { veces: 7, lento: "consumidor", parte: 1 },
  });
});

Deno.test("opciones: cada error, una frase en español y el uso (sin la opción interna)", () => {
  const errores: [string[], string][] = [
    [["--veces", "-1"], "--veces -1 está fuera de rango: debe estar entre 1 y 5000"],
    [["--veces=-1"], "--veces -1 está fuera de rango: debe estar entre 1 y 5000"],
    [["--veces", "0"], "--veces 0 está fuera de rango: debe estar entre 1 y 5000"],
    [["--veces", "99999"], "--veces 99999 está fuera de rango: debe estar entre 1 y 5000"],
    [["--veces", "1e3"], '--veces debe ser un número entero (se recibió "1e3")'],
    [["--veces", "abc"], '--veces debe ser un número entero (se recibió "abc")'],
    [["--veces"], "Falta el valor de la opción --veces"],
    [["--veces", "--lento", "productor"], "Falta el valor de la opción --veces"],
    [["--vez", "3"], "Opción desconocida: --vez"],
    [["-x"], "Opción desconocida: -x"],
    [["tres"], "Argumento inesperado: tres (las opciones empiezan por --)"],
    [["--lento", "nadie"], '--lento debe ser productor o consumidor (se recibió "nadie")'],
  ];
  for (const [args, error] of errores) {
    assert.deepEqual(leer(...args), { error, uso }, args.join(" "));
  }
});

Deno.test("opciones: -h y --help dan el uso y cada opción con su valor por defecto", () => {
  const ayuda = [
    `Uso: ${uso}`,
    "Opciones:",
    "  --veces N                   sumas de cada thread (por defecto: 1000; de 1 a 5000)",
    "  --lento productor|consumidor" + "quién va lento (por defecto: ninguno)",
    "  -h, --help                  muestra esta ayuda",
  ].join("\n");
  assert.deepEqual(leer("--help"), { ayuda });
  assert.deepEqual(leer("-h"), { ayuda });
});

Deno.test("opciones: de verdad, en un script: error con código 2 y sin traza, --help con 0", async () => {
  const [malo, ayuda] = await Promise.all([
    ejecutar(["run", "--allow-read", "threads/lock.ts", "--veces", "-1"]),
    ejecutar(["run", "--allow-read", "threads/lock.ts", "-h"]),
  ]);
  assert.equal(malo.code, 2);
  assert.equal(
    malo.stderr,
    "--veces -1 está fuera de rango: debe estar entre 1 y 100000\n" +
      "Uso: deno run --allow-read threads/lock.ts [--veces N]\n",
  );
  assert.equal(ayuda.code, 0);
  assert.match(ayuda.stdout, /^Uso: deno run --allow-read threads\/lock\.ts \[--veces N\]\n/);
});

// ---------------------------------------------------------------------------------------
// Thread, Lock, Semaphore, Condition con workers de verdad
// ---------------------------------------------------------------------------------------

Deno.test("Lock del módulo: 2 threads x 200.000 sumas, ninguna perdida; el Value se ve desde el principal", async () => {
  contador.value = 0;
  await juntos(hilo(sumarConLock, 200_000), hilo(sumarConLock, 200_000));
  assert.equal(contador.value, 400_000);
  assert.equal(lock.locked(), false);
});

Deno.test("Lock y Value creados en el principal y enviados en args (dentro de un objeto)", async () => {
  const recibido = { l: new Lock(), v: new Value(5) };
  await juntos(
    hilo(sumarConLoRecibido, recibido, 100_000),
    hilo(sumarConLoRecibido, recibido, 100_000),
  );
  assert.equal(recibido.v.value, 200_005);
});

Deno.test("Lock: acquire(false) no espera, acquire con timeout se rinde, release sin coger falla", () => {
  const l = new Lock();
  assert.equal(l.acquire(), true);
  assert.equal(l.locked(), true);
  assert.equal(l.acquire(false), false);
  const antes = performance.now();
  assert.equal(l.acquire(true, 0.02), false);
  assert.ok(performance.now() - antes >= 19);
  l.release();
  assert.equal(l.locked(), false);
  assert.throws(() => l.release(), /release\(\) de un Lock que no está cogido/);
  assert.equal(l.acquire(false), true);
});

Deno.test("Semaphore(2): 4 threads entrando y saliendo, nunca más de 2 dentro (y llega a 2)", async () => {
  const semaforo = new Semaphore(2);
  const cuenta = compartido(2);
  await juntos(...[1, 2, 3, 4].map(() => hilo(pasarPorElSemaforo, semaforo, cuenta, 2000)));
  assert.equal(cuenta[0], 0);
  assert.equal(cuenta[1], 2);
  assert.equal(semaforo.acquire(false), true);
  assert.equal(semaforo.acquire(false), true);
  assert.equal(semaforo.acquire(false), false, "las 2 plazas ocupadas");
  assert.equal(semaforo.acquire(true, 0.01), false);
});

Deno.test("Condition: notify() despierta a uno, el que más lleva esperando; notify_all() a los demás", async () => {
  llegadas.value = 0;
  despertados.fill(0);
  const threads = [1, 2, 3].map(() => hilo(esperarAviso));
  for (const t of threads) t.start();

  condicion.acquire();
  while (llegadas.value < 3) avisos.wait(); // los 3 dentro de wait()
  condicion.notify();
  while (despertados[0] < 1) avisos.wait();
  assert.equal(despertados[0], 1, "notify() despierta a uno solo");
  assert.equal(despertados[1], 1, "el primero que llegó");
  condicion.notify_all();
  condicion.release();

  for (const t of threads) await t.join();
  // Los otros dos despiertan a la vez: cogen el lock en cualquier orden.
  assert.deepEqual([despertados[0], despertados[1]], [3, 1]);
  assert.deepEqual([despertados[2], despertados[3]].sort(), [2, 3]);
});

Deno.test("Condition: wait con timeout devuelve false, y su turno abandonado no se come el notify de otro", async () => {
  const c = new Condition();
  assert.throws(() => c.wait(), /necesita su lock cogido/);
  assert.throws(() => c.notify(), /necesita su lock cogido/);
  c.acquire();
  assert.equal(c.wait(0.01), false);
  assert.equal(c.lock.locked(), true, "wait vuelve con el lock cogido");
  assert.equal(c.wait_for(() => false, 0.01), false);
  c.release();

  llegadas.value = 0;
  despertados.fill(0);
  condicion.acquire();
  assert.equal(condicion.wait(0.01), false); // un turno abandonado, antes que el del thread
  const t = hilo(esperarAviso);
  t.start();
  while (llegadas.value < 1) avisos.wait();
  condicion.notify();
  const despierto = avisos.wait_for(() => despertados[0] === 1, 5);
  if (!despierto) condicion.notify_all(); // que el thread no se quede esperando
  condicion.release();
  await t.join();
  assert.ok(despierto, "el notify se perdió en el turno abandonado");
});

Deno.test("Thread: nombres como en Python, un target que devuelve una promesa se espera, y start() una sola vez", async () => {
  contador.value = 0;
  const t = hilo(dormirYSumar, 0.01);
  assert.match(t.name, /^Thread-\d+ \(dormirYSumar\)$/);
  assert.equal(t.is_alive(), false);
  t.start();
  assert.equal(t.is_alive(), true);
  assert.throws(() => t.start(), /solo arranca una vez/);
  await t.join();
  assert.equal(t.is_alive(), false);
  assert.equal(contador.value, 1000);
  const [anonima] = [() => {}]; // sin nombre: el thread no podría buscarla
  assert.throws(() => new Thread({ target: anonima }), /función con nombre/);
});

Deno.test("Thread: una tarea que lanza un error o que no está exportada, una frase y código 1", async () => {
  const fixture = ["run", "--allow-read", "tests/fixtures/tarea_que_falla.ts"];
  const [lanza, sinExport] = await Promise.all([
    ejecutar([...fixture, "--caso", "lanza"]),
    ejecutar([...fixture, "--caso", "sin_export"]),
  ]);
  assert.deepEqual([lanza.code, lanza.stdout], [1, ""]);
  assert.equal(lanza.stderr, "Error en el thread tarea1: la tarea ha fallado a propósito\n");
  assert.deepEqual([sinExport.code, sinExport.stdout], [1, ""]);
  assert.equal(
    sinExport.stderr,
    "El thread tarea1 no encuentra la función tareaSinExport: " +
      "escribe «export function tareaSinExport» para que el thread pueda usarla.\n",
  );
});
