// --traza (threads/traza.ts): lo que dibuja es la verdad. En carrera.ts, las sumas perdidas que
// encuentra en la traza son justo las que le faltan al contador, en cada ejecución y también en
// un solo núcleo; en lock.ts, ninguna, y nunca dos threads con el Lock; en semaforo.ts, nunca
// más de 2 dentro; en filosofos.ts --interbloqueo, el círculo de los 5. La página, abierta en
// un navegador de verdad (chromium-headless-shell de Debian): un carril por thread, las sumas
// perdidas, y una captura que no está en blanco. Sin navegador se salta, salvo en CI (CI=true).

import assert from "node:assert/strict";
import { ejecutar, ejecutarEnUnNucleo, hayTaskset, type Resultado } from "./ayuda.ts";
import { analizar, diagrama, leerLibro, libroNuevo, type Objeto, Traza } from "../threads/traza.ts";

/** ¿Se ejecuta en CI (CI=true)? La orden de test no da --allow-env: se lo pregunta a printenv. */
const enCI = (() => {
  try {
    const { stdout } = new Deno.Command("printenv", { args: ["CI"], stderr: "null" }).outputSync();
    return new TextDecoder().decode(stdout).trim() === "true";
  } catch {
    return false;
  }
})();

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
  // Cada carril, con su nombre de Python; la primera suma perdida, marcada en su carril.
  assert.match(diagrama[1], /paso MainThread +Thread-1 \(task1\) +Thread-2 \(task2\) +Thread-3/);
  if (faltan > 0) assert.ok(diagrama.some((l) => / ⚠ pisa .*Thread-[34] \(sumar\)/.test(l)));
  return faltan;
}

Deno.test("traza: en carrera.ts, las sumas perdidas de la traza son las que faltan al contador", async () => {
  // 4 ejecuciones, de 2 en 2 (y 3 más en un núcleo, y la de la página): la igualdad tiene que
  // salir en todas, no es cuestión de suerte.
  const vistas: number[] = [];
  for (let tanda = 0; tanda < 2; tanda++) {
    const resultados = await Promise.all(
      [1, 2].map(() => conTraza("carrera.ts", ["--veces", "200", "--traza"])),
    );
    vistas.push(...resultados.map(comprobarCarrera));
  }
  assert.ok(vistas.some((n) => n > 0), `ninguna suma perdida: ${vistas}`);
});

Deno.test({
  name: "traza: en un solo núcleo (taskset -c 0), también las sumas perdidas = lo que falta",
  ignore: !hayTaskset,
  async fn() {
    const orden = ["run", "--allow-read", "threads/carrera.ts", "--veces", "200", "--traza"];
    const resultados = await Promise.all([1, 2, 3].map(() => ejecutarEnUnNucleo(orden)));
    const vistas = resultados.map(comprobarCarrera);
    assert.ok(vistas.some((n) => n > 0), `ninguna suma perdida: ${vistas}`);
  },
});

/** Los sucesos de un fichero Chrome Trace, en el orden de la traza (su paso). */
interface Instante {
  ph: string;
  name: string;
  cat: string;
  tid: number;
  ts: number;
  args: { paso: number; objeto: string | null; valor: number; name?: string };
}

async function leerJson(fichero: string): Promise<{ eventos: Instante[]; hilos: string[] }> {
  const json = JSON.parse(await Deno.readTextFile(fichero));
  assert.ok(Array.isArray(json.traceEvents));
  const todos = json.traceEvents as Instante[];
  for (const e of todos) {
    assert.ok(["M", "i", "X"].includes(e.ph), e.ph);
    if (e.ph !== "M") assert.ok(Number.isFinite(e.ts) && e.ts >= 0, JSON.stringify(e));
  }
  const hilos = todos.filter((e) => e.ph === "M" && e.name === "thread_name")
    .map((e) => e.args.name!);
  const eventos = todos.filter((e) => e.ph === "i").sort((a, b) => a.args.paso - b.args.paso);
  return { eventos, hilos };
}

/** Cuántos tienen `objeto` a la vez, como mucho, recorriendo la traza entera. */
function maximoDentro(eventos: Instante[], objeto: string): number {
  let dentro = 0;
  let maximo = 0;
  for (const e of eventos.filter((e) => e.args.objeto === objeto)) {
    if (e.cat === "coge") dentro++;
    if (e.cat === "suelta") dentro--;
    assert.ok(dentro >= 0, `paso ${e.args.paso}: suelta sin coger`);
    maximo = Math.max(maximo, dentro);
  }
  return maximo;
}

Deno.test("traza: en lock.ts, ninguna suma perdida y nunca dos threads con el Lock", async () => {
  const carpeta = await Deno.makeTempDir({ prefix: "traza_" });
  try {
    const fichero = `${carpeta}/lock.json`;
    const [terminal, json] = await Promise.all([
      conTraza("lock.ts", ["--veces", "100", "--traza"]),
      conTraza("lock.ts", ["--veces", "300", `--traza=${fichero}`], fichero),
    ]);
    assert.equal(terminal.code, 0, terminal.stderr);
    assert.equal(loQueFalta(terminal.lineas), 0);
    const dibujo = diagramaDe(terminal.lineas);
    assert.equal(perdidasDe(dibujo), 0);
    cabeEnElProyector(dibujo);
    // En el trozo dibujado, entre «coge el Lock» y «suelta el Lock» nadie más lo coge.
    let quien: number | null = null;
    for (const fila of dibujo) {
      const carril = (texto: string) => Math.floor((fila.indexOf(texto) - 6) / 18);
      if (fila.includes("coge el Lock")) {
        assert.equal(quien, null, `dos con el Lock: ${fila}`);
        quien = carril("coge el Lock");
      }
      if (fila.includes("suelta el Lock")) {
        if (quien !== null) assert.equal(carril("suelta el Lock"), quien, fila);
        quien = null;
      }
    }

    assert.equal(json.code, 0, json.stderr);
    assert.ok(json.lineas.includes("Sumas perdidas en la traza: 0"), json.stdout);
    assert.ok(json.lineas.at(-1)!.startsWith(`Traza escrita en ${fichero}`), json.stdout);
    const { eventos, hilos } = await leerJson(fichero);
    assert.deepEqual(hilos, [
      "MainThread",
      "Thread-1 (task1)",
      "Thread-2 (task2)",
      "Thread-3 (sumar)",
      "Thread-4 (sumar)",
    ]);
    assert.equal(maximoDentro(eventos, "lock"), 1); // en la traza entera, uno como mucho
    assert.equal(eventos.filter((e) => e.cat === "coge").length, 2 + 2 * 300);
    assert.equal(eventos.filter((e) => e.name.includes("⚠")).length, 0);
  } finally {
    await Deno.remove(carpeta, { recursive: true });
  }
});

Deno.test("traza: en semaforo.ts, nunca más de 2 dentro (y se llega a 2)", async () => {
  const carpeta = await Deno.makeTempDir({ prefix: "traza_" });
  try {
    const fichero = `${carpeta}/semaforo.json`;
    const [terminal, json] = await Promise.all([
      conTraza("semaforo.ts", ["--traza"]),
      conTraza("semaforo.ts", [`--traza=${fichero}`], fichero),
    ]);
    assert.equal(terminal.code, 0, terminal.stderr);
    const dibujo = diagramaDe(terminal.lineas);
    cabeEnElProyector(dibujo);
    assert.equal(perdidasDe(dibujo), 0);
    // El trozo dibujado es el de la primera espera; las plazas que quedan, siempre de 0 a 2.
    assert.ok(dibujo.some((l) => l.includes("espera semaforo")), dibujo.join("\n"));
    const quedan = dibujo.flatMap((l) => [...l.matchAll(/semaforo \(quedan (-?\d+)\)/g)])
      .map((m) => Number(m[1]));
    assert.ok(quedan.every((n) => n >= 0 && n <= 2), `${quedan}`);

    assert.equal(json.code, 0, json.stderr);
    const { eventos } = await leerJson(fichero);
    assert.equal(maximoDentro(eventos, "semaforo"), 2);
  } finally {
    await Deno.remove(carpeta, { recursive: true });
  }
});

Deno.test("traza: filosofos.ts --interbloqueo dibuja el círculo de los 5", async () => {
  const resultado = await conTraza("filosofos.ts", ["--interbloqueo", "--traza"]);
  assert.equal(resultado.code, 0, resultado.stderr);
  const dibujo = diagramaDe(resultado.lineas);
  cabeEnElProyector(dibujo);
  const inicio = dibujo.indexOf(
    "Interbloqueo: un círculo de 5 threads, cada uno espera lo que tiene el siguiente:",
  );
  assert.ok(inicio > 0, dibujo.join("\n"));
  assert.deepEqual(dibujo.slice(inicio + 1, inicio + 6), [
    "  filosofo1 espera tenedores[1], que tiene filosofo2",
    "  filosofo2 espera tenedores[2], que tiene filosofo3",
    "  filosofo3 espera tenedores[3], que tiene filosofo4",
    "  filosofo4 espera tenedores[4], que tiene filosofo5",
    "  filosofo5 espera tenedores[0], que tiene filosofo1",
  ]);
  // El trozo dibujado es el final: la última espera de cada filósofo está a la vista.
  for (let f = 1; f <= 5; f++) {
    assert.ok(dibujo.some((l) => l.includes(`espera tenedores[${f % 5}]`)), `filosofo${f}`);
  }
});

Deno.test("traza: todos los ejemplos de threads aceptan --traza, sin tocar su código", async () => {
  // Los que usan threading.ts (directamente o por concurrent_futures.ts o queue.ts), menos los
  // que ya se prueban arriba con más detalle.
  const probados = ["carrera.ts", "lock.ts", "semaforo.ts", "filosofos.ts"];
  const modulos = ["threading.ts", "concurrent_futures.ts", "queue.ts", "traza.ts"];
  const carpeta = new URL("../threads/", import.meta.url);
  const ejemplos = [...Deno.readDirSync(carpeta)].map((e) => e.name).sort().filter((nombre) => {
    const codigo = Deno.readTextFileSync(new URL(nombre, carpeta));
    return nombre.endsWith(".ts") && ![...probados, ...modulos].includes(nombre) &&
      codigo.includes("if (import.meta.main)") &&
      /from "\.\/(threading|concurrent_futures|queue)\.ts"/.test(codigo);
  });
  assert.ok(ejemplos.length >= 5, `${ejemplos}`);
  const resultados = await Promise.all(ejemplos.map((nombre) => {
    const codigo = Deno.readTextFileSync(new URL(nombre, carpeta));
    const permisos = ["--allow-read", ...(codigo.includes("Deno.Command") ? ["--allow-run"] : [])];
    const args = nombre === "procesos_hilos.ts" ? ["--limite", "10000"] : [];
    return ejecutar(["run", ...permisos, `threads/${nombre}`, ...args, "--traza"]);
  }));
  for (const [i, r] of resultados.entries()) {
    assert.equal(r.code, 0, `${ejemplos[i]}: ${r.stderr}`);
    assert.ok(r.lineas.some((l) => l.startsWith("Traza: ")), `${ejemplos[i]}:\n${r.stdout}`);
    const dibujo = diagramaDe(r.lineas);
    cabeEnElProyector(dibujo);
    assert.match(dibujo[1], /^ paso [A-Za-z]/, ejemplos[i]);
    assert.equal(perdidasDe(dibujo), 0, `${ejemplos[i]}:\n${dibujo.join("\n")}`);
  }
});

Deno.test("traza: los errores, con las frases de siempre", async () => {
  const [extension, sinPermiso, ayuda, sinTraza] = await Promise.all([
    conTraza("carrera.ts", ["--traza=traza.txt"]),
    conTraza("carrera.ts", ["--traza=traza.html"]),
    conTraza("carrera.ts", ["--traza", "-h"]),
    conTraza("carrera.ts", ["-h"]),
  ]);
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
      "--allow-write=traza.html threads/carrera.ts --traza=traza.html\n",
  );
  assert.equal(sinPermiso.stdout, ""); // se dice antes de ejecutar nada
  // -h con --traza: la ayuda de siempre, sin diagrama.
  assert.equal(ayuda.code, 0);
  assert.equal(ayuda.stdout, sinTraza.stdout);
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

const NAVEGADOR = "chromium-headless-shell";
const hayNavegador = (() => {
  try {
    return new Deno.Command(NAVEGADOR, { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

/**
 * Abre `pagina` en Chromium sin ventana: devuelve el DOM ya dibujado y una captura (PNG) de
 * 1280 x 900. Sin red: la página no debe necesitarla.
 */
async function abrir(pagina: string, carpeta: string): Promise<{ dom: string; png: Uint8Array }> {
  const captura = `${carpeta}/captura-${crypto.randomUUID()}.png`;
  const { success, stdout, stderr } = await new Deno.Command(NAVEGADOR, {
    args: [
      "--no-sandbox",
      "--disable-gpu",
      `--user-data-dir=${carpeta}/perfil-${crypto.randomUUID()}`,
      "--window-size=1280,900",
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
  // Cada fila lleva delante su filtro (0 a 4): se deshace con la fila de arriba.
  const bpp = color === 6 ? 4 : 3;
  const fila = ancho * bpp;
  const salida = new Uint8Array(alto * fila);
  for (let y = 0; y < alto; y++) {
    const filtro = datos[y * (fila + 1)];
    for (let x = 0; x < fila; x++) {
      const i = y * fila + x;
      const a = x >= bpp ? salida[i - bpp] : 0;
      const b = y > 0 ? salida[i - fila] : 0;
      const c = x >= bpp && y > 0 ? salida[i - fila - bpp] : 0;
      let prediccion = 0;
      if (filtro === 1) prediccion = a;
      else if (filtro === 2) prediccion = b;
      else if (filtro === 3) prediccion = (a + b) >> 1;
      else if (filtro === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        prediccion = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      salida[i] = (datos[y * (fila + 1) + 1 + x] + prediccion) & 0xff;
    }
  }
  const rgba = new Uint8Array(ancho * alto * 4);
  for (let i = 0; i < ancho * alto; i++) {
    rgba.set(salida.subarray(i * bpp, i * bpp + 3), i * 4);
    rgba[i * 4 + 3] = 255;
  }
  return [ancho, alto, rgba];
}

Deno.test({
  name: hayNavegador || enCI
    ? "traza: la página de carrera y de filosofos, en Chromium: carriles, sumas perdidas, círculo"
    : `traza: la página en un navegador (se salta: no hay ${NAVEGADOR}; apt-get install ${NAVEGADOR})`,
  ignore: !hayNavegador && !enCI,
  async fn() {
    assert.ok(hayNavegador, `en CI hace falta ${NAVEGADOR}: .ci/run lo instala con apt-get`);
    const carpeta = await Deno.makeTempDir({ prefix: "traza_" });
    try {
      const carrera = `${carpeta}/carrera.html`;
      const filosofos = `${carpeta}/filosofos.html`;
      const [c, f] = await Promise.all([
        conTraza("carrera.ts", ["--veces", "100", `--traza=${carrera}`], carrera),
        conTraza("filosofos.ts", ["--interbloqueo", `--traza=${filosofos}`], filosofos),
      ]);
      assert.equal(c.code, 0, c.stderr);
      assert.equal(f.code, 0, f.stderr);
      const faltan = loQueFalta(c.lineas);
      assert.ok(c.lineas.includes(`Sumas perdidas en la traza: ${faltan}`), c.stdout);
      // Todo en un fichero: nada que cargar de fuera (ni src=, ni href= que no sea #...).
      const html = await Deno.readTextFile(carrera);
      assert.doesNotMatch(html, /\s(src|href)="(?!#)/);

      const [paginaC, paginaF] = await Promise.all([
        abrir(carrera, carpeta),
        abrir(filosofos, carpeta),
      ]);
      // Un carril por thread, en el dibujo de toda la ejecución (arriba está el del trozo).
      const carrilesDe = (dom: string) =>
        [...dom.slice(dom.indexOf('id="todo"')).matchAll(/class="carril"[^>]*>([^<]*)</g)]
          .map((m) => m[1]);
      const carriles = carrilesDe(paginaC.dom);
      assert.deepEqual(carriles, [
        "MainThread",
        "Thread-1 (task1)",
        "Thread-2 (task2)",
        "Thread-3 (sumar)",
        "Thread-4 (sumar)",
      ]);
      assert.match(paginaC.dom, new RegExp(`>Sumas perdidas: ${faltan}<`));
      if (faltan > 0) assert.match(paginaC.dom, /class="suceso pisa"/);

      assert.deepEqual(carrilesDe(paginaF.dom), [
        "MainThread",
        ...[1, 2, 3, 4, 5].map((f) => `filosofo${f}`),
      ]);
      assert.match(paginaF.dom, /<h2>Interbloqueo<\/h2>/);
      const ciclo = paginaF.dom.slice(paginaF.dom.indexOf('class="ciclo"'));
      for (let n = 1; n <= 5; n++) assert.match(ciclo, new RegExp(`>filosofo${n}<`));
      for (let t = 0; t < 5; t++) assert.match(ciclo, new RegExp(`>tenedores\\[${t}\\]<`));

      // La captura no está en blanco: mucho texto negro, y el bermellón de las sumas perdidas.
      for (const [png, bermellon] of [[paginaC.png, faltan > 0], [paginaF.png, false]] as const) {
        const [ancho, alto, rgba] = await pixeles(png);
        assert.deepEqual([ancho, alto], [1280, 900]);
        let oscuros = 0;
        let rojos = 0;
        for (let i = 0; i < rgba.length; i += 4) {
          const r = rgba[i], g = rgba[i + 1], b = rgba[i + 2];
          if (r + g + b < 200) oscuros++;
          if (Math.abs(r - 0xd5) < 12 && Math.abs(g - 0x5e) < 12 && b < 20) rojos++;
        }
        assert.ok(oscuros > ancho * alto * 0.01, `casi en blanco: ${oscuros} píxeles oscuros`);
        if (bermellon) assert.ok(rojos > 100, `sin el bermellón de las sumas perdidas: ${rojos}`);
      }
    } finally {
      await Deno.remove(carpeta, { recursive: true });
    }
  },
});
