// --traza (threads/traza.ts): lo que dibuja es la verdad. En carrera.ts, las sumas perdidas que
// encuentra en la traza son justo las que le faltan al contador, en cada ejecución y también en
// un solo núcleo; en lock.ts, ninguna, y nunca dos threads con el Lock; en semaforo.ts, nunca
// más de 2 dentro; en filosofos.ts --interbloqueo, el círculo de los 5. La página, abierta en
// un navegador de verdad (chromium-headless-shell de Debian): un carril por thread, las sumas
// perdidas, y una captura que no está en blanco. Sin navegador se salta, salvo en CI (CI=true).

import assert from "node:assert/strict";
import { ejecutar, ejecutarEnUnNucleo, EnMarcha, hayTaskset, type Resultado } from "./ayuda.ts";
import {
  analizar,
  chromeTrace,
  diagrama,
  leerLibro,
  libroNuevo,
  marca,
  marcado,
  type Objeto,
  pagina,
  partir,
  Traza,
} from "../threads/traza.ts";

/** ¿Se ejecuta en CI (CI=true)? La orden de test no da --allow-env: se lo pregunta a printenv. */
const enCI = (() => {
  try {
    const { stdout } = new Deno.Command("printenv", { args: ["CI"], stderr: "null" }).outputSync();
    return new TextDecoder().decode(stdout).trim() === "true";
  } catch {
    return false;
  }
})();

const NAVEGADOR = "chromium-headless-shell";
const ANCHO_VENTANA = 1024;
const hayNavegador = (() => {
  try {
    return new Deno.Command(NAVEGADOR, { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

/**
 * La página de carrera.ts en un núcleo: la escribe el primer test (la misma ejecución que
 * prueba la igualdad en un núcleo) y la abre en el navegador el último. Así carrera.ts no se
 * ejecuta una vez más solo para la página.
 */
let paginaDeCarrera: { html: string; faltan: number } | null = null;

/** `deno run --allow-read threads/<script> <args>`, con --allow-write=<fichero> si se pide. */
function conTraza(script: string, args: string[], escribir?: string): Promise<Resultado> {
  const permisos = ["--allow-read", ...(escribir ? [`--allow-write=${escribir}`] : [])];
  return ejecutar(["run", ...permisos, `threads/${script}`, ...args]);
}

/** Lo que falta en el contador de carrera.ts o lock.ts: esperado − contador. */
function loQueFalta(lineas: string[]): number {
  const linea = lineas.find((l) => l.startsWith("Contador: "));
  const m = linea?.match(/^Contador: (\d+) \(esperado (\d+)\)$/);
  assert.ok(m, lineas.join("\n"));
  return Number(m[2]) - Number(m[1]);
}

/** El número de «Sumas perdidas en la traza: N» (la última línea del diagrama). */
function perdidasDe(lineas: string[]): number {
  const m = lineas.at(-1)?.match(/^Sumas perdidas en la traza: (\d+)$/);
  assert.ok(m, lineas.slice(-5).join("\n"));
  return Number(m[1]);
}

/** El diagrama: desde la línea «Traza: ...» hasta el final. */
function diagramaDe(lineas: string[]): string[] {
  const inicio = lineas.findIndex((l) => /^Traza: \d+ sucesos de \d+ threads/.test(l));
  assert.ok(inicio > 0, lineas.join("\n"));
  return lineas.slice(inicio);
}

/** Cada línea del diagrama cabe en 100 columnas (un proyector). */
function cabeEnElProyector(diagrama: string[]) {
  for (const linea of diagrama) assert.ok([...linea].length <= 100, `más de 100: ${linea}`);
}

/** Una ejecución de carrera.ts --traza: las sumas perdidas de la traza = lo que falta. */
function comprobarCarrera(resultado: Resultado): number {
  assert.equal(resultado.code, 0, resultado.stderr);
  const faltan = loQueFalta(resultado.lineas);
  const diagrama = diagramaDe(resultado.lineas);
  assert.equal(perdidasDe(diagrama), faltan, diagrama.join("\n"));
  cabeEnElProyector(diagrama);
  // Cada carril, con su nombre de Python (partido en dos líneas si no cabe en su columna).
  assert.match(diagrama[1], /paso MainThread +Thread-1 \(task1\) +Thread-2 \(task2\) +Thread-3/);
  // Cada suma perdida, marcada en su carril: la primera está en el trozo dibujado.
  if (faltan > 0) assert.ok(diagrama.some((l) => /│ +⚠ (pisa|leyó)/.test(l)), diagrama.join("\n"));
  return faltan;
}

/** «Como mucho a la vez: 2 con semaforo, 1 con el Lock», de toda la traza: [objeto, n]. */
function aLaVez(diagrama: string[]): Map<string, number> {
  const linea = diagrama.find((l) => l.startsWith("Como mucho a la vez: ")) ?? "";
  return new Map(
    [...linea.matchAll(/(\d+) con ([^,]+)/g)].map((m) => [m[2], Number(m[1])]),
  );
}

/** Los ejemplos de threads/ (los que importan threading.ts y sus módulos), menos los módulos. */
function ejemplosDeThreads(): string[] {
  const modulos = ["threading.ts", "concurrent_futures.ts", "queue.ts", "traza.ts"];
  const carpeta = new URL("../threads/", import.meta.url);
  return [...Deno.readDirSync(carpeta)].map((e) => e.name).sort().filter((nombre) =>
    nombre.endsWith(".ts") && !modulos.includes(nombre) &&
    /from "\.\/(threading|concurrent_futures|queue)\.ts"/.test(
      Deno.readTextFileSync(new URL(nombre, carpeta)),
    )
  );
}

Deno.test("traza: cada ejemplo de threads con --traza (una ejecución cada uno): cabe en 100 columnas, y lo que cuenta es verdad", async () => {
  const ejemplos = ejemplosDeThreads();
  assert.ok(ejemplos.length >= 10, `${ejemplos}`);
  const argsDe: Record<string, string[]> = {
    // `--traza` sola seguida de otra opción: a la terminal.
    "carrera.ts": ["--traza", "--veces", "200"],
    "lock.ts": ["--veces", "100", "--traza"],
    "filosofos.ts": ["--interbloqueo", "--traza"],
    "procesos_hilos.ts": ["--limite", "10000", "--traza"],
    "web_locks.ts": ["--veces", "50", "--traza"],
    "lectores_escritores.ts": ["--lectores", "2", "--escritores", "1", "--veces", "2", "--traza"],
    "asincronia.ts": ["--veces", "10", "--traza"],
    // 2 pedidos: unos 34 sucesos, que caben enteros (36 filas), sea cual sea la primera espera.
    "cola.ts": ["--pedidos", "2", "--traza"],
    "productor_consumidor.ts": ["--elementos", "5", "--traza"],
  };
  const carpeta = await Deno.makeTempDir({ prefix: "traza_" });
  // asincronia.ts, con un fichero: no hay threads, así que no lo deja (ni vacío).
  const sinThreads = `${carpeta}/asincronia.html`;
  argsDe["asincronia.ts"] = ["--veces", "10", "--traza", sinThreads];
  const trabajos = ejemplos.map((nombre) => () => {
    const codigo = Deno.readTextFileSync(new URL(`../threads/${nombre}`, import.meta.url));
    const permisos = [
      "--allow-read",
      ...(codigo.includes("Deno.Command") ? ["--allow-run"] : []),
      ...(nombre === "asincronia.ts" ? [`--allow-write=${sinThreads}`] : []),
    ];
    return ejecutar(["run", ...permisos, `threads/${nombre}`, ...(argsDe[nombre] ?? ["--traza"])]);
  });
  // Y carrera.ts en un solo núcleo: la igualdad no depende de tener varios. Con navegador,
  // escribe la página que abre el último test (con la misma igualdad en su última línea).
  const pagina = `${carpeta}/carrera.html`;
  const orden = ["run", "--allow-read", "threads/carrera.ts", "--veces", "50", "--traza"];
  if (hayNavegador) {
    orden.splice(1, 0, `--allow-write=${pagina}`);
    orden.push(pagina);
  }
  if (hayTaskset) trabajos.push(() => ejecutarEnUnNucleo(orden));
  let resultados: Resultado[];
  let html = "";
  try {
    resultados = await deACuantas(2, trabajos);
    assert.ok(!existe(sinThreads), "asincronia.ts ha dejado un fichero sin traza");
    if (hayTaskset && hayNavegador) html = await Deno.readTextFile(pagina);
  } finally {
    await Deno.remove(carpeta, { recursive: true });
  }

  const de = new Map(ejemplos.map((nombre, i) => [nombre, resultados[i]]));
  for (const [nombre, r] of de) {
    assert.equal(r.code, 0, `${nombre}: ${r.stderr}`);
    if (nombre === "asincronia.ts") {
      // Sin threads: una frase, ni diagrama ni silencio.
      assert.equal(
        r.lineas.at(-1),
        "--traza dibuja threads, y este programa no ha arrancado ninguno (sus tareas async " +
          "se turnan en un solo hilo): no hay traza que dibujar.",
      );
      continue;
    }
    const dibujo = diagramaDe(r.lineas);
    cabeEnElProyector(dibujo);
    assert.match(dibujo[1], /^ paso [A-Za-z]/, nombre);
    // Lo impreso, en el orden de la salida: las líneas «imprime «X»» del diagrama (las que caben
    // enteras en una fila) salen en la salida del programa en ese mismo orden.
    const salida = r.lineas.slice(0, r.lineas.findIndex((l) => /^Traza: \d+ sucesos/.test(l)));
    const impresos = dibujo.flatMap((l) =>
      [...l.matchAll(/imprime «(.*?)»(?= *(?:│|$))/g)].map((m) => m[1])
    );
    let vistos = 0;
    for (const linea of salida) if (linea === impresos[vistos]) vistos++;
    assert.equal(vistos, impresos.length, `${nombre}: la traza y la salida, en otro orden`);
    // Siete threads (el principal, 4 lectores y 2 escritores) caben todos en 100 columnas.
    if (nombre === "lectores_escritores.ts") {
      assert.ok(!dibujo.some((l) => l.startsWith("Carriles que no caben")), dibujo.join("\n"));
    }
    // Un objeto creado dentro de otro (`huecos: new Semaphore(3)`) se llama como su propiedad.
    if (nombre === "productor_consumidor.ts") {
      assert.ok(dibujo.some((l) => / (huecos|elementos)\b/.test(l)), dibujo.join("\n"));
      assert.ok(!dibujo.some((l) => l.includes("Semaphore[")), dibujo.join("\n"));
    }
    // Las sumas perdidas, solo si algún thread escribe un Value (si no, no hay sumas que perder).
    const escribe = dibujo.some((l) => / sucesos: .*\bescribe \d+/.test(l));
    if (!escribe) {
      assert.ok(!dibujo.some((l) => l.startsWith("Sumas perdidas")), `${nombre}: sin Value`);
    } else if (nombre !== "carrera.ts") {
      assert.equal(perdidasDe(dibujo), 0, `${nombre}:\n${dibujo.join("\n")}`);
    }
  }

  // carrera.ts: las sumas perdidas de la traza son las que faltan al contador (también en un núcleo).
  const vistas = [comprobarCarrera(de.get("carrera.ts")!)];
  if (hayTaskset && hayNavegador) {
    const unNucleo = resultados.at(-1)!;
    assert.equal(unNucleo.code, 0, unNucleo.stderr);
    const faltan = loQueFalta(unNucleo.lineas);
    assert.ok(unNucleo.lineas.includes(`Sumas perdidas en la traza: ${faltan}`), unNucleo.stdout);
    assert.equal(unNucleo.lineas.at(-1), `Traza escrita en ${pagina}: ábrela en el navegador.`);
    paginaDeCarrera = { html, faltan };
    vistas.push(faltan);
  } else if (hayTaskset) vistas.push(comprobarCarrera(resultados.at(-1)!));
  assert.ok(vistas.some((n) => n > 0), `ninguna suma perdida: ${vistas}`);

  // lock.ts: ninguna perdida y, en toda la traza, nunca dos con el Lock.
  const lock = diagramaDe(de.get("lock.ts")!.lineas);
  assert.equal(loQueFalta(de.get("lock.ts")!.lineas), 0);
  assert.equal(aLaVez(lock).get("el Lock"), 1, lock.join("\n"));

  // semaforo.ts: como mucho 2 dentro (y se llega a 2); el trozo es el de la primera espera.
  const semaforo = diagramaDe(de.get("semaforo.ts")!.lineas);
  assert.equal(aLaVez(semaforo).get("semaforo"), 2, semaforo.join("\n"));
  assert.ok(semaforo.some((l) => l.includes("espera semaforo")), semaforo.join("\n"));
  const quedan = semaforo.flatMap((l) => [...l.matchAll(/semaforo \(quedan (-?\d+)\)/g)])
    .map((m) => Number(m[1]));
  assert.ok(quedan.every((n) => n >= 0 && n <= 2), `${quedan}`);

  // Barrier, Queue y Event: lo que el alumno llamó, no los pasos de dentro (su Lock, su
  // Condition...). Las etiquetas largas del último carril se parten: se mira el trozo que cabe.
  const barrera = diagramaDe(de.get("barrera.ts")!.lineas);
  const cola = diagramaDe(de.get("cola.ts")!.lineas);
  const evento = diagramaDe(de.get("evento.ts")!.lineas);
  for (
    const [dibujo, nombre] of [[barrera, "barrera"], [cola, "cola"], [evento, "evento"]] as const
  ) {
    const texto = dibujo.join("\n");
    assert.doesNotMatch(texto, /\.(lock|condition)\b|aviso|avisa|despierta/, nombre);
    // evento.ts usa además un Semaphore suyo (listos): ese sí se coge y se suelta.
    if (nombre !== "evento") assert.doesNotMatch(texto, /coge|suelta|Como mucho a la vez/, nombre);
  }
  const hay = (dibujo: string[], patron: RegExp) => dibujo.some((l) => patron.test(l));
  assert.ok(hay(barrera, /│ *llega a la barrera/), barrera.join("\n"));
  assert.ok(hay(barrera, /\(faltan 2\)/), barrera.join("\n"));
  // «(es el último)» entero, o partido al final de la línea si el último está en un carril
  // estrecho (llegar el último es una carrera: puede ser cualquiera).
  assert.ok(hay(barrera, /\(es el( último\)|$)/), barrera.join("\n"));
  assert.ok(hay(barrera, /pasa la barrera \(fase 1\)/), barrera.join("\n"));
  // La acción de la Barrier es código del alumno: su Value se anota.
  assert.ok(hay(barrera, /escribe fase = 2/), barrera.join("\n"));
  // El productor (segundo carril: le cabe la etiqueta entera) pone un pedido.
  assert.ok(hay(cola, /│ +pone «\{ numero: \d, plato: "\w+" \}» en la cola *│/), cola.join("\n"));
  assert.ok(hay(cola, /saca «(\{ numero: \d,)?/), cola.join("\n"));
  // Si alguien esperó (los totales lo cuentan), el trozo empieza por la primera espera.
  if (hay(cola, /^ {2}\S.*sucesos: .*espera \d/)) {
    assert.ok(hay(cola, /espera: la cola está( (llena|vacía))?$/), cola.join("\n"));
  }
  assert.ok(hay(cola, /pone «\d por Consumidor/), cola.join("\n")); // la otra cola, hechos
  assert.equal(evento.filter((l) => /^ +\d+ pone el evento salida /.test(l)).length, 1);
  assert.equal(
    evento.filter((l) => /sigue: el evento salida/.test(l)).length,
    3,
    evento.join("\n"),
  );

  // filosofos.ts --interbloqueo: el círculo de los 5, con los tenedores como los cuenta él.
  const filosofos = diagramaDe(de.get("filosofos.ts")!.lineas);
  const inicio = filosofos.indexOf(
    "Interbloqueo: un círculo de 5 threads, cada uno espera lo que tiene el siguiente:",
  );
  assert.ok(inicio > 0, filosofos.join("\n"));
  assert.deepEqual(filosofos.slice(inicio + 1, inicio + 6), [
    "  filosofo1 espera tenedor 2, que tiene filosofo2",
    "  filosofo2 espera tenedor 3, que tiene filosofo3",
    "  filosofo3 espera tenedor 4, que tiene filosofo4",
    "  filosofo4 espera tenedor 5, que tiene filosofo5",
    "  filosofo5 espera tenedor 1, que tiene filosofo1",
  ]);
  // Los mismos nombres que imprime el ejemplo («Filósofo 1: tiene el tenedor 1 y espera el 2»).
  assert.ok(
    de.get("filosofos.ts")!.lineas.includes("Filósofo 1: tiene el tenedor 1 y espera el 2"),
  );
  for (let f = 1; f <= 5; f++) {
    assert.ok(filosofos.some((l) => l.includes(`espera tenedor ${f % 5 + 1}`)), `filosofo${f}`);
  }
});

/** ¿Existe `fichero`? */
function existe(fichero: string): boolean {
  try {
    Deno.statSync(fichero);
    return true;
  } catch {
    return false;
  }
}

/** Ejecuta `tareas` de `cuantas` en `cuantas` a la vez: cada proceso de Deno cuesta CPU. */
async function deACuantas<T>(cuantas: number, tareas: (() => Promise<T>)[]): Promise<T[]> {
  const resultados: T[] = new Array(tareas.length);
  let siguiente = 0;
  await Promise.all(Array.from({ length: cuantas }, async () => {
    while (siguiente < tareas.length) {
      const i = siguiente++;
      resultados[i] = await tareas[i]();
    }
  }));
  return resultados;
}

Deno.test("traza: los errores, con una frase y antes de ejecutar nada; Ctrl+C dibuja lo anotado", async () => {
  // La traza de la vez anterior: -h (o un error de uso) no la vacía.
  const anterior = await Deno.makeTempFile({ prefix: "traza_", suffix: ".html" });
  await Deno.writeTextFile(anterior, "la traza de la vez anterior");
  const bloqueada = new EnMarcha([
    "run",
    "--allow-read",
    "tests/fixtures/traza_bloqueada.ts",
    "--traza",
  ]);
  const [extension, sinPermiso, sinCarpeta, ayuda] = await Promise.all([
    conTraza("carrera.ts", ["--traza=traza.txt"]),
    conTraza("carrera.ts", ["--traza", "traza.html"]),
    conTraza("carrera.ts", ["--traza=carpeta_que_no_existe/x.html"], "carpeta_que_no_existe"),
    conTraza("carrera.ts", ["--traza", anterior, "-h"], anterior),
  ]);
  const queda = await Deno.readTextFile(anterior);
  await Deno.remove(anterior);
  assert.equal(extension.code, 2);
  assert.equal(
    extension.stderr,
    "--traza debe ser un fichero .html o .json (no «traza.txt»).\n" +
      "Uso: deno run --allow-read threads/carrera.ts --traza[=archivo.html|archivo.json]\n",
  );
  assert.equal(extension.stdout, "");
  assert.equal(sinPermiso.code, 1);
  assert.equal(
    sinPermiso.stderr,
    "No hay permiso para escribir traza.html. Ejecuta: deno run --allow-read " +
      "--allow-write=traza.html threads/carrera.ts --traza traza.html\n",
  );
  assert.equal(sinPermiso.stdout, ""); // se dice antes de ejecutar nada
  assert.equal(sinCarpeta.code, 1);
  assert.equal(
    sinCarpeta.stderr,
    "No se puede escribir carpeta_que_no_existe/x.html: no existe la carpeta " +
      "carpeta_que_no_existe.\n",
  );
  assert.equal(sinCarpeta.stdout, "");
  // -h con --traza: la ayuda de siempre, sin diagrama.
  assert.equal(ayuda.code, 0);
  assert.match(ayuda.stdout, /^Uso: deno run --allow-read threads\/carrera\.ts /);
  assert.doesNotMatch(ayuda.stdout, /Traza|traza que dibujar/);
  assert.equal(queda, "la traza de la vez anterior");

  // Ctrl+C con el principal bloqueado en acquire(): la traza hasta ahí y el código de Ctrl+C.
  assert.ok(await bloqueada.hastaTexto("Principal: espero el Lock"), bloqueada.lineas.join("\n"));
  const parada = await bloqueada.parar("SIGINT");
  assert.equal(parada.code, 130, parada.stderr);
  assert.equal(parada.stderr, "");
  const dibujo = diagramaDe(parada.lineas);
  assert.ok(
    parada.lineas.includes("Interrumpido con Ctrl+C: la traza de lo que pasó hasta entonces."),
  );
  assert.ok(dibujo.some((l) => /^ +\d+ espera el Lock/.test(l)), dibujo.join("\n"));
  assert.ok(dibujo.some((l) => /^ +\d+ Ctrl\+C: se interrumpe/.test(l)), dibujo.join("\n"));
});

// ----- Lo que se deduce de una traza, con trazas hechas a mano ----------------------------

/** Un libro con los sucesos de `pasos`: [thread, "lee" | "escribe", valor, había]. */
function hecha(pasos: [number, "lee" | "escribe", number, number?][], limite = 100) {
  const libro = libroNuevo(limite);
  const threads = new Map<number, Traza>();
  const contador: Objeto = { indice: 0 };
  for (const [hilo, tipo, valor, habia = 0] of pasos) {
    if (!threads.has(hilo)) threads.set(hilo, new Traza(libro, hilo));
    threads.get(hilo)!.anotar(tipo, contador, valor, habia);
  }
  const objetos = new Map([[0, { tipo: "Value", nombre: "contador" }]]);
  return analizar(leerLibro(libro), ["MainThread", "A", "B", "C"], objetos, limite);
}

Deno.test("traza: las sumas perdidas son las escrituras fuera de la cadena del valor final", () => {
  // A y B leen 5; B escribe 6; A escribe 6 encima: se pierde la de B.
  let a = hecha([[1, "lee", 5], [2, "lee", 5], [2, "escribe", 6, 5], [1, "escribe", 6, 6]]);
  assert.equal(a.perdidas, 1);
  assert.deepEqual(a.sucesos[3].pisa, { cuantas: 1, de: [2] });
  assert.equal(diagrama(a).at(-1), "Sumas perdidas en la traza: 1");
  assert.ok(diagrama(a).some((l) => l.includes("⚠ pisa la suma de B")));

  // A, B y C leen 5; B escribe 6; C escribe 6 (pisa la de B); A escribe 6 (pisa la de C): 2,
  // no 3 (la de B no se pierde dos veces).
  a = hecha([
    [1, "lee", 5],
    [2, "lee", 5],
    [3, "lee", 5],
    [2, "escribe", 6, 5],
    [3, "escribe", 6, 6],
    [1, "escribe", 6, 6],
  ]);
  assert.equal(a.perdidas, 2);

  // B escribe 6 y A lo lee; C (que leyó 5) escribe 6 encima; A escribe 7 sobre lo que leyó
  // (el 6 de B): la cadena final es B -> A, y la que se pierde es la de C.
  a = hecha([
    [1, "lee", 5],
    [2, "lee", 5],
    [3, "lee", 5],
    [2, "escribe", 6, 5],
    [1, "lee", 6],
    [3, "escribe", 6, 6],
    [1, "escribe", 7, 6],
  ]);
  assert.equal(a.perdidas, 1);
  assert.deepEqual(a.sucesos[6].pisa, { cuantas: 1, de: [3] });

  // Una escritura que va hacia atrás: A lee 12; B sube a 13, 14, 15 y 16; A escribe 13. Se
  // pierden las 4 de B, y la de A lleva ⚠ con lo que leyó y lo que ya había.
  a = hecha([
    [1, "lee", 12],
    [2, "lee", 12],
    [2, "escribe", 13, 12],
    [2, "lee", 13],
    [2, "escribe", 14, 13],
    [2, "lee", 14],
    [2, "escribe", 15, 14],
    [2, "lee", 15],
    [2, "escribe", 16, 15],
    [1, "escribe", 13, 16],
  ]);
  assert.equal(a.perdidas, 4);
  assert.equal(marca(a, a.sucesos[9]), "⚠ pisa 4 sumas de B: leyó 12, pero ya valía 16");
  // Toda escritura basada en una lectura vieja lleva ⚠, aunque la suma que se pierde se
  // apunte a otra: A escribe 6 sobre el 6 de B (pisa la de B)...; C leyó 5 y escribe 6 encima.
  a = hecha([
    [1, "lee", 5],
    [2, "lee", 5],
    [3, "lee", 5],
    [2, "escribe", 6, 5],
    [1, "escribe", 6, 6],
    [3, "escribe", 6, 6],
  ]);
  assert.ok(a.sucesos.slice(4).every(marcado), JSON.stringify(a.sucesos.slice(4)));

  // Con un Lock de por medio (leer y escribir seguidos): ninguna.
  a = hecha([[1, "lee", 0], [1, "escribe", 1, 0], [2, "lee", 1], [2, "escribe", 2, 1]]);
  assert.equal(a.perdidas, 0);
});

Deno.test("traza: con más sucesos de los que caben, se dice cuántos no se anotaron", () => {
  const pasos: [number, "lee" | "escribe", number, number][] = [];
  for (let i = 0; i < 15; i++) pasos.push([1, "lee", i, 0], [1, "escribe", i + 1, i]);
  const a = hecha(pasos, 10);
  assert.equal(a.sucesos.length, 10);
  assert.equal(a.descartados, 20);
  assert.ok(
    diagrama(a).includes(
      "No se anotaron 20 sucesos (caben 10): el dibujo y las cuentas son de los primeros.",
    ),
    diagrama(a).join("\n"),
  );
});

// ----- La página, en un navegador de verdad -----------------------------------------------

/**
 * Abre `pagina` en Chromium sin ventana: devuelve el DOM ya dibujado y una captura (PNG) de
 * 1024 x 768 (un proyector). Sin red: la página no debe necesitarla.
 */
async function abrir(pagina: string, carpeta: string): Promise<{ dom: string; png: Uint8Array }> {
  const captura = `${carpeta}/captura-${crypto.randomUUID()}.png`;
  const { success, stdout, stderr } = await new Deno.Command(NAVEGADOR, {
    args: [
      "--no-sandbox",
      "--disable-gpu",
      // Sin --single-process: ahorra CPU, pero con el equipo cargado Chromium a veces acaba con
      // «Trace/breakpoint trap» después de escribir la captura.
      `--user-data-dir=${carpeta}/perfil-${crypto.randomUUID()}`,
      `--window-size=${ANCHO_VENTANA},768`,
      `--screenshot=${captura}`,
      "--dump-dom",
      new URL(`file://${pagina}`).href,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(success, new TextDecoder().decode(stderr));
  return { dom: new TextDecoder().decode(stdout), png: await Deno.readFile(captura) };
}

/** Los píxeles de un PNG (8 bits, RGB o RGBA, sin entrelazar): [ancho, alto, rgba]. */
async function pixeles(png: Uint8Array): Promise<[number, number, Uint8Array]> {
  const vista = new DataView(png.buffer, png.byteOffset);
  const ancho = vista.getUint32(16);
  const alto = vista.getUint32(20);
  const [bits, color] = [png[24], png[25]];
  assert.ok(bits === 8 && (color === 2 || color === 6), `PNG de ${bits} bits, color ${color}`);
  const trozos: Uint8Array[] = [];
  for (let i = 8; i < png.length;) {
    const largo = vista.getUint32(i);
    const tipo = new TextDecoder().decode(png.subarray(i + 4, i + 8));
    if (tipo === "IDAT") trozos.push(png.subarray(i + 8, i + 8 + largo));
    i += 12 + largo;
  }
  const datos = new Uint8Array(
    await new Response(
      new Blob(trozos.map((t) => t.slice())).stream().pipeThrough(
        new DecompressionStream("deflate"),
      ),
    )
      .arrayBuffer(),
  );
  // Cada fila lleva delante su filtro (0 a 4): se deshace con la fila de arriba. Un bucle por
  // filtro (y no un if por byte): la captura tiene 2,4 millones de bytes.
  const bpp = color === 6 ? 4 : 3;
  const fila = ancho * bpp;
  const salida = new Uint8Array(alto * fila);
  const cero = new Uint8Array(fila); // la fila de arriba de la primera
  for (let y = 0; y < alto; y++) {
    const filtro = datos[y * (fila + 1)];
    const linea = datos.subarray(y * (fila + 1) + 1, (y + 1) * (fila + 1));
    const arriba = y > 0 ? salida.subarray((y - 1) * fila, y * fila) : cero;
    const fuera = salida.subarray(y * fila, (y + 1) * fila);
    if (filtro === 0) fuera.set(linea);
    else if (filtro === 1) {
      for (let x = 0; x < fila; x++) fuera[x] = linea[x] + (x >= bpp ? fuera[x - bpp] : 0);
    } else if (filtro === 2) {
      for (let x = 0; x < fila; x++) fuera[x] = linea[x] + arriba[x];
    } else if (filtro === 3) {
      for (let x = 0; x < fila; x++) {
        fuera[x] = linea[x] + (((x >= bpp ? fuera[x - bpp] : 0) + arriba[x]) >> 1);
      }
    } else {
      for (let x = 0; x < fila; x++) {
        const a = x >= bpp ? fuera[x - bpp] : 0;
        const b = arriba[x];
        const c = x >= bpp ? arriba[x - bpp] : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        fuera[x] = linea[x] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
    }
  }
  const rgba = new Uint8Array(ancho * alto * 4);
  for (let i = 0; i < ancho * alto; i++) {
    rgba.set(salida.subarray(i * bpp, i * bpp + 3), i * 4);
    rgba[i * 4 + 3] = 255;
  }
  return [ancho, alto, rgba];
}

/** Un interbloqueo hecho a mano: cada uno de 5 threads coge su tenedor y espera el siguiente. */
function interbloqueo() {
  const libro = libroNuevo(100);
  const threads = [1, 2, 3, 4, 5].map((h) => new Traza(libro, h));
  threads.forEach((t, i) => t.anotar("coge", { indice: i }));
  threads.forEach((t, i) => t.anotar("espera", { indice: (i + 1) % 5 }));
  const objetos = new Map(
    [0, 1, 2, 3, 4].map((i) => [i, { tipo: "Lock", nombre: `tenedor ${i + 1}` }]),
  );
  const nombres = ["MainThread", ...[1, 2, 3, 4, 5].map((f) => `filosofo${f}`)];
  return analizar(leerLibro(libro), nombres, objetos, 100);
}

Deno.test("traza: en la página, un Lock tenido o una plaza ocupada desde antes del trozo se ve desde su primera fila", () => {
  // Thread 1 y 2 ocupan las 2 plazas; el principal duerme 100 veces; el 3 espera; el 1 suelta.
  const libro = libroNuevo(1000);
  const [principal, t1, t2, t3] = [0, 1, 2, 3].map((h) => new Traza(libro, h));
  const semaforo = { indice: 0 };
  const lock = { indice: 1 };
  t1.anotar("coge", semaforo, 1);
  t2.anotar("coge", semaforo, 0);
  t2.anotar("coge", lock);
  for (let i = 0; i < 100; i++) principal.anotar("duerme", null, 0.01);
  t3.anotar("espera", semaforo);
  for (let i = 0; i < 10; i++) principal.anotar("duerme", null, 0.01);
  t1.anotar("suelta", semaforo, 1);
  t3.anotar("coge", semaforo, 0);
  for (let i = 0; i < 100; i++) principal.anotar("duerme", null, 0.01);
  const objetos = new Map([
    [0, { tipo: "Semaphore", nombre: "semaforo" }],
    [1, { tipo: "Lock", nombre: "lock" }],
  ]);
  const nombres = ["MainThread", "tarea1", "tarea2", "tarea3"];
  const html = pagina(analizar(leerLibro(libro), nombres, objetos, 1000));
  const arriba = html.slice(html.indexOf('id="trozo"'), html.indexOf('id="todo"'));
  const barras = [...arriba.matchAll(/<rect class="(\w+)"[^>]*><title>([^<]*)</g)]
    .map(([, clase, titulo]) => `${clase}: ${titulo}`).sort();
  assert.deepEqual(barras, [
    "espera: tarea3 espera semaforo",
    "lock: tarea2 tiene el Lock (sigue tras la última fila)",
    "plaza: tarea1 tiene semaforo",
    "plaza: tarea2 tiene semaforo (sigue tras la última fila)",
    "plaza: tarea3 tiene semaforo (sigue tras la última fila)",
  ]);
});

Deno.test("traza: la página y Chrome Trace de un interbloqueo; el texto partido en su carril", () => {
  const a = interbloqueo();
  const html = pagina(a);
  // Todo en un fichero: nada que cargar de fuera (ni src=, ni href= que no sea #...).
  assert.doesNotMatch(html, /\s(src|href)="(?!#)/);
  assert.match(html, /<h2>Interbloqueo<\/h2>/);
  const ciclo = html.slice(html.indexOf('class="ciclo"'));
  for (let n = 1; n <= 5; n++) assert.match(ciclo, new RegExp(`>filosofo${n}<`));
  for (let t = 1; t <= 5; t++) assert.match(ciclo, new RegExp(`>tenedor ${t}<`));
  assert.ok(html.includes("filosofo5 espera tenedor 1, que tiene filosofo1"));
  // 6 carriles caben en 1024 px (menos los márgenes de 16 px y una barra vertical de 15).
  for (const [, px] of html.matchAll(/class="carriles" id="\w+" style="width:(\d+)px"/g)) {
    assert.ok(Number(px) <= 1024 - 32 - 15, `${px} px`);
  }

  const json = JSON.parse(chromeTrace(a));
  const hilos = json.traceEvents.filter((e: { ph: string }) => e.ph === "M")
    .map((e: { args: { name: string } }) => e.args.name);
  assert.deepEqual(hilos, a.nombres);
  assert.equal(json.traceEvents.filter((e: { cat: string }) => e.cat === "espera").length, 5);

  assert.deepEqual(partir("imprime «Filósofo 1: tiene el tenedor 1»", 14, 3), [
    "imprime",
    "«Filósofo 1:",
    "tiene el…",
  ]);
});

Deno.test({
  name: hayNavegador || enCI
    ? "traza: la página de carrera, en Chromium a 1024 px: carriles, sumas perdidas, sin barra horizontal"
    : `traza: la página en un navegador (se salta: no hay ${NAVEGADOR}; apt-get install ${NAVEGADOR})`,
  ignore: !hayNavegador && !enCI,
  async fn() {
    assert.ok(hayNavegador, `en CI hace falta ${NAVEGADOR}: .ci/run lo instala con apt-get`);
    const carpeta = await Deno.makeTempDir({ prefix: "traza_" });
    try {
      // `--traza archivo.html`, con espacio: como `--traza=archivo.html`. La escribió el primer
      // test en un núcleo; si no se ha ejecutado (--filter, o sin taskset), se escribe aquí.
      const carrera = `${carpeta}/carrera.html`;
      if (paginaDeCarrera) await Deno.writeTextFile(carrera, paginaDeCarrera.html);
      else {
        const c = await conTraza("carrera.ts", ["--veces", "50", "--traza", carrera], carrera);
        assert.equal(c.code, 0, c.stderr);
        const faltan = loQueFalta(c.lineas);
        assert.ok(c.lineas.includes(`Sumas perdidas en la traza: ${faltan}`), c.stdout);
        paginaDeCarrera = { html: "", faltan };
      }
      const { faltan } = paginaDeCarrera;

      // Un solo Chromium: el DOM ya dibujado y una captura, en una ventana de 1024 px.
      const { dom, png } = await abrir(carrera, carpeta);
      // Un carril por thread, en el dibujo de toda la ejecución (arriba está el del trozo).
      const carriles = [
        ...dom.slice(dom.indexOf('id="todo"')).matchAll(
          /class="carril"[^>]*>([^<]*)</g,
        ),
      ].map((m) => m[1]);
      assert.deepEqual(carriles, [
        "MainThread",
        "Thread-1 (task1)",
        "Thread-2 (task2)",
        "Thread-3 (sumar)",
        "Thread-4 (sumar)",
      ]);
      assert.match(dom, new RegExp(`>Sumas perdidas: ${faltan}<`));
      if (faltan > 0) assert.match(dom, /class="suceso pisa"/);
      // Sin barra de desplazamiento horizontal: lo que mide la página, según Chromium.
      const ancho = Number(dom.match(/data-ancho="(\d+)"/)?.[1]);
      assert.ok(ancho > 0 && ancho <= ANCHO_VENTANA, `la página mide ${ancho} px`);
      // Ningún texto de los carriles se sale del dibujo (el valor escrito, al borde derecho).
      assert.equal(dom.match(/data-sobresalen="(\d+)"/)?.[1], "0", "textos que se salen");
      // Un texto acortado no pierde el valor escrito: «escribe cont… = 9», no «escribe cont…».
      const escribe = [...dom.matchAll(/class="etiqueta"[^>]*>(escribe [^<]*)</g)].map((m) => m[1]);
      assert.ok(escribe.length > 0, "ningún «escribe» en la página");
      assert.deepEqual(escribe.filter((e) => !/ = \d+$/.test(e)), [], "un «escribe» sin su valor");

      // La captura no está en blanco: mucho texto negro, y el bermellón de las sumas perdidas.
      const [anchoPng, alto, rgba] = await pixeles(png);
      assert.deepEqual([anchoPng, alto], [ANCHO_VENTANA, 768]);
      let oscuros = 0;
      let rojos = 0;
      for (let i = 0; i < rgba.length; i += 4) {
        const r = rgba[i], g = rgba[i + 1], b = rgba[i + 2];
        if (r + g + b < 200) oscuros++;
        if (Math.abs(r - 0xd5) < 12 && Math.abs(g - 0x5e) < 12 && b < 20) rojos++;
      }
      assert.ok(oscuros > anchoPng * alto * 0.01, `casi en blanco: ${oscuros} píxeles oscuros`);
      if (faltan > 0) assert.ok(rojos > 100, `sin el bermellón de las sumas perdidas: ${rojos}`);
    } finally {
      await Deno.remove(carpeta, { recursive: true });
    }
  },
});
