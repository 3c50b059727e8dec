// threads/threading.ts: las opciones (sin procesos) y Thread, Lock, Semaphore, Condition y
// ThreadPoolExecutor con workers de verdad dentro del proceso del test (las tareas están en
// threads_tareas.ts; las del pool, en este fichero, que los workers del pool importan).
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { ejecutar } from "./ayuda.ts";
import { ENTER, hayTerminal, Terminal } from "./terminal.ts";
import {
  active_count,
  analizarOpciones,
  bandera,
  Barrier,
  BoundedSemaphore,
  BrokenBarrierError,
  compartido,
  Condition,
  current_thread,
  entero,
  enumerate,
  Event,
  fraseDeUnError,
  get_ident,
  Lock,
  main_thread,
  RLock,
  scriptDeLaOrden,
  Semaphore,
  sleep,
  texto,
  Thread,
  TIMEOUT_MAX,
  Timer,
  Value,
  ValueError,
} from "../threads/threading.ts";
import { ThreadPoolExecutor } from "../threads/concurrent_futures.ts";
import {
  anotarIdent,
  avisos,
  barrera,
  condicion,
  contador,
  despertados,
  dormirYSumar,
  esperarAviso,
  esperarElEvento,
  esperarLaRota,
  esperarYContar,
  evento,
  indices,
  llegadas,
  lock,
  pasarLaBarrera,
  pasarPorElSemaforo,
  resultados,
  rlock,
  rondas,
  soltarElRLockAjeno,
  soltarLoRecibido,
  sumarConElMapa,
  sumarConLock,
  sumarConLoRecibido,
  sumarConRLock,
  sumarUno,
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
    [["--veces", "-1"], "--veces debe estar entre 1 y 5000 (no «-1»)."],
    [["--veces=-1"], "--veces debe estar entre 1 y 5000 (no «-1»)."],
    [["--veces", "0"], "--veces debe estar entre 1 y 5000 (no «0»)."],
    [["--veces", "99999"], "--veces debe estar entre 1 y 5000 (no «99999»)."],
    [["--veces", "1e3"], "--veces debe ser un número entero (no «1e3»)."],
    [["--veces", "abc"], "--veces debe ser un número entero (no «abc»)."],
    [["--veces="], "--veces debe ser un número entero (no «»)."],
    [["--veces"], "Falta el valor de --veces."],
    [["--veces", "--lento", "productor"], "Falta el valor de --veces."],
    [["--vez", "3"], "Opción desconocida: --vez."],
    [["-x"], "Opción desconocida: -x."],
    [["tres"], "Argumento inesperado: «tres» (las opciones empiezan por --)."],
    [["--lento", "nadie"], "--lento debe ser productor o consumidor (no «nadie»)."],
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
    "  --lento productor|consumidor  quién va lento (por defecto: ninguno)",
    "  -h, --help                  muestra esta ayuda",
  ].join("\n");
  assert.deepEqual(leer("--help"), { ayuda });
  assert.deepEqual(leer("-h"), { ayuda });
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

Deno.test("Lock y Value creados en el principal y enviados en args (dentro de un objeto, de un Map)", async () => {
  const recibido = { l: new Lock(), v: new Value(5) };
  const mapa = new Map<string, Lock | Value>([["l", recibido.l], ["v", recibido.v]]);
  await juntos(
    hilo(sumarConLoRecibido, recibido, 100_000),
    hilo(sumarConElMapa, mapa, 100_000),
  );
  assert.equal(recibido.v.value, 200_005);
  class Punto {}
  const t = hilo(sumarConElMapa, new Map([["p", new Punto()]]), 1);
  assert.throws(
    () => t.start(),
    /args del thread .*: un Punto llegaría sin sus métodos \(solo viajan sus datos\); envía sus datos y crea el objeto en el otro thread\.$/,
  );
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
  assert.throws(() => c.wait(), /^RuntimeError: wait\(\) de una Condition sin su lock/);
  assert.throws(() => c.notify(), /^RuntimeError: notify\(\) de una Condition sin su lock/);
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
  const [anonima] = [function () {}]; // sin nombre: el thread no podría buscarla
  assert.throws(() => new Thread({ target: anonima }), /es una función sin nombre \(/);
  // Una flecha sin nombre o un método no se pueden buscar por su nombre (una flecha con
  // nombre, `export const tarea = () => ...`, sí): la misma frase que para un pool.
  assert.throws(() => new Thread({ target: () => {} }), {
    name: "ValueError",
    message: "el target de un Thread es una función flecha sin nombre (el thread la busca por " +
      "su nombre en el módulo): escribe «export function tarea(...) {...}» y pasa tarea.",
  });
  class Punto {}
  assert.throws(() => new Thread({ target: Punto as never }), {
    name: "ValueError",
    message: "el target de un Thread es una clase (Punto), no una función: escribe «export " +
      "function tarea(...) {...}» que cree el objeto con new Punto(...) y haga lo que haga falta.",
  });
  const objeto = { metodo() {} };
  assert.throws(() => new Thread({ target: objeto.metodo }), {
    name: "ValueError",
    message: "el target de un Thread es un método (metodo), que no viaja a un thread: escribe " +
      "«export function metodo(...) {...}» fuera de la clase.",
  });
});

const malUso = ["run", "--allow-read", "tests/fixtures/mal_uso.ts"];

Deno.test("Thread: lo que no acaba el programa en Python tampoco aquí: el error de un thread, Deno.exit() en un thread, un daemon", async () => {
  const [{ code, stdout, stderr }, daemons] = await Promise.all([
    ejecutar(malUso),
    // Daemons que ya ejecutan su función (durmiendo, esperando un Event, un Lock): sin
    // cortarlos, el programa no acabaría nunca (a los 10 s, SIGKILL).
    ejecutar(["run", "--allow-read", "tests/fixtures/daemons_en_marcha.ts"], undefined, {
      limiteMs: 10_000,
    }),
  ]);
  assert.deepEqual(
    [daemons.code, daemons.stdout, daemons.stderr],
    [0, "Un daemon trabaja mientras el principal espera: 42\nFin con 3 daemons en marcha\n", ""],
  );
  assert.equal(code, 0, stderr);
  assert.equal(
    stdout,
    [
      "Inicio", // una vez, aunque cada thread ejecuta el nivel de módulo del ejemplo
      "join() vuelve tras el error del thread",
      "join() vuelve tras Deno.exit() en el thread",
      "Suma: 2.5 (y el Value del principal: 100)", // con decimales; el Value del principal, intacto
      "RuntimeError: wait() de una Condition sin su lock: este thread debe cogerlo antes " +
      "(c.acquire(), o using _ = c.__enter__()).",
      "¿Sigue cogido el lock del otro thread? sí",
      "Otra suma: 5", // creada tras un objeto del principal: el registro no se desplaza
      "Fin (el daemon no retiene al programa)",
      "",
    ].join("\n"),
  );
  assert.equal(
    stderr,
    "Error en el thread tarea1, en mal_uso.ts:26: la tarea ha fallado a propósito\n" +
      "Error en el thread tarea3, en mal_uso.ts:42: se lee «acquire» de algo que es undefined " +
      "(TypeError): " +
      "¿el Lock de mal_uso.ts:132, que se crea dentro de «if (import.meta.main)»? Los threads " +
      "no lo ven: créalo a nivel de módulo o pásalo en args.\n",
  );
});

Deno.test("errores en el programa principal: una frase con la línea, sin traza, y código 1", async () => {
  const casos: Record<string, string> = {
    sin_export: "El thread tarea1 no encuentra la función tareaSinExport entre lo que exporta " +
      "el fichero del programa: escribe allí «export function tareaSinExport(...) {...}» (si es " +
      "de otro fichero, una que la llame).",
    join_antes: "Error en el programa principal, en mal_uso.ts:84: join() del thread " +
      "Thread-1 (sumar) antes de start(): arráncalo antes.",
    sin_new: "Error en el programa principal, en mal_uso.ts:92: Thread se crea con new: " +
      "escribe «new Thread(...)» (TypeError).",
  };
  const resultados = await Promise.all(
    Object.keys(casos).map((caso) => ejecutar([...malUso, "--caso", caso])),
  );
  Object.entries(casos).forEach(([caso, frase], i) => {
    const { code, stdout, stderr } = resultados[i];
    assert.deepEqual([code, stdout, stderr], [1, "Inicio\n", `${frase}\n`], caso);
  });
});

Deno.test("un error en el programa principal espera a los threads en marcha, como en Python (el daemon, no)", async () => {
  const fixture = ["run", "--allow-read", "tests/fixtures/error_en_el_principal.ts"];
  const [nuestro, suyo] = await Promise.all(
    ["nuestro", "suyo"].map((error) => ejecutar([...fixture, "--error", error])),
  );
  assert.deepEqual(
    [nuestro.code, nuestro.stdout, nuestro.stderr],
    [
      1,
      "el thread acaba su trabajo\n",
      "Error en el programa principal, en error_en_el_principal.ts:24: " +
      "release() de un Lock que no está cogido.\n",
    ],
  );
  assert.deepEqual([suyo.code, suyo.stdout], [1, "el thread acaba su trabajo\n"]);
  assert.match(suyo.stderr, /^error: Uncaught Error: el programa principal falla\n/);
  assert.match(suyo.stderr, /error_en_el_principal\.ts:25/);
});

Deno.test("una variable normal de nivel de módulo que un thread cambia: un aviso al arrancarlo, una vez", async () => {
  const { code, stdout, stderr } = await ejecutar([
    "run",
    "--allow-read",
    "tests/fixtures/variable_de_modulo.ts",
  ]);
  assert.deepEqual([code, stdout], [0, "resultados: [] total: 0\n"]); // cada thread, las suyas
  assert.equal(
    stderr,
    "Aviso: cuadrado cambia resultados y total, variables de nivel de módulo: cada thread " +
      "tiene las suyas y el principal no verá los cambios (en Python, sí). Para compartir un " +
      "número, new Value(0); varios enteros, compartido(n).\n",
  );
});

Deno.test("Thread: join(timeout) vuelve al acabarse el tiempo con el thread vivo, o antes si acaba", async () => {
  contador.value = 0;
  const t = hilo(dormirYSumar, 0.5);
  t.start();
  let antes = performance.now();
  await t.join(0.05);
  const esperado = performance.now() - antes;
  assert.equal(t.is_alive(), true, "con 0,05 s el thread (0,5 s) sigue vivo");
  assert.ok(esperado >= 45, `esperó ${esperado} ms`);
  antes = performance.now();
  await t.join(10); // acaba mucho antes: no espera los 10 s (ni deja el temporizador puesto)
  assert.equal(t.is_alive(), false);
  assert.ok(performance.now() - antes < 5000);
  assert.equal(contador.value, 1000);
  await t.join(0); // ya terminado: vuelve enseguida
  await t.join(-1); // negativo: como 0, igual que en Python
  await t.join(); // y sin timeout, como siempre
  // Sin await (el `t.join()` de Python), el programa no espera: un aviso, una vez. Con
  // await, then o Promise.all, ninguno.
  const avisos: string[] = [];
  const escribir = console.error;
  console.error = (texto: string) => avisos.push(texto);
  try {
    await Promise.all([t.join(), t.join(0)]);
    await t.join().then(() => {});
    const sinAwait = t.join();
    for (let i = 0; i < 3; i++) await null; // las microtareas en las que `await` pediría then
    t.join(); // el segundo, sin otro aviso
    for (let i = 0; i < 3; i++) await null;
    assert.deepEqual(avisos, [
      `Aviso: t.join() sin await no espera al thread ${t.name}: el programa sigue sin ` +
      "esperar (en Python, join() espera). Escribe «await t.join()».",
    ]);
    await sinAwait;
  } finally {
    console.error = escribir;
  }
  assert.throws(
    () => hilo(dormirYSumar, 0).join(1),
    /^RuntimeError: join\(\) del thread .* antes de start\(\)/,
  );
});

// ---------------------------------------------------------------------------------------
// Los nombres de Python (issue 19): RLock, Event, BoundedSemaphore, Barrier, Timer, using...
// ---------------------------------------------------------------------------------------

/** Lo que tarda `f` en ms. */
function cuanto(f: () => unknown): number {
  const antes = performance.now();
  f();
  return performance.now() - antes;
}

Deno.test("comprobaciones de argumentos donde Python lanza un error, con una frase en español", () => {
  const l = new Lock();
  const casos: [() => unknown, RegExp][] = [
    [
      () => l.acquire(false, 1),
      /^ValueError: acquire\(false, timeout\): sin esperar no hay timeout/,
    ],
    [() => l.acquire(true, -2), /^ValueError: el timeout no puede ser negativo \(no «-2»\)\.$/],
    [
      // El `class MiThread(Thread): def run(self)` de Python
      () =>
        new (class MiThread extends Thread {
          run() {}
        })({ target: sumarUno }),
      /^ValueError: MiThread extends Thread con run\(\): aquí un thread ejecuta una función exportada, que busca por su nombre \(un método no viaja\): escribe «export function tarea\(\.\.\.\) \{\.\.\.\}» y «new Thread\(\{ target: tarea, args: \[\.\.\.\] \}\)»\.$/,
    ],
    // El `acquire(timeout=0.5)` de Python con un objeto: esperaría sin límite (o da NaN).
    [
      () => l.acquire({ timeout: 0.5 } as never),
      /^ValueError: acquire\(\) no tiene argumentos con nombre \(JavaScript no los tiene\): escribe los valores en orden, acquire\(true, 0\.5\), el acquire\(timeout=0\.5\) de Python\.$/,
    ],
    [
      () => new Semaphore(0).acquire({ blocking: false } as never),
      /^ValueError: acquire\(\) no tiene .*: escribe los valores en orden, acquire\(false\), el acquire\(blocking=False\) de Python\.$/,
    ],
    [
      () => new Event().wait({ timeout: 0.5 } as never),
      /^ValueError: wait\(\) no tiene argumentos con nombre \(JavaScript no los tiene\): escribe los valores en orden, wait\(0\.5\), el wait\(timeout=0\.5\) de Python\.$/,
    ],
    [
      () => l.acquire(true, TIMEOUT_MAX * 2),
      /^ValueError: el timeout debe ser como mucho TIMEOUT_MAX/,
    ],
    [() => new RLock().acquire(false, 0.5), /^ValueError: acquire\(false, timeout\)/],
    [() => {
      const r = new RLock();
      r.acquire();
      r.acquire(false, 0.5); // también siendo su dueño
    }, /^ValueError: acquire\(false, timeout\)/],
    [
      () => new Semaphore(-1),
      /^ValueError: el valor de un Semaphore es un entero mayor o igual que 0 \(no «-1»\)\.$/,
    ],
    [
      () => new Semaphore(1).release(0),
      /^ValueError: release\(n\) devuelve al menos 1 plaza \(no «0»\)\.$/,
    ],
    [() => new Semaphore(1).acquire(false, 1), /^ValueError: acquire\(false, timeout\)/],
    [
      () => new BoundedSemaphore(2).release(),
      /^ValueError: release\(\) de más en un BoundedSemaphore: ya tiene sus 2 plazas libres\.$/,
    ],
    [
      () => new BoundedSemaphore(1).release(),
      /^ValueError: release\(\) de más en un BoundedSemaphore: ya tiene su 1 plaza libre\.$/,
    ],
    [
      () => new RLock().release(),
      /^RuntimeError: release\(\) de un RLock que este thread no tiene/,
    ],
    [() => l.release(), /^RuntimeError: release\(\) de un Lock que no está cogido\.$/],
    [
      () => new Barrier(0),
      /^ValueError: una Barrier necesita parties, un entero mayor que 0 \(no «0»\)\.$/,
    ],
    [
      () => new Value("3" as unknown as number),
      /^ValueError: un Value guarda un número, no «3»\.$/,
    ],
    [
      () => new Condition(new Lock()).notify(),
      /^RuntimeError: notify\(\) de una Condition sin su lock/,
    ],
    [() => new Timer(-1, sumarUno), /^ValueError: el timeout no puede ser negativo/],
    [
      () => hilo(sumarUno, sumarUno).start(),
      /^ValueError: args del thread .*: una función \(sumarUno\) no viaja a otro thread/,
    ],
    [() => (sleep as (s?: number) => void)(), /^ValueError: sleep\(\) necesita los segundos/],
    [() => sleep(-1), /^ValueError: sleep\(\): los segundos son un número mayor o igual que 0/],
    [
      () => hilo(sumarUno, new Map([[1, sumarUno]])).start(),
      // Dentro de un Map, la misma frase que suelta (no la de structuredClone, «... could not
      // be cloned», en inglés)
      /^ValueError: args del thread .*: una función \(sumarUno\) no viaja a otro thread, los args llegan copiados/,
    ],
    [() => hilo(sumarUno, new Lock()).join(), /^RuntimeError: join\(\) del thread/],
  ];
  for (const [f, frase] of casos) assert.throws(f, frase);
  // Donde Python no lanza, tampoco aquí: un timeout negativo de Semaphore o Condition es 0.
  const s = new Semaphore(0);
  assert.equal(s.acquire(true, -1), false);
  const c = new Condition();
  c.acquire();
  assert.equal(c.wait(-1), false);
  c.release();
  const b = new BoundedSemaphore(2);
  b.acquire();
  b.release();
  assert.throws(() => b.release(), ValueError);
});

Deno.test("using: Lock, RLock, Semaphore y Condition se sueltan al salir del bloque, también con un error", () => {
  const l = new Lock();
  const r = new RLock();
  const s = new Semaphore(1);
  const c = new Condition();
  for (const objeto of [l, r, s, c]) {
    assert.throws(() => {
      using _ = objeto.__enter__();
      throw new Error("dentro del with");
    }, /dentro del with/);
  }
  assert.equal(l.locked(), false);
  assert.equal(r.locked(), false);
  assert.equal(c.lock.locked(), false);
  assert.equal(s.acquire(false), true, "la plaza se devolvió");
  {
    using _ = l.__enter__();
    assert.equal(l.locked(), true);
  }
  assert.equal(l.locked(), false);
});

Deno.test("using sin __enter__(): una frase al entrar en el bloque, sin ejecutarlo ni soltar nada", () => {
  const l = new Lock();
  const r = new RLock();
  const s = new Semaphore(1);
  const c = new Condition();
  l.acquire(); // lo tiene «otro»: `using _ = l` no debe soltarlo
  r.acquire();
  c.acquire();
  const casos: [Disposable, string, string][] = [
    [l, "Lock", "lock"],
    [r, "RLock", "lock"],
    [s, "Semaphore", "semaforo"],
    [c, "Condition", "condicion"],
  ];
  for (const [objeto, tipo, nombre] of casos) {
    let dentro = false;
    assert.throws(
      () => {
        using _ = objeto;
        dentro = true;
      },
      new RegExp(
        `^RuntimeError: using _ = ${nombre} no coge el ${tipo}: escribe ` +
          `«using _ = ${nombre}\\.__enter__\\(\\);», el «with ${nombre}:» de Python`,
      ),
    );
    assert.equal(dentro, false, `${tipo}: el bloque no se ejecuta`);
  }
  assert.equal(l.locked(), true, "el Lock sigue cogido");
  assert.equal(r._is_owned(), true, "el RLock sigue cogido");
  assert.equal(c.lock._is_owned(), true, "el lock de la Condition sigue cogido");
  assert.equal(s.acquire(false), true, "el Semaphore no ganó una plaza: tiene la suya");
  assert.equal(s.acquire(false), false, "y solo una");
  {
    using _ = r.__enter__(); // re-entrante, con __enter__: bien
  }
  assert.equal(r._is_owned(), true);
});

Deno.test("RLock: su dueño lo coge varias veces; 2 threads x 50.000 sumas con él; otro thread no lo suelta", async () => {
  assert.ok(new Condition().lock instanceof RLock, "Condition() lleva un RLock, como en Python");
  const r = new RLock();
  assert.equal(r.acquire(), true);
  assert.equal(r.acquire(false), true, "el dueño lo vuelve a coger sin esperar");
  r.release();
  assert.equal(r.locked(), true, "aún lo tiene una vez");
  r.release();
  assert.equal(r.locked(), false);

  contador.value = 0;
  await juntos(hilo(sumarConRLock, 50_000), hilo(sumarConRLock, 50_000));
  assert.equal(contador.value, 100_000);

  resultados.fill(0);
  rlock.acquire();
  await juntos(hilo(soltarElRLockAjeno, 2));
  assert.equal(resultados[2], 1, "RuntimeError en el thread que no es su dueño");
  assert.equal(rlock.locked(), true, "y sigue siendo del principal");
  rlock.release();
});

Deno.test("Condition() re-entrante: wait() suelta el RLock del todo y lo devuelve como estaba", () => {
  const c = new Condition();
  c.acquire();
  c.acquire();
  assert.equal(c.wait(0.01), false);
  c.release();
  assert.equal(c.lock.locked(), true, "aún cogido una vez");
  c.release();
  assert.equal(c.lock.locked(), false);
});

Deno.test("Condition: notify(2) despierta exactamente a 2 de 4; notify_all() a los otros 2", async () => {
  llegadas.value = 0;
  despertados.fill(0);
  const threads = [1, 2, 3, 4].map(() => hilo(esperarYContar));
  for (const t of threads) t.start();
  condicion.acquire();
  while (llegadas.value < 4) avisos.wait(); // los 4 dentro de wait()
  condicion.notify(2);
  assert.equal(avisos.wait_for(() => despertados[0] === 2, 10), true);
  assert.equal(avisos.wait_for(() => despertados[0] > 2, 0.2), false, "ni uno más");
  condicion.notify_all();
  condicion.release();
  for (const t of threads) await t.join();
  assert.equal(despertados[0], 4);
});

Deno.test("timeouts: cada espera devuelve false tras, al menos, el tiempo pedido", () => {
  const l = new Lock();
  l.acquire();
  const r = new RLock();
  const s = new Semaphore(0);
  const c = new Condition();
  const e = new Event();
  const esperas: [string, () => unknown][] = [
    ["Lock", () => assert.equal(l.acquire(true, 0.05), false)],
    ["Semaphore", () => assert.equal(s.acquire(true, 0.05), false)],
    ["Condition", () => {
      c.acquire();
      assert.equal(c.wait(0.05), false);
      c.release();
    }],
    ["Event", () => assert.equal(e.wait(0.05), false)],
    ["Barrier", () => assert.throws(() => new Barrier(2).wait(0.05), BrokenBarrierError)],
  ];
  for (const [nombre, esperar] of esperas) {
    const ms = cuanto(esperar);
    assert.ok(ms >= 49 && ms < 5000, `${nombre}: ${ms} ms`);
  }
  assert.equal(r.acquire(true, 0.05), true, "un RLock libre no espera");
});

Deno.test("Event: 3 threads esperan y set() los despierta a todos; clear() la baja", async () => {
  resultados.fill(0);
  evento.clear();
  const threads = [1, 2, 3].map(() => hilo(esperarElEvento));
  for (const t of threads) t.start();
  assert.equal(evento.is_set(), false);
  evento.set();
  for (const t of threads) await t.join();
  assert.equal(resultados[0], 3);
  assert.equal(evento.wait(), true, "ya subida: no espera");
  evento.clear();
  assert.equal(evento.is_set(), false);
});

Deno.test("Barrier(4): 3 rondas, en cada una los índices 0..3 distintos y la acción una vez", async () => {
  indices.fill(-1);
  rondas.value = 0;
  await juntos(...[0, 1, 2, 3].map((yo) => hilo(pasarLaBarrera, yo)));
  for (let ronda = 0; ronda < 3; ronda++) {
    const deLaRonda = [...indices.subarray(ronda * 4, ronda * 4 + 4)].sort();
    assert.deepEqual(deLaRonda, [0, 1, 2, 3], `ronda ${ronda + 1}`);
  }
  assert.equal(rondas.value, 3);
  assert.equal(barrera.n_waiting, 0);
  assert.equal(barrera.broken, false);
});

Deno.test("Barrier: abort() rompe la espera con BrokenBarrierError; reset() la deja como nueva", async () => {
  resultados.fill(0);
  const b = new Barrier(3);
  const t = hilo(esperarLaRota, b, 3);
  t.start();
  while (Atomics.load(resultados, 7) < 1 || b.n_waiting < 1) {
    await new Promise((r) => setTimeout(r, 1));
  }
  b.abort();
  await t.join();
  assert.equal(resultados[3], 1);
  assert.equal(b.broken, true);
  assert.throws(() => b.wait(), BrokenBarrierError, "rota: nadie pasa");
  b.reset();
  assert.equal(b.broken, false);
  assert.equal(new Barrier(1).wait(), 0, "con parties 1, pasa solo (índice 0)");
});

const timerDeTareas = (segundos: number) => new Timer(segundos, sumarUno, [], { modulo: tareas });

Deno.test("como en lock_tests.py: un Lock lo suelta otro thread; Barrier con timeout por defecto y con una acción que falla", async () => {
  const l = new Lock();
  l.acquire();
  await juntos(hilo(soltarLoRecibido, l));
  assert.equal(l.locked(), false, "un Lock no tiene dueño: lo suelta quien sea");

  const conPlazo = new Barrier(2, null, 0.05);
  assert.ok(cuanto(() => assert.throws(() => conPlazo.wait(), BrokenBarrierError)) >= 49);
  assert.equal(conPlazo.broken, true);

  const conAccion = new Barrier(1, () => {
    throw new Error("la acción falla");
  });
  assert.throws(() => conAccion.wait(), /la acción falla/);
  assert.equal(conAccion.broken, true, "la acción que falla rompe la Barrier");
  assert.throws(() => conAccion.wait(), BrokenBarrierError);
});

Deno.test("Timer: ejecuta la función tras su intervalo; cancel() antes, no la ejecuta", async () => {
  contador.value = 0;
  const antes = performance.now();
  const timer = timerDeTareas(0.05);
  timer.start();
  await timer.join();
  assert.equal(contador.value, 1);
  assert.ok(performance.now() - antes >= 49);
  const cancelado = timerDeTareas(10);
  cancelado.start();
  cancelado.cancel();
  await cancelado.join();
  assert.equal(contador.value, 1, "cancelado: no suma");
});

Deno.test("get_ident, main_thread, current_thread, enumerate, active_count; daemon, antes de start()", async () => {
  assert.equal(get_ident(), 1);
  assert.equal(main_thread().name, "MainThread");
  assert.equal(current_thread(), main_thread());
  resultados.fill(0);
  const t = hilo(anotarIdent, 4, "anotador");
  assert.equal(t.ident, null);
  t.name = "anotador";
  t.daemon = false; // (un daemon aquí se cortaría: el módulo del test ya acabó de cargarse)
  t.start();
  assert.throws(
    () => (t.daemon = true),
    /^RuntimeError: daemon del thread anotador, ya arrancado/,
  );
  assert.ok(t.ident! > 1);
  assert.deepEqual(enumerate(), [main_thread(), t]);
  assert.equal(active_count(), 2);
  await t.join();
  assert.equal(resultados[4], t.ident, "get_ident() dentro del thread es su ident");
  assert.equal(resultados[5], 1, "current_thread().name dentro del thread");
  assert.deepEqual(enumerate(), [main_thread()]);
  assert.equal(active_count(), 1);
});

Deno.test("Thread: una opción que no existe es un error que la nombra; kwargs dice cómo pasar los argumentos", () => {
  const crear = (opciones: Record<string, unknown>) => () =>
    new Thread({ target: sumarUno, modulo: tareas, ...opciones });
  assert.throws(
    crear({ deamon: true }),
    /^ValueError: un Thread no tiene la opción «deamon» \(las suyas: target, args, name y daemon\)\.$/,
  );
  assert.throws(crear({ nombre: "x" }), /^ValueError: un Thread no tiene la opción «nombre»/);
  assert.throws(
    crear({ kwargs: { n: 2, texto: "a" } }),
    new RegExp(
      "^ValueError: un Thread no tiene kwargs: JavaScript no tiene argumentos con nombre\\. " +
        'Pon los valores en args, en el orden de los parámetros \\(args: \\[2, "a"\\]\\), ' +
        'o pasa un objeto \\(args: \\[\\{ n: 2, texto: "a" \\}\\]\\) y recíbelo con ' +
        "«export function sumarUno\\(\\{ n, texto \\}\\)»\\.$",
    ),
  );
  assert.throws(
    () => new Thread(sumarUno as never), // Thread(tarea) de Python: el primero es `group`
    /^ValueError: las opciones de un Thread van entre llaves, con su nombre: new Thread\(\{ target: sumarUno \}\)\.$/,
  );
  assert.throws(
    () => new Timer(1, sumarUno, [], { deamon: true } as never),
    /^ValueError: un Timer no tiene la opción «deamon» \(las suyas: name y daemon\)\.$/,
  );
});

// ---------------------------------------------------------------------------------------
// ThreadPoolExecutor: sus tareas están aquí mismo (los workers del pool importan este fichero)
// ---------------------------------------------------------------------------------------

const esteModulo = import.meta.url;
/** [tareas terminadas, y el dato de cada una en el orden en que terminaron...] */
const terminadas = compartido(16);
/** 1 cuando termina la última tarea: la primera la espera, así termina la última. */
const ultimaHecha = compartido(1);

/**
 * Devuelve el doble de `x` y anota cuándo terminó. La tarea 1 espera (como mucho 5 s) a que
 * termine la 5: con dos workers, termina la última, y aun así su resultado sale el primero.
 */
export function dobleAlFinal(x: number): number {
  if (x === 1) Atomics.wait(ultimaHecha, 0, 0, 5000);
  const orden = Atomics.add(terminadas, 0, 1) + 1;
  terminadas[orden] = x;
  if (x === 5) {
    Atomics.store(ultimaHecha, 0, 1);
    Atomics.notify(ultimaHecha, 0);
  }
  return 2 * x;
}

/** El número de worker del pool que hace la tarea (`ThreadPoolExecutor-<pool>_<k>`: k), o -1. */
export function quienSoy(_x: number): number {
  const nombre = current_thread().name.match(/^ThreadPoolExecutor-\d+_(\d+)$/);
  return nombre ? Number(nombre[1]) : -1;
}

Deno.test("ThreadPoolExecutor: los resultados en el orden de las tareas aunque terminen en otro", async () => {
  terminadas.fill(0);
  ultimaHecha[0] = 0;
  await using pool = new ThreadPoolExecutor({ max_workers: 2, modulo: esteModulo });
  const resultados = [];
  for await (const r of pool.map(dobleAlFinal, [1, 2, 3, 4, 5])) {
    if (resultados.length === 0) {
      assert.equal(terminadas[0], 5, "el primer resultado sale cuando ya han terminado las 5");
    }
    resultados.push(r);
  }
  assert.deepEqual(resultados, [2, 4, 6, 8, 10]);
  assert.equal(terminadas[5], 1, "la tarea 1 terminó la última");
  assert.deepEqual([...terminadas.slice(1, 5)].sort(), [2, 3, 4, 5]);
  // Un segundo map en el mismo pool sigue la cola; los datos pueden tener decimales.
  const otros = [];
  for await (const r of pool.map(dobleAlFinal, [0.25, -3])) otros.push(r);
  assert.deepEqual(otros, [0.5, -6]);
});

Deno.test("ThreadPoolExecutor: max_workers workers con nombres como en Python; shutdown() lo cierra", async () => {
  const pool = new ThreadPoolExecutor({ max_workers: 3, modulo: esteModulo });
  assert.equal(pool.max_workers, 3);
  const workers = [];
  for await (const k of pool.map(quienSoy, Array(30).fill(0))) workers.push(k);
  assert.equal(workers.length, 30);
  assert.ok(workers.every((k) => k >= 0 && k < 3), workers.join(", "));
  await pool.shutdown(); // espera a que acaben sus workers (si no, el test los vería vivos)
  assert.throws(() => pool.map(quienSoy, [1]), /el pool ya está cerrado/); // como en Python, al llamarlo
});

Deno.test("ThreadPoolExecutor: por defecto, un worker por núcleo; max_workers 0 es un error", async () => {
  assert.throws(
    () => new ThreadPoolExecutor({ max_workers: 0 }),
    /max_workers debe ser un número entero/,
  );
  {
    await using pool = new ThreadPoolExecutor({ modulo: esteModulo });
    assert.equal(pool.max_workers, navigator.hardwareConcurrency);
  } // aquí se cierra: el test acaba sin workers vivos
});

// ---------------------------------------------------------------------------------------
// bandera y la orden de ejecución
// ---------------------------------------------------------------------------------------

Deno.test("opciones: bandera(), sin valor: false por defecto, true escrita, --x=1 es un error", () => {
  const conBandera = {
    interbloqueo: bandera("todos cogen antes el izquierdo"),
    veces: entero(3, 1, 100, "veces"),
  };
  let pedida = 0;
  const orden = () => (pedida++, "deno run --allow-read threads/f.ts");
  const leer = (...args: string[]) => analizarOpciones(conBandera, orden, args);
  assert.deepEqual(leer(), { valores: { interbloqueo: false, veces: 3 } });
  assert.deepEqual(leer("--veces", "2", "--interbloqueo"), {
    valores: { interbloqueo: true, veces: 2 },
  });
  assert.equal(pedida, 0, "sin error ni ayuda, la orden no hace falta");
  const uso = "deno run --allow-read threads/f.ts [--interbloqueo] [--veces N]";
  assert.deepEqual(leer("--interbloqueo=1"), {
    error: "--interbloqueo no lleva valor: escribe solo --interbloqueo.",
    uso,
  });
  assert.deepEqual(leer("--interbloqueo", "1"), {
    error: "Argumento inesperado: «1» (las opciones empiezan por --).",
    uso,
  });
  assert.deepEqual(leer("-h"), {
    ayuda: [
      `Uso: ${uso}`,
      "Opciones:",
      "  --interbloqueo              todos cogen antes el izquierdo (por defecto: no)",
      "  --veces N                   veces (por defecto: 3; de 1 a 100)",
      "  -h, --help                  muestra esta ayuda",
    ].join("\n"),
  });
});

Deno.test("la orden del programa: ruta desde la carpeta actual, sin %20 y entre comillas si hace falta", () => {
  const aqui = (ruta: string) => pathToFileURL(`${Deno.cwd()}/${ruta}`).href;
  assert.equal(scriptDeLaOrden(aqui("threads/pool.ts")), "threads/pool.ts");
  assert.equal(scriptDeLaOrden(aqui("pool.ts")), "pool.ts");
  assert.equal(scriptDeLaOrden(aqui("clase/threads/año.ts")), "clase/threads/año.ts");
  assert.equal(scriptDeLaOrden(aqui("mis prácticas/pool.ts")), '"mis prácticas/pool.ts"');
  assert.equal(scriptDeLaOrden("file:///otra%20parte/pool.ts"), '"/otra parte/pool.ts"');
});

Deno.test({
  name: "el prompt() de nivel de módulo: se pregunta una vez y cada thread recibe la respuesta",
  ignore: !hayTerminal,
  async fn() {
    await using terminal = new Terminal(["run", "--allow-read", "tests/fixtures/prompt_arriba.ts"]);
    await terminal.esperar("¿Cuántas sumas? ");
    await terminal.teclear("5" + ENTER);
    await terminal.esperar("¿Dos cada vez? [y/N] ");
    await terminal.teclear("y" + ENTER);
    assert.equal(await terminal.fin(10_000), 0, terminal.salida);
    const salida = terminal.salida.replaceAll("\r\n", "\n");
    assert.match(
      salida,
      new RegExp(
        "\\? 5\n.*\\[y/N\\] y\nInicio\nTotales: 10 y 10\nError en el thread tarea1, en prompt_arriba\\.ts:17: " +
          "prompt\\(\\) dentro de un thread: no puede leer el teclado\\. Pregunta en el " +
          "programa principal y pasa la respuesta en args\\.\n$",
      ),
    );
  },
});

Deno.test("fraseDeUnError: los mensajes de JavaScript más frecuentes, en español y con su tipo", () => {
  const o: Record<string, unknown> = {};
  const casos: [() => unknown, string][] = [
    // @ts-ignore: una variable mal escrita, a propósito
    [() => totl, "«totl» no está definido (ReferenceError)."],
    [() => (o.metodo as () => void)(), "«o.metodo» no es una función (TypeError)."],
    [
      () => [...(o.lista as number[])],
      "«o.lista» no se puede recorrer (no es un array) (TypeError).",
    ],
    [() => {
      const f = () => 5 as unknown as number[];
      const [a] = f();
      return a;
    }, "«f()» no devuelve algo que se pueda recorrer (un array) (TypeError)."],
    [() => {
      (o.nada as Record<string, number>).x = 1;
    }, "se escribe «x» en algo que es undefined (TypeError)."],
    [() => {
      throw new Error("me caigo");
    }, "me caigo"],
  ];
  for (const [f, frase] of casos) {
    let error: unknown;
    try {
      f();
    } catch (e) {
      error = e;
    }
    assert.equal(
      fraseDeUnError("el thread t", error).replace(/, en [^:]+:\d+/, ""),
      `Error en el thread t: ${frase}`,
    );
  }
});
