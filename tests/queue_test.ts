// threads/queue.ts: lo que promete la documentación de `queue` de Python, en el proceso del
// test (un solo thread), y con threads de verdad en un subproceso (tests/fixtures/cola_hilos.ts):
// 4 productores y 4 consumidores no pierden ni duplican nada.
import assert from "node:assert/strict";
import { ejecutar, ejecutarEnUnNucleo, hayTaskset } from "./ayuda.ts";
import { Empty, Full, Queue } from "../threads/queue.ts";
import { compartido, Lock, ValueError } from "../threads/threading.ts";

Deno.test("queue: FIFO, qsize, empty, full y maxsize (0 o negativo: sin límite)", () => {
  const q = new Queue<number>(3);
  assert.equal(q.maxsize, 3);
  assert.ok(q.empty());
  for (const x of [1, 2, 3]) q.put(x);
  assert.equal(q.qsize(), 3);
  assert.ok(q.full());
  assert.deepEqual([q.get(), q.get()], [1, 2]);
  assert.ok(!q.full() && !q.empty());
  q.put(4);
  assert.deepEqual([q.get(), q.get()], [3, 4]);
  assert.ok(q.empty());
  for (const sinLimite of [new Queue(), new Queue(0), new Queue(-5)]) {
    assert.equal(sinLimite.maxsize, 0);
    for (let i = 0; i < 2_000; i++) sinLimite.put_nowait(i);
    assert.ok(!sinLimite.full());
    assert.equal(sinLimite.qsize(), 2_000);
    for (let i = 0; i < 2_000; i++) assert.equal(sinLimite.get_nowait(), i);
  }
});

Deno.test("queue: sin esperar, Full y Empty; con timeout, después de ese tiempo (y el timeout se ignora con block false)", () => {
  const q = new Queue<string>(1);
  assert.throws(() => q.get_nowait(), Empty);
  assert.throws(() => q.get(false), Empty);
  assert.throws(() => q.get(false, 10), Empty); // block false: no espera aunque haya timeout
  q.put_nowait("a");
  assert.throws(() => q.put_nowait("b"), Full);
  assert.throws(() => q.put("b", false), Full);
  assert.throws(() => q.put("b", true, 0), Full);
  for (
    const [accion, error] of [[() => q.put("b", true, 0.1), Full], [() => q.get(), null]] as const
  ) {
    if (!error) {
      accion();
      continue;
    }
    const inicio = performance.now();
    assert.throws(accion, error);
    const ms = performance.now() - inicio;
    assert.ok(ms >= 99, `volvió a los ${ms} ms, antes de 0,1 s`);
  }
  const inicio = performance.now();
  assert.throws(
    () => q.get(true, 0.1),
    (e: unknown) => e instanceof Empty && e.message === "la cola está vacía.",
  );
  assert.ok(performance.now() - inicio >= 99);
});

Deno.test("queue: los errores de uso, una frase (timeout negativo, task_done de más, maxsize no entero, una función)", () => {
  const q = new Queue();
  // Las mismas frases que los timeout de threading.ts.
  assert.throws(() => q.get(true, -1), {
    name: "ValueError",
    message: "el timeout no puede ser negativo (no «-1»).",
  });
  assert.throws(() => q.put(1, true, -0.5), {
    message: "el timeout no puede ser negativo (no «-0.5»).",
  });
  assert.throws(() => q.get(true, NaN), {
    message: "el timeout es un número de segundos, no «NaN».",
  });
  // El `put(x, block=False)` / `get(timeout=0.5)` de Python, con un objeto.
  assert.throws(() => q.put(1, { block: false } as never), {
    message: "put() no tiene argumentos con nombre (JavaScript no los tiene): escribe los " +
      "valores en orden, put(item, false), el put(item, block=False) de Python.",
  });
  assert.throws(() => q.get({ timeout: 0.5 } as never), {
    message: "get() no tiene argumentos con nombre (JavaScript no los tiene): escribe los " +
      "valores en orden, get(true, 0.5), el get(timeout=0.5) de Python.",
  });
  assert.throws(() => new Queue(2.5), {
    message: "el maxsize de una Queue debe ser un número entero (no «2.5»).",
  });
  assert.throws(() => q.task_done(), {
    message: "task_done() se ha llamado más veces que elementos se han puesto en la cola.",
  });
  function sumar() {}
  assert.throws(() => q.put(sumar), {
    message: "put() no puede enviar la función sumar a otro thread: viajan datos (números, " +
      "textos, objetos, arrays...), no funciones.",
  });
  assert.throws(() => q.put({ f: () => 1 }), ValueError);
  // Lo compartido llegaría copiado, ya sin compartir: mejor decirlo.
  const copia = "llegaría una copia, que ya no sería compartida; créalo a nivel de módulo: " +
    "así es el mismo en todos los threads.";
  assert.throws(() => q.put(new Lock()), {
    message: `put() no puede enviar un Lock a otro thread: ${copia}`,
  });
  assert.throws(() => q.put({ datos: [compartido(2)] }), {
    message: `put() no puede enviar memoria compartida a otro thread: ${copia}`,
  });
  assert.throws(() => q.put([new Queue()]), { message: /^put\(\) no puede enviar una Queue/ });
  // Un objeto de una clase llegaría sin sus métodos (`p.doble is not a function`): se dice.
  class Punto {
    constructor(readonly x: number) {}
    doble() {
      return 2 * this.x;
    }
  }
  const sinMetodos = "llegaría sin sus métodos (solo viajan sus datos); envía sus datos y " +
    "crea el objeto en el otro thread.";
  for (const elemento of [new Punto(1), [1, new Punto(2)], new Map([["p", new Punto(3)]])]) {
    assert.throws(() => q.put(elemento), {
      message: `put() no puede enviar un Punto a otro thread: ${sinMetodos}`,
    });
  }
  assert.ok(q.empty()); // lo que no se pudo enviar no queda a medias en la cola
});

Deno.test("queue: task_done y join: join vuelve cuando cada elemento tiene su task_done", async () => {
  const q = new Queue<number>();
  await q.join(); // nada puesto: vuelve enseguida
  q.put(1);
  q.put(2);
  let vuelto = false;
  const join = q.join().then(() => vuelto = true);
  q.get();
  q.task_done();
  await new Promise((listo) => setTimeout(listo, 0));
  assert.ok(!vuelto, "join() volvió con una tarea sin terminar");
  q.get();
  q.task_done();
  await join;
  assert.ok(vuelto);
  assert.throws(() => q.task_done(), ValueError);
  // Sin await (el `q.join()` de Python), el programa no espera: un aviso que lo dice.
  const avisos: string[] = [];
  const escribir = console.error;
  console.error = (texto: string) => avisos.push(texto);
  try {
    q.join();
    for (let i = 0; i < 3; i++) await null; // las microtareas en las que `await` pediría then
  } finally {
    console.error = escribir;
  }
  assert.deepEqual(avisos, [
    "Aviso: q.join() sin await no espera a que se procesen los elementos de la cola: el " +
    "programa sigue sin esperar (en Python, join() espera). Escribe «await q.join()».",
  ]);
});

Deno.test("queue: viaja lo que viaja en args (copiado): textos, números exactos, objetos, arrays, Map, Set, Date...", () => {
  const q = new Queue();
  const ciclo: Record<string, unknown> = { nombre: "ciclo" };
  ciclo.yo = ciclo;
  const valores: unknown[] = [
    "",
    "hola",
    "ñandú 🦆 \u0000 fin",
    "x".repeat(100_000),
    0,
    -0,
    1.5,
    NaN,
    Infinity,
    -Infinity,
    2 ** 53 + 2,
    null,
    undefined,
    true,
    false,
    10n,
    [1, "dos", [3]],
    { a: 1, b: { c: [null] } },
    [0, -0, NaN],
    { falta: undefined },
    [1, , 3],
    { fecha: new Date(1) },
    [[[[["hondo"]]]]],
    new Map([[1, "uno"]]),
    new Set(["a"]),
    new Date(0),
    new Uint8Array([1, 2, 3]),
    ciclo,
  ];
  for (const v of valores) q.put(v);
  for (const v of valores) {
    const sacado = q.get();
    assert.deepStrictEqual(sacado, v);
    if (v !== null && typeof v === "object") assert.notEqual(sacado, v); // una copia
  }
});

Deno.test("queue: el búfer da la vuelta; sin límite, lo que no cabe en sus 64 MiB espera como con la cola llena", () => {
  const q = new Queue<string>();
  const mega = (i: number) => String(i).padEnd(1024 * 1024, ".");
  let puestos = 0;
  assert.throws(() => {
    for (;;) {
      q.put_nowait(mega(puestos));
      puestos++;
    }
  }, Full);
  assert.equal(puestos, 63); // 64 MiB con la longitud de cada uno: caben 63 de 1 MiB
  assert.throws(() => q.put(mega(63), true, 0.05), Full);
  q.put_nowait("x"); // uno pequeño aún cabe
  for (let i = 0; i < 30; i++) assert.equal(q.get(), mega(i));
  for (let i = 63; i < 93; i++) q.put_nowait(mega(i)); // pasa del final del búfer al principio
  for (let i = 30; i < 63; i++) assert.equal(q.get(), mega(i));
  assert.equal(q.get(), "x");
  for (let i = 63; i < 93; i++) assert.equal(q.get(), mega(i));
  assert.ok(q.empty());
});

/** Ejecuta el fixture de productores y consumidores y devuelve su resumen. */
async function colaConHilos(...args: string[]) {
  const orden = ["run", "--allow-read", "tests/fixtures/cola_hilos.ts", ...args];
  const unNucleo = orden.includes("--un-nucleo");
  const sinEsa = orden.filter((a) => a !== "--un-nucleo");
  const { code, stdout, stderr } = unNucleo && hayTaskset
    ? await ejecutarEnUnNucleo(sinEsa)
    : await ejecutar(sinEsa);
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout);
}

const perfecto = {
  perdidos: 0,
  duplicados: 0,
  desorden: 0,
  malCopiados: 0,
  despuesDelJoin: 0,
  alFinal: 0,
};

Deno.test("queue: 4 productores y 4 consumidores con threads de verdad no pierden ni duplican nada (10.000 textos con la cola del módulo; 10.000 objetos con la cola en args y en un núcleo)", async () => {
  const resultados = await Promise.all([
    colaConHilos("--tipo", "texto", "--elementos", "2500"),
    colaConHilos("--tipo", "objeto", "--elementos", "2500", "--en-args", "--un-nucleo"),
  ]);
  for (const r of resultados) assert.deepEqual(r, perfecto);
});

Deno.test("queue: el principal que esperaría siempre (nadie pondrá, sacará ni llamará a task_done), una frase y código 1", async () => {
  const casos = ["get", "put", "join"];
  const resultados = await Promise.all(
    casos.map((caso) =>
      ejecutar(["run", "--allow-read", "tests/fixtures/cola_sin_nadie.ts", "--caso", caso])
    ),
  );
  const frases = [
    "en cola_sin_nadie.ts:15: get() esperaría siempre: la cola está vacía y no queda ningún " +
    "thread que ponga.",
    "en cola_sin_nadie.ts:18: put() esperaría siempre: la cola está llena y no queda ningún " +
    "thread que saque.",
    "en cola_sin_nadie.ts:24: join() esperaría siempre: queda 1 elemento sin su task_done() " +
    "y no queda ningún thread que lo llame (¿falta un task_done() tras cada get()?).",
  ];
  for (const [k, { code, stdout, stderr }] of resultados.entries()) {
    assert.deepEqual([code, stdout, stderr], [
      1,
      "",
      `Error en el programa principal, ${frases[k]}\n`,
    ], casos[k]);
  }
});
