// threads/concurrent_futures.ts: lo que promete la documentación de concurrent.futures, con
// threads de verdad dentro del proceso del test (las tareas están en futuros_tareas.ts), y en
// subprocesos lo que pasa al acabar el programa y con los errores que nadie recoge.
import assert from "node:assert/strict";
import { ejecutar } from "./ayuda.ts";
import {
  ALL_COMPLETED,
  as_completed,
  CancelledError,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  Future,
  ThreadPoolExecutor,
  TimeoutError,
  wait,
} from "../threads/concurrent_futures.ts";
import { RuntimeError, ValueError } from "../threads/threading.ts";
import { Empty } from "../threads/queue.ts";
import {
  asincrona,
  colaVacia,
  devuelveUnaFuncion,
  devuelveUnPunto,
  doble,
  dormir,
  eco,
  esperar,
  falla,
  ficha,
  lanzaMiError,
  Punto,
  salir,
  turno,
} from "./futuros_tareas.ts";

const modulo = new URL("./futuros_tareas.ts", import.meta.url).href;
const pool = (max_workers = 2) => new ThreadPoolExecutor({ max_workers, modulo });

Deno.test("concurrent.futures: 5000 tareas por un pool, en orden (más de las 1000 de antes), y con varias listas", async () => {
  await using p = pool();
  const datos = Array.from({ length: 5000 }, (_, i) => i);
  const resultados: number[] = [];
  for await (const r of p.map(doble, datos)) resultados.push(r);
  assert.deepEqual(resultados, datos.map((x) => 2 * x));
  const fichas = [];
  for await (const f of p.map(ficha, ["Ana", "Luis", "Eva"], [30, 41])) fichas.push(f);
  assert.deepEqual(fichas.map((f) => f.texto), ["Ana tiene 30", "Luis tiene 41"]); // como zip
  assert.deepEqual(fichas[0].lista, ["Ana", 30]);
  assert.match(fichas[0].hilo, /^ThreadPoolExecutor-\d+_\d+$/);
  const vacio = [];
  for await (const r of p.map(doble, [])) vacio.push(r);
  assert.deepEqual(vacio, []);
});

Deno.test("concurrent.futures: submit devuelve un Future; result, done, exception, add_done_callback; tareas async", async () => {
  await using p = pool();
  const f = p.submit(ficha, "Ana", 30);
  assert.ok(f instanceof Future);
  const llamadas: Future[] = [];
  f.add_done_callback((g) => llamadas.push(g));
  assert.equal((await f.result()).texto, "Ana tiene 30");
  assert.ok(f.done());
  assert.equal(await f.exception(), null);
  assert.deepEqual(llamadas, [f]);
  f.add_done_callback((g) => llamadas.push(g)); // ya acabado: enseguida
  assert.equal(llamadas.length, 2);
  assert.equal(await p.submit(asincrona, 1).result(), 2);
});

Deno.test("concurrent.futures: las tareas se ponen al momento, sin esperar a que se lean sus resultados", async () => {
  await using p = pool(1); // un thread: hace las tareas en el orden en que se ponen
  const primera = p.submit(turno, "submit 1");
  const delMap = p.map(turno, ["map 1", "map 2"]);
  const ultima = p.submit(turno, "submit 2");
  assert.equal(await ultima.result(), "4.ª: submit 2"); // sin haber leído aún el map
  assert.equal(await primera.result(), "1.ª: submit 1");
  const delMapLeidas = [];
  for await (const r of delMap) delMapLeidas.push(r);
  assert.deepEqual(delMapLeidas, ["2.ª: map 1", "3.ª: map 2"]);
});

Deno.test("concurrent.futures: el error de una tarea lo lanza result() y el map al llegar a ella (también Deno.exit())", async () => {
  await using p = pool();
  const f = p.submit(falla, 3);
  await assert.rejects(
    f.result(),
    (e: unknown) => e instanceof RangeError && e.message === "el 3 no vale",
  );
  const error = await f.exception();
  assert.ok(error instanceof RangeError);
  const vistos: number[] = [];
  await assert.rejects(async () => {
    for await (const r of p.map(falla, [1, 2, 3, 4])) vistos.push(r);
  }, RangeError);
  assert.deepEqual(vistos, [1, 2]);
  // El pool sigue: la tarea que falló no se lleva un thread.
  assert.equal(await p.submit(doble, 21).result(), 42);
  // Deno.exit() en una tarea acaba su thread: la tarea acaba con un error, y otro thread
  // ocupa su lugar.
  await assert.rejects(p.submit(salir).result(), {
    message: "la tarea salir llamó a Deno.exit(), que en un pool acaba su thread: devuelve " +
      "un valor o lanza un error.",
  });
  const despues = await Promise.all([1, 2, 3, 4].map((x) => p.submit(doble, x).result()));
  assert.deepEqual(despues, [2, 4, 6, 8]);
  await assert.rejects(p.submit(devuelveUnaFuncion).result(), {
    message: "la tarea devuelveUnaFuncion devolvió algo que no puede volver al programa " +
      "principal: viajan datos (números, textos, objetos, arrays...), no funciones.",
  });
  // El error de una tarea vuelve con su clase (`except queue.Empty`) y sus campos.
  await assert.rejects(p.submit(colaVacia).result(), Empty);
  await assert.rejects(p.submit(lanzaMiError).result(), {
    name: "MiError",
    message: "mío",
    codigo: 7,
  });
  // Un objeto sin prototipo, o con una clave «toString» (un recuento de palabras), viaja.
  const palabras = Object.assign(Object.create(null), { toString: 1, el: 2 });
  assert.deepEqual(await p.submit(eco, palabras).result(), { toString: 1, el: 2 });
  const sinMetodos = "llegaría sin sus métodos (solo viajan sus datos); envía sus datos y " +
    "crea el objeto en el otro thread.";
  await assert.rejects(p.submit(devuelveUnPunto).result(), {
    message:
      `la tarea devuelveUnPunto devolvió algo que no puede volver al programa principal: ${sinMetodos}`,
  });
  assert.throws(() => p.submit(doble, new Punto(2) as never), {
    message:
      `los argumentos de la tarea doble llevan un Punto, que no puede viajar a un thread: ${sinMetodos}`,
  });
});

Deno.test("concurrent.futures: timeout en result, exception, as_completed y map: TimeoutError tras ese tiempo", async () => {
  await using p = pool();
  const carpeta = await Deno.makeTempDir();
  const salida = `${carpeta}/ya`; // la tarea lenta acaba cuando el test crea este fichero
  const lenta = p.submit(esperar, salida);
  for (const espera of [() => lenta.result(0.1), () => lenta.exception(0.1)]) {
    const inicio = performance.now();
    await assert.rejects(espera(), TimeoutError);
    assert.ok(performance.now() - inicio >= 99);
  }
  await assert.rejects(async () => {
    for await (const _ of as_completed([lenta], 0.05));
  }, TimeoutError);
  await assert.rejects(async () => {
    for await (const _ of p.map(esperar, [salida], { timeout: 0.05 }));
  }, TimeoutError);
  await Deno.writeTextFile(salida, "");
  assert.equal(await lenta.result(), "listo");
  await p.shutdown(); // también la tarea del map, que quizá empieza ahora: el fichero sigue ahí
  await Deno.remove(carpeta, { recursive: true });
});

Deno.test("concurrent.futures: as_completed da cada Future al acabar (los ya acabados, primero); con threads", async () => {
  await using p = pool(3);
  const fs = [0.2, 0.01, 0.1, 0].map((s) => p.submit(dormir, s));
  const alAcabar: Future[] = [];
  for (const f of fs) f.add_done_callback((g) => alAcabar.push(g));
  await fs[3].result();
  const yaAcabados = fs.filter((f) => f.done());
  const orden = [];
  for await (const f of as_completed(fs)) orden.push(f);
  const k = yaAcabados.length;
  assert.deepEqual(new Set(orden.slice(0, k)), new Set(yaAcabados));
  assert.deepEqual(orden.slice(k), alAcabar.filter((f) => !yaAcabados.includes(f)));
  assert.equal(orden.length, 4);
});

/** Un Future que el test completa cuando quiere: wait y as_completed sin depender del reloj. */
function aMano(): Future<string> {
  return new Future<string>("a mano");
}

Deno.test("concurrent.futures: wait con FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED y timeout", async () => {
  const [a, b, c] = [aMano(), aMano(), aMano()];
  let r = wait([a, b, c], { return_when: FIRST_COMPLETED });
  b._completar(false, "b");
  assert.deepEqual(await r, { done: new Set([b]), not_done: new Set([a, c]) });
  r = wait([a, b, c], { return_when: FIRST_EXCEPTION });
  a._completar(false, "a"); // bien: FIRST_EXCEPTION sigue esperando
  c._completar(true, new Error("c"));
  assert.deepEqual(await r, { done: new Set([a, b, c]), not_done: new Set() });
  const [d, e] = [aMano(), aMano()];
  r = wait([d, e, a], { return_when: FIRST_EXCEPTION });
  e._completar(true, new Error("e"));
  assert.deepEqual(await r, { done: new Set([e, a]), not_done: new Set([d]) });
  r = wait([d, a], { return_when: ALL_COMPLETED });
  d._completar(false, "d");
  assert.deepEqual((await r).not_done, new Set());
  const nunca = aMano();
  const inicio = performance.now();
  assert.deepEqual(await wait([nunca, a], { timeout: 0.05 }), {
    done: new Set([a]),
    not_done: new Set([nunca]),
  });
  assert.ok(performance.now() - inicio >= 49);
  await assert.rejects(wait([a], { return_when: "PRIMERO" as never }), ValueError);
});

Deno.test("concurrent.futures: los usos equivocados, una frase (max_workers 0, tras shutdown, sin nombre, argumentos que no viajan)", async () => {
  for (const max_workers of [0, -1, 1.5, NaN]) {
    assert.throws(() => pool(max_workers), {
      name: "ValueError",
      message: `max_workers debe ser un número entero mayor que 0 (no «${max_workers}»).`,
    });
  }
  const p = pool(1);
  assert.throws(() => p.submit((x: number) => x, 1), {
    name: "ValueError",
    message: "la tarea de un pool es una función flecha sin nombre (el thread la busca por su " +
      "nombre en el módulo): escribe «export function tarea(...) {...}» y pasa tarea.",
  });
  assert.throws(() => p.submit(doble, (() => 1) as never), {
    message: "los argumentos de la tarea doble llevan la función sin nombre, que no puede " +
      "viajar a un thread: viajan datos (números, textos, objetos, arrays...), no funciones.",
  });
  function noExportada() {}
  await assert.rejects(p.submit(noExportada).result(), {
    message: "el pool no encuentra la función noExportada entre lo que exporta el fichero del " +
      "programa: escribe allí «export function noExportada(...) {...}» (si es de otro fichero, " +
      "una que la llame).",
  });
  await assert.rejects(p.submit(doble, 1).result(-1), ValueError);
  // El `for r in pool.map(...)` de Python sin await, o un await delante: cómo se escribe.
  const conAwait = {
    name: "RuntimeError",
    message: "pool.map() da sus resultados según llegan, con await: escribe «for await " +
      "(const r of pool.map(...))» (o, en una lista, «await Array.fromAsync(pool.map(...))»).",
  };
  assert.throws(() => [...(p.map(doble, [1]) as unknown as Iterable<number>)], conAwait);
  await assert.rejects(async () => await p.map(doble, [2]), conAwait);
  assert.throws(() => [...(as_completed([]) as unknown as Iterable<Future>)], {
    name: "RuntimeError",
    message: "as_completed() da cada Future según acaba, con await: escribe " +
      "«for await (const f of as_completed(fs))».",
  });
  assert.deepEqual(await Array.fromAsync(p.map(doble, [3, 4])), [6, 8]);
  assert.throws(() => p.map(doble, 5 as never), {
    name: "ValueError",
    message: "map() necesita listas de datos tras la función (no «5»).",
  });
  await p.shutdown();
  assert.throws(() => p.submit(doble, 1), {
    name: "RuntimeError",
    message: "el pool ya está cerrado (shutdown): no acepta más tareas.",
  });
  assert.ok(new RuntimeError("x") instanceof Error);
});

/** Un programa con un pool, como subproceso: su salida y su código. */
function programa(...args: string[]) {
  return ejecutar(["run", "--allow-read", "tests/fixtures/pool_sin_cerrar.ts", ...args]);
}

Deno.test("concurrent.futures: un pool sin shutdown no retiene el programa (como Python, acaba sus tareas y termina); un error que nadie recoge, una frase y código 1; un pool roto no deja esperando", async () => {
  const [sinTareas, conTareas, falla, map, roto] = await Promise.all([
    ...["nada", "pendientes", "falla", "map"].map((caso) => programa(caso)),
    ejecutar(["run", "--allow-read", "tests/fixtures/pool_roto.ts"]),
  ]);
  assert.deepEqual([sinTareas.code, sinTareas.stderr, sinTareas.lineas], [0, "", ["Última línea"]]);
  assert.equal(conTareas.code, 0, conTareas.stderr);
  assert.deepEqual(conTareas.lineas[0], "Última línea");
  assert.deepEqual(conTareas.lineas.slice(1).sort(), ["Hecha 1", "Hecha 2", "Hecha 3"]);
  const frase = "Error en la tarea falla(3), en pool_sin_cerrar.ts:13: el 3 no vale\n";
  assert.deepEqual([falla.code, falla.stderr, falla.lineas], [1, frase, []]);
  assert.deepEqual([map.code, map.stderr], [1, frase]); // tras los resultados 1 y 2
  // Un thread del pool que no llega a sus tareas: el pool, roto; su tarea no espera siempre.
  assert.deepEqual([roto.code, roto.lineas], [1, []]);
  assert.equal(
    roto.stderr,
    "Error en el thread ThreadPoolExecutor-0_0, en pool_roto.ts:5: este programa no carga en " +
      "un thread\nError en el programa principal: el pool está roto: su thread " +
      "ThreadPoolExecutor-0_0 acabó con un error (el de arriba).\n",
  );
});

/** Espera (con un límite) a que `listo()` sea cierto, mirando cada 10 ms. */
async function hasta(listo: () => boolean) {
  for (let i = 0; i < 500 && !listo(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(listo(), "no llegó a pasar en 5 s");
}

Deno.test("concurrent.futures: cancel() cancela una tarea que aún no ha empezado; la que está en marcha, no", async () => {
  await using p = pool(1); // un thread: la segunda espera a que acabe la primera
  const enMarcha = p.submit(dormir, 0.2, "primera");
  const enCola = p.submit(turno, "segunda");
  const avisos: boolean[] = [];
  enCola.add_done_callback((f) => avisos.push(f.cancelled()));
  await hasta(() => enMarcha.running());
  assert.equal(enMarcha.cancel(), false);
  assert.equal(enCola.running(), false);
  assert.equal(enCola.cancel(), true);
  assert.equal(enCola.cancel(), true); // otra vez: sigue cancelada
  assert.ok(enCola.cancelled() && enCola.done() && !enMarcha.cancelled());
  assert.deepEqual(avisos, [true]);
  await assert.rejects(enCola.result(), {
    name: "CancelledError",
    message: 'la tarea turno("segunda") se canceló.',
  });
  await assert.rejects(enCola.exception(), CancelledError);
  assert.equal(await enMarcha.result(), "primera");
  assert.equal(enMarcha.cancel(), false); // ya acabada
  // El thread se salta la cancelada (no llega a hacerla: esta es su primera) y sigue.
  assert.equal(await p.submit(turno, "después").result(), "1.ª: después");
  // shutdown con cancel_futures: cancela las que aún esperan.
  const larga = p.submit(dormir, 0.2);
  const esperando = [1, 2, 3].map((x) => p.submit(doble, x));
  await hasta(() => larga.running());
  await p.shutdown(true, { cancel_futures: true });
  assert.ok(esperando.every((f) => f.cancelled()));
  assert.equal(await larga.result(), 0.2);
});
