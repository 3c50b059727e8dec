/**
 * traza.ts: `--traza`, quién hizo qué y en qué orden, para ver la concurrencia por dentro.
 *
 * Con `--traza`, threading.ts anota cada cosa que pasa en sus primitivas (empezar y acabar,
 * cada línea impresa, esperar, coger y soltar un Lock o un Semaphore, esperar y avisar en
 * una Condition, leer y escribir un Value, dormir) y, al acabar el programa, este fichero
 * dibuja un carril por thread, con los sucesos en el orden real. Busca también las sumas
 * perdidas (una escritura basada en una lectura que otro thread dejó vieja) y el círculo
 * de esperas de un interbloqueo. `--traza=archivo.html` escribe una página (SVG, sin red);
 * `--traza=archivo.json`, el formato Trace Event de Chrome (se abre en ui.perfetto.dev).
 * Solo se carga con `--traza` (un `import()`): sin ella, cada primitiva mira una variable
 * (`traza`, null) y sigue. En orden: 1. cómo se anota, 2. qué se deduce, 3. cómo se dibuja.
 * Lo usa threading.ts, con una línea en cada primitiva: `traza?.anotar("coge", this)`. Una
 * primitiva hecha de otras (Barrier; Queue, en queue.ts) calla sus pasos de dentro y anota
 * los suyos.
 */

// =======================================================================================
// 1. Cómo se anota: un libro de sucesos en memoria compartida
// =======================================================================================
//
// Todos los threads escriben en el mismo libro, un SharedArrayBuffer. Cada suceso toma su
// número con `Atomics.add(control, SIGUIENTE, 1)`: dos threads nunca reciben el mismo y el
// número es el orden global. Cada suceso ocupa 3 enteros, [thread, tipo, objeto], y 3
// números, [valor, extra, ms]; el tipo se escribe el último (con Atomics.store): un suceso
// con tipo 0 está a medio escribir y no se lee. Lo impreso va, letra a letra, a otra
// memoria compartida: así se lee aunque el thread no acabe nunca (un interbloqueo).
// Un Lock se anota «coge» justo después de cogerlo y «suelta» justo antes de soltarlo: así,
// en el libro, nunca hay dos con el mismo Lock. Leer o escribir un Value y anotarlo se hace
// dentro de un cerrojo pequeño del propio libro: el orden del libro ES el de la memoria.

/** Lo que se puede anotar. El orden es el número que se guarda (empieza en 1). */
const TIPOS = [
  "empieza", // el thread empieza su función
  "termina", // ... y acaba
  "arranca", // el principal arranca un thread (valor: su número)
  "imprime", // valor: dónde empieza el texto; extra: cuántas letras
  "espera", // espera un Lock (o un Semaphore sin plazas)
  "coge", // coge un Lock (o una plaza del Semaphore; valor: plazas que quedan)
  "no_coge", // acquire(false) o con tiempo máximo: no lo consiguió
  "suelta", // suelta un Lock (o devuelve una plaza; valor: plazas que quedarán)
  "espera_aviso", // Condition.wait() (suelta el lock y espera un notify) o Event.wait()
  "despierta", // ... le han avisado (valor 1) o se cansó de esperar (valor 0)
  "avisa", // Condition.notify(n) (valor n) o Event.set()
  "lee", // lee un Value: valor
  "escribe", // escribe un Value: valor, y extra: el valor que había
  "duerme", // sleep(): valor en segundos
  "interrumpido", // Ctrl+C: el principal acaba aquí
  // Lo que el alumno llama en una primitiva hecha de otras (Barrier, Queue): sus pasos de
  // dentro (el Lock y la Condition de la Barrier...) no se anotan; se anota esto.
  "llega", // Barrier.wait(): llega (valor: cuántos faltan por llegar)
  "pasa", // ... y pasa (valor: la fase, 1 la primera)
  "rota", // ... y la encuentra rota (BrokenBarrierError)
  "pone", // Queue.put(): el texto del elemento. Su espera: espera_aviso (valor 1: llena)
  "saca", // Queue.get(): texto del elemento. Su espera: espera_aviso (valor 0: vacía)
  "quita", // Event.clear() (set() es «avisa»; wait(), «espera_aviso» y «despierta»)
] as const;

/** Un tipo de suceso: "coge", "lee"... */
export type Tipo = typeof TIPOS[number];

const CAMPOS = 3; // enteros por suceso: thread, tipo, objeto (y 3 números: valor, extra, ms)
const SIGUIENTE = 0; // control[0]: el número del próximo suceso
const CERROJO = 1; // control[1]: el cerrojo de leer/escribir un Value y anotarlo
const LETRAS = 2; // control[2]: letras de texto usadas
const INTERRUMPIDO = 3; // control[3]: 1 tras Ctrl+C (el principal lo mira si está bloqueado)
const IMPRENTA = 4; // control[4]: el cerrojo de anotar e imprimir una línea, las dos cosas juntas
const VIGIA = 5; // control[5]: 1 cuando el vigía de Ctrl+C ya escucha

/** Sucesos que caben en el libro: con más, se cuentan pero no se guardan. */
export const LIMITE = 200_000;
const TEXTO = 1 << 20; // letras de texto que caben (2 MB)

/** El libro: la memoria compartida que se envía a cada worker. */
export interface Libro {
  control: Int32Array;
  sucesos: Int32Array;
  numeros: Float64Array; // valor, extra y ms desde el inicio de la traza
  texto: Uint16Array;
  inicio: number; // performance.timeOrigin + performance.now() del principal al empezar
  limite: number;
}

/** Un libro vacío con sitio para `limite` sucesos. */
export function libroNuevo(limite = LIMITE): Libro {
  const sab = (bytes: number) => new SharedArrayBuffer(bytes);
  return {
    control: new Int32Array(sab(4 * 6)),
    sucesos: new Int32Array(sab(4 * CAMPOS * limite)),
    numeros: new Float64Array(sab(8 * 3 * limite)),
    texto: new Uint16Array(sab(2 * TEXTO)),
    inicio: performance.timeOrigin + performance.now(),
    limite,
  };
}

/** Un objeto de threading.ts (Lock, Value...): su número en el registro. */
export interface Objeto {
  readonly indice: number;
}

/** ¿Ha ejecutado el programa su última línea? Deno lanza entonces el evento «load». */
let programaAcabado = false;
if (!("WorkerGlobalScope" in globalThis)) addEventListener("load", () => programaAcabado = true);

/** Lo que threading.ts llama desde cada primitiva: un thread que anota en el libro. */
export class Traza {
  readonly libro: Libro;
  readonly hilo: number;
  /** Solo en el principal: el nombre de cada thread y de cada objeto, y el fichero pedido. */
  readonly nombres: string[] = ["MainThread"];
  readonly objetos = new Map<number, { tipo: string; nombre: string }>();
  #conElMismoNombre = new Map<string, { tipo: string; nombre: string }[]>();
  fichero = "";
  #log = console.log;
  /** Mayor que 0 mientras una primitiva de este thread hace sus pasos de dentro: no se anotan. */
  #callado = 0;

  constructor(libro: Libro, hilo: number) {
    this.libro = libro;
    this.hilo = hilo;
  }

  /**
   * Desde ahora, cada línea impresa con console.log se anota y se imprime sin que otro thread
   * se cuele entre las dos cosas: la traza y la salida dicen el mismo orden.
   */
  anotarLoImpreso(): this {
    const log = this.#log;
    console.log = (...datos: unknown[]) => {
      this.#cerrar(IMPRENTA);
      try {
        this.imprime(datos.map((d) => typeof d === "string" ? d : Deno.inspect(d)).join(" "));
        log(...datos);
      } finally {
        this.#abrir(IMPRENTA);
      }
    };
    return this;
  }

  /**
   * Una primitiva hecha de otras (Barrier, Queue) calla sus pasos de dentro mientras los da
   * (`callar()` ... `hablar()`, en un try/finally) y anota con `propio` lo que el alumno llamó.
   */
  callar(): void {
    this.#callado++;
  }

  hablar(): void {
    this.#callado--;
  }

  /** Anota un suceso de este thread (nada si una primitiva está dando sus pasos de dentro). */
  anotar(tipo: Tipo, objeto: Objeto | null = null, valor = 0, extra = 0): void {
    if (this.#callado === 0) this.#anotarYa(tipo, objeto, valor, extra);
  }

  /**
   * Anota el suceso que una primitiva anota por sí misma, callada. Si otra la usa por dentro
   * (las colas de un pool), tampoco: solo cuenta lo que el programa llamó.
   */
  propio(tipo: Tipo, objeto: Objeto | null = null, valor = 0, extra = 0): void {
    if (this.#callado <= 1) this.#anotarYa(tipo, objeto, valor, extra);
  }

  #anotarYa(tipo: Tipo, objeto: Objeto | null, valor: number, extra: number): void {
    const { control, sucesos, numeros, inicio, limite } = this.libro;
    const n = Atomics.add(control, SIGUIENTE, 1);
    if (n >= limite) return; // lleno: solo se cuenta
    const i = n * CAMPOS;
    numeros[3 * n] = valor;
    numeros[3 * n + 1] = extra;
    numeros[3 * n + 2] = performance.timeOrigin + performance.now() - inicio;
    sucesos[i] = this.hilo;
    sucesos[i + 2] = objeto ? objeto.indice : -1;
    Atomics.store(sucesos, i + 1, TIPOS.indexOf(tipo) + 1); // el último: ya está entero
  }

  /** Lee `m[0]` (un Value) y lo anota, sin que nadie escriba entre medias. */
  lee(objeto: Objeto, m: Float64Array): number {
    if (this.#callado > 0) return m[0]; // un Value de dentro de una primitiva: no se anota
    this.#cerrar();
    const valor = m[0];
    this.anotar("lee", objeto, valor);
    this.#abrir();
    return valor;
  }

  /** Escribe `m[0]` (un Value) y lo anota con el valor que había. */
  escribe(objeto: Objeto, m: Float64Array, valor: number): void {
    if (this.#callado > 0) {
      m[0] = valor;
      return;
    }
    this.#cerrar();
    const antes = m[0];
    m[0] = valor;
    this.anotar("escribe", objeto, valor, antes);
    this.#abrir();
  }

  /** Anota una línea impresa: su texto va a la memoria de texto. */
  imprime(linea: string): void {
    this.#conTexto("imprime", null, linea, 500);
  }

  /** Queue: anota el elemento que pone o saca («pone «sopa» en la cola»). */
  elemento(tipo: "pone" | "saca", objeto: Objeto, elemento: unknown): void {
    const texto = typeof elemento === "string"
      ? elemento
      : Deno.inspect(elemento, { compact: true, breakLength: Infinity, depth: 2, colors: false });
    this.#conTexto(tipo, objeto, texto.length > 60 ? texto.slice(0, 59) + "…" : texto, 60);
  }

  /** Un suceso con texto, a la memoria de texto (valor: dónde empieza; extra: cuántas letras). */
  #conTexto(tipo: Tipo, objeto: Objeto | null, linea: string, maximo: number) {
    const { control, texto } = this.libro;
    const largo = Math.min(linea.length, maximo);
    const desde = Atomics.add(control, LETRAS, largo);
    const cabe = Math.max(0, Math.min(largo, TEXTO - desde));
    for (let k = 0; k < cabe; k++) texto[desde + k] = linea.charCodeAt(k);
    this.propio(tipo, objeto, desde, cabe);
  }

  /**
   * Solo en el principal: `Atomics.wait`, a trozos de 50 ms. Bloqueado (un acquire, un
   * wait...), el principal no atiende su Ctrl+C; lo atiende un worker vigía (lo arranca la
   * primera espera, sin permisos, y se cierra cuando acaba el código del programa), que lo
   * apunta en el libro. Entre trozo y trozo, el principal lo mira y termina: se dibuja la traza.
   */
  dormir(m: Int32Array, i: number, valor: number, ms: number): "ok" | "not-equal" | "timed-out" {
    this.#vigilarCtrlC();
    const { control } = this.libro;
    const hasta = performance.now() + ms;
    try {
      for (;;) {
        if (Atomics.load(control, INTERRUMPIDO) === 1) Deno.exit(130);
        const queda = hasta - performance.now();
        const r = Atomics.wait(m, i, valor, Math.max(0, Math.min(queda, 50)));
        if (r !== "timed-out" || queda <= 50) return r;
      }
    } finally {
      // Tras la última línea (una espera desde un setTimeout), nadie más cerraría el vigía.
      if (programaAcabado) this.#cerrarVigia();
    }
  }

  #cerrarVigia() {
    this.#vigia?.terminate();
    this.#vigia = null;
  }

  #vigia: Worker | null = null;

  #vigilarCtrlC() {
    if (this.#vigia) return;
    const codigo = `self.onmessage = ({ data }) => { Deno.addSignalListener("SIGINT", () => ` +
      `Atomics.store(data, ${INTERRUMPIDO}, 1)); Atomics.store(data, ${VIGIA}, 1); ` +
      `Atomics.notify(data, ${VIGIA}); };`;
    const url = URL.createObjectURL(new Blob([codigo], { type: "application/javascript" }));
    const vigia = new Worker(url, { type: "module", name: "vigía de Ctrl+C (--traza)" });
    vigia.postMessage(this.libro.control);
    this.#vigia = vigia;
    // Hasta que escuche (2 s como mucho): un Ctrl+C de antes no lo vería nadie, y no acabaría.
    Atomics.wait(this.libro.control, VIGIA, 0, 2000);
    // Un worker vivo no deja acabar el programa: se cierra cuando acaba su código.
    if (!programaAcabado) addEventListener("load", () => this.#cerrarVigia());
  }

  /** Solo en el principal: un thread nuevo. Devuelve su número de carril. */
  nuevoThread(nombre: string): number {
    this.nombres.push(nombre);
    this.anotar("arranca", null, this.nombres.length - 1);
    return this.nombres.length - 1;
  }

  /**
   * Solo en el principal: un objeto nuevo (`tipo`: "Lock", "Value"...). Su nombre es el de
   * la variable donde lo guarda el ejemplo, sacado de la línea que lo crea (`const contador =
   * new Value(0)` da «contador»); varios de la misma línea, `tenedores[0]`, `tenedores[1]`...
   */
  nuevoObjeto(objeto: Objeto, tipo: string): void {
    if (objeto.indice < 0) return;
    const pila = new Error().stack ?? "";
    const variable = nombreDeVariable(pila);
    const nombre = variable?.nombre ?? tipo;
    // El Lock de una Condition (o de una Barrier, o de una Queue) se llama como ella: `cuenta.lock`.
    const dentroDe = [...pila.matchAll(/at new (Condition|Barrier|Queue) /g)].some(([, x]) =>
      x !== tipo
    );
    const base = dentroDe ? `${nombre}.${tipo === "Condition" ? "condition" : "lock"}` : nombre;
    const iguales = this.#conElMismoNombre.get(base) ?? [];
    const nuevo = { tipo, nombre: base };
    iguales.push(nuevo);
    this.#conElMismoNombre.set(base, iguales);
    this.objetos.set(objeto.indice, nuevo);
    if (iguales.length === 1) return;
    // Varios de la misma línea: `tenedores[0]`, `tenedores[1]`... Pero si el ejemplo cuenta
    // desde 1 (`tenedores[t - 1]` es el tenedor t), como lo cuenta él: «tenedor 1», «tenedor 2».
    const desdeUno = !dentroDe && variable?.codigo !== undefined &&
      new RegExp(`\\b${base}\\[[^\\]]*-\\s*1\\]`).test(variable.codigo) && singular(base);
    iguales.forEach((o, k) => o.nombre = desdeUno ? `${desdeUno} ${k + 1}` : `${base}[${k}]`);
  }

  /** Lo que se envía a un worker para que anote como el thread `hilo`. */
  paraElThread(hilo: number): { libro: Libro; hilo: number } {
    return { libro: this.libro, hilo };
  }

  /** El console.log de verdad (sin anotar): para escribir el diagrama. */
  get log(): (...datos: unknown[]) => void {
    return this.#log;
  }

  // El cerrojo pequeño: 0 libre, 1 cogido, 2 cogido y alguien duerme (como el Lock).
  #cerrar(cual = CERROJO) {
    const { control } = this.libro;
    if (Atomics.compareExchange(control, cual, 0, 1) === 0) return;
    while (Atomics.exchange(control, cual, 2) !== 0) Atomics.wait(control, cual, 2);
  }

  #abrir(cual = CERROJO) {
    const { control } = this.libro;
    if (Atomics.sub(control, cual, 1) !== 1) {
      Atomics.store(control, cual, 0);
      Atomics.notify(control, cual, 1);
    }
  }
}

/** Los ficheros cuyo código no es del ejemplo (threading.ts y este). */
const PROPIOS = /\/(threading|traza|queue|concurrent_futures)\.ts:/;
const fuentes = new Map<string, string[] | null>();

/**
 * El nombre de la variable en la primera línea de la pila que no es de threading.ts, y el
 * código entero de su fichero.
 */
function nombreDeVariable(pila: string): { nombre: string | undefined; codigo?: string } | null {
  for (const linea of pila.split("\n").slice(1)) {
    const sitio = linea.match(/(file:\/\/[^\s)]+):(\d+):\d+\)?$/);
    if (!sitio || PROPIOS.test(sitio[1] + ":")) continue;
    if (!fuentes.has(sitio[1])) {
      try {
        fuentes.set(sitio[1], Deno.readTextFileSync(new URL(sitio[1])).split("\n"));
      } catch {
        fuentes.set(sitio[1], null);
      }
    }
    const lineas = fuentes.get(sitio[1]);
    const codigo = lineas?.[Number(sitio[2]) - 1] ?? "";
    return {
      nombre: codigo.match(/(?:const|let|var)\s+(\w+)\s*(?::[^=]+)?=/)?.[1] ??
        codigo.match(/(\w+)\s*=\s*new\s/)?.[1] ??
        codigo.match(/(\w+)\s*:\s*new\s/)?.[1], // en un objeto: `huecos: new Semaphore(3)`
      codigo: lineas?.join("\n"),
    };
  }
  return null;
}

/** El singular de un plural español: «tenedores» -> «tenedor», «cuentas» -> «cuenta». */
function singular(plural: string): string | null {
  if (/[^aeiou]es$/.test(plural)) return plural.slice(0, -2);
  if (/[aeiou]s$/.test(plural)) return plural.slice(0, -1);
  return null;
}

/** En un worker: anota como el thread que dice la orden del principal. */
export function trazaDelThread({ libro, hilo }: { libro: Libro; hilo: number }): Traza {
  return new Traza(libro, hilo).anotarLoImpreso();
}

/** `--traza`, `--traza=t.html`, `--traza t.html` o `--traza=t.json`. */
const OPCION = /^--traza(?:=(.*))?$/;

/**
 * Lee `--traza` de `args`: el fichero pedido ("" para la terminal; null sin `--traza`) y los
 * demás argumentos. `--traza archivo.html` (con espacio) es como `--traza=archivo.html`; tras
 * `--traza` sola, otra opción (`--traza --veces 10`) no es un fichero: la traza va a la terminal.
 */
export function leerOpcionTraza(
  args: readonly string[],
): { fichero: string | null; resto: string[] } {
  let fichero: string | null = null;
  const resto: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const m = args[i].match(OPCION);
    if (!m) {
      resto.push(args[i]);
    } else if (m[1] !== undefined) {
      fichero = m[1];
    } else if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
      fichero = args[++i];
    } else {
      fichero = "";
    }
  }
  return { fichero, resto };
}

/**
 * En el principal, con `--traza[=fichero]` en la orden: la quita de `Deno.args` (así las
 * opciones del ejemplo no la ven), comprueba el fichero (su extensión, el permiso de
 * escribirlo y su carpeta) antes de ejecutar nada, empieza a anotar y, al acabar el programa
 * (también con Deno.exit o Ctrl+C), escribe el diagrama o el fichero. `script()` da el
 * programa como se escribe en la orden (`threads/carrera.ts`).
 */
export function empezarTraza(script: () => string, limite = LIMITE): Traza {
  const args = Deno.args;
  const { fichero: pedido, resto } = leerOpcionTraza(args);
  const fichero = pedido ?? "";
  Object.defineProperty(Deno, "args", { value: Object.freeze(resto), configurable: true });
  const orden = (permisos: string) =>
    [
      `deno run ${permisos}${script()}`,
      ...args.map((a) => /^[\w\-.=\/,:@]+$/.test(a) ? a : `'${a}'`),
    ]
      .join(" ");
  // Los permisos que tiene el programa, para la orden que se sugiere: los mismos y el de escribir.
  const permisos = ["read", "run", "net", "env"].filter((p) =>
    Deno.permissions.querySync({ name: p as "read" }).state === "granted"
  ).map((p) => `--allow-${p} `).join("");
  if (fichero !== "" && !/\.(html|json)$/.test(fichero)) {
    console.error(
      `--traza debe ser un fichero .html o .json (no «${fichero}»).\n` +
        `Uso: deno run ${permisos}${script()} --traza[=archivo.html|archivo.json]`,
    );
    Deno.exit(2);
  }
  if (
    fichero !== "" &&
    Deno.permissions.querySync({ name: "write", path: fichero }).state !== "granted"
  ) {
    console.error(
      `No hay permiso para escribir ${fichero}. Ejecuta: ` +
        orden(`${permisos}--allow-write=${fichero} `),
    );
    Deno.exit(1);
  }
  let nuevo = false; // ¿lo crea esta ejecución? (si no llega a escribirlo, lo borra al acabar)
  if (fichero !== "") {
    // Antes de ejecutar nada: que la carpeta exista y se pueda escribir. Sin vaciarlo: si el
    // programa acaba en un error de uso o en -h, la traza de la vez anterior sigue ahí.
    try {
      try {
        Deno.openSync(fichero, { write: true, createNew: true }).close();
        nuevo = true;
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
        Deno.openSync(fichero, { write: true }).close();
      }
    } catch (error) {
      const carpeta = fichero.includes("/") ? fichero.slice(0, fichero.lastIndexOf("/")) : ".";
      console.error(
        error instanceof Deno.errors.NotFound
          ? `No se puede escribir ${fichero}: no existe la carpeta ${carpeta}.`
          : `No se puede escribir ${fichero}: ${(error as Error).message}.`,
      );
      Deno.exit(1);
    }
  }
  const traza = new Traza(libroNuevo(limite), 0).anotarLoImpreso();
  traza.fichero = fichero;
  traza.anotar("empieza");
  globalThis.addEventListener("unload", () => {
    if (terminar(traza) || !nuevo) return;
    try {
      Deno.removeSync(fichero); // no deja un fichero vacío
    } catch { /* ya no está: nada que borrar */ }
  });
  // Ctrl+C: la traza de lo anotado hasta ahora, y el código de Ctrl+C (130).
  const alInterrumpir = () => {
    Atomics.store(traza.libro.control, INTERRUMPIDO, 1);
    Deno.exit(130);
  };
  try {
    Deno.addSignalListener("SIGINT", alInterrumpir);
  } catch { /* sin señales (Windows antiguo): sin traza al interrumpir */ }
  return traza;
}

/** Al acabar el programa: el diagrama en la terminal, o el fichero pedido (true si lo escribe). */
function terminar(traza: Traza): boolean {
  // Un error de uso (código 2) o -h: no ha corrido ningún thread, no hay nada que dibujar.
  if (Deno.exitCode === 2 || Deno.args.some((a) => a === "-h" || a === "--help")) return false;
  if (traza.nombres.length === 1) {
    // Un programa sin threads (asincronia.ts): se dice, no se calla.
    traza.log(
      "\n--traza dibuja threads, y este programa no ha arrancado ninguno (sus tareas async " +
        "se turnan en un solo hilo): no hay traza que dibujar.",
    );
    return false;
  }
  const interrumpido = Atomics.load(traza.libro.control, INTERRUMPIDO) === 1;
  traza.anotar(interrumpido ? "interrumpido" : "termina");
  const analisis = analizar(leerLibro(traza.libro), traza.nombres, traza.objetos);
  const log = traza.log;
  if (interrumpido) log("\nInterrumpido con Ctrl+C: la traza de lo que pasó hasta entonces.");
  if (traza.fichero === "") {
    log("\n" + diagrama(analisis).join("\n"));
    return true;
  }
  const contenido = traza.fichero.endsWith(".json") ? chromeTrace(analisis) : pagina(analisis);
  try {
    Deno.writeTextFileSync(traza.fichero, contenido);
  } catch (error) {
    console.error(`No se pudo escribir ${traza.fichero}: ${(error as Error).message}`);
    return false;
  }
  if (analisis.escribe) log(`\nSumas perdidas en la traza: ${analisis.perdidas}`);
  if (analisis.ciclo) log(frasesDelCiclo(analisis).join("\n"));
  if (analisis.descartados) log(fraseDescartados(analisis));
  log(
    `Traza escrita en ${traza.fichero}: ${
      traza.fichero.endsWith(".json") ? "ábrela en ui.perfetto.dev" : "ábrela en el navegador"
    }.`,
  );
  return true;
}

// =======================================================================================
// 2. Qué se deduce del libro: sumas perdidas, quién tiene qué, el interbloqueo
// =======================================================================================

/** Un suceso leído del libro, ya con su texto. */
export interface Suceso {
  paso: number; // su número en el orden global (desde 0)
  hilo: number;
  tipo: Tipo;
  objeto: number;
  valor: number;
  extra: number;
  ms: number;
  texto?: string; // lo impreso
  /** Solo en una escritura que pisa: cuántas sumas se pierden y de qué threads eran. */
  pisa?: { cuantas: number; de: number[] };
  /** Solo en una escritura basada en una lectura vieja: lo que leyó y lo que ya valía. */
  vieja?: { leido: number; valia: number };
}

/** Lee los sucesos completos del libro, en orden. */
export function leerLibro(libro: Libro): { sucesos: Suceso[]; total: number } {
  const total = Atomics.load(libro.control, SIGUIENTE);
  const sucesos: Suceso[] = [];
  for (let paso = 0; paso < Math.min(total, libro.limite); paso++) {
    const i = paso * CAMPOS;
    const tipo = Atomics.load(libro.sucesos, i + 1);
    if (tipo === 0) continue; // a medio escribir (un thread cortado por Deno.exit)
    const [hilo, , objeto] = libro.sucesos.subarray(i, i + CAMPOS);
    const [valor, extra, ms] = libro.numeros.subarray(3 * paso, 3 * paso + 3);
    const suceso: Suceso = { paso, hilo, tipo: TIPOS[tipo - 1], objeto, valor, extra, ms };
    if (suceso.tipo === "imprime" || suceso.tipo === "pone" || suceso.tipo === "saca") {
      suceso.texto = String.fromCharCode(...libro.texto.subarray(valor, valor + extra));
    }
    sucesos.push(suceso);
  }
  return { sucesos, total };
}

/** Todo lo que se dibuja: los sucesos, con sus nombres y lo que se ha deducido. */
export interface Analisis {
  sucesos: Suceso[];
  nombres: string[];
  objetos: Map<number, { tipo: string; nombre: string }>;
  perdidas: number;
  /** Si algún thread escribe un Value: sin escrituras no hay sumas que perder, ni se dicen. */
  escribe: boolean;
  descartados: number;
  limite: number;
  /** El interbloqueo: [thread, objeto que espera] en círculo (cada objeto lo tiene el siguiente). */
  ciclo: [number, number][] | null;
  /** Paso a paso, quién tiene cada Lock: para comprobar que nunca son dos. */
  maxDentro: Map<number, number>;
}

/**
 * Lo que se deduce del libro. Sumas perdidas: cada escritura de un Value se basa en lo que
 * su thread leyó antes, es decir, en la escritura que puso ese valor (su «madre»). El valor
 * final es la última escritura, que se basa en otra, que se basa en otra... hasta el valor
 * inicial: esa cadena son las sumas que cuentan. Las escrituras que no están en la cadena
 * se perdieron; con `contador.value = leido + 1`, el contador se queda corto justo en
 * tantas como esas. Cada una la pisó la primera escritura posterior que no se basa en ella:
 * una escritura basada en una lectura que se había quedado vieja. Esa lleva la marca ⚠.
 */
export function analizar(
  { sucesos, total }: { sucesos: Suceso[]; total: number },
  nombres: string[],
  objetos: Map<number, { tipo: string; nombre: string }>,
  limite = LIMITE,
): Analisis {
  const base = new Map<string, Suceso | null>(); // "hilo/objeto" -> la escritura que leyó
  const leido = new Map<string, number>(); // "hilo/objeto" -> el valor que leyó
  const actual = new Map<number, Suceso>(); // objeto -> su última escritura
  const escrituras = new Map<number, Suceso[]>(); // objeto -> sus escrituras, en orden
  const madre = new Map<Suceso, Suceso | null>(); // escritura -> en la que se basa
  const dueno = new Map<number, number>(); // Lock -> thread que lo tiene
  const dentro = new Map<number, number>(); // Semaphore -> threads dentro
  const maxDentro = new Map<number, number>();
  const espera = new Map<number, number>(); // thread -> objeto que espera

  for (const s of sucesos) {
    const clave = `${s.hilo}/${s.objeto}`;
    const tipo = objetos.get(s.objeto)?.tipo;
    if (s.tipo === "lee") {
      base.set(clave, actual.get(s.objeto) ?? null);
      leido.set(clave, s.valor);
    } else if (s.tipo === "escribe") {
      // Sin lectura antes (una escritura «a ciegas»), se basa en lo que había.
      const suya = base.has(clave) ? base.get(clave)! : actual.get(s.objeto) ?? null;
      madre.set(s, suya);
      // Basada en una lectura que otra escritura dejó vieja: se marca, pise o no una suma.
      const antes = actual.get(s.objeto) ?? null;
      if (suya !== antes && leido.has(clave) && leido.get(clave) !== s.extra) {
        s.vieja = { leido: leido.get(clave)!, valia: s.extra };
      }
      leido.set(clave, s.valor);
      base.set(clave, s); // lo siguiente que escriba se basa en esto, si no lee antes
      actual.set(s.objeto, s);
      if (!escrituras.has(s.objeto)) escrituras.set(s.objeto, []);
      escrituras.get(s.objeto)!.push(s);
    } else if (s.tipo === "espera") {
      espera.set(s.hilo, s.objeto);
    } else if (s.tipo === "coge") {
      espera.delete(s.hilo);
      if (tipo?.endsWith("Semaphore")) {
        dentro.set(s.objeto, (dentro.get(s.objeto) ?? 0) + 1);
      } else {
        dentro.set(s.objeto, (dentro.get(s.objeto) ?? 0) + 1);
        dueno.set(s.objeto, s.hilo);
      }
      maxDentro.set(s.objeto, Math.max(maxDentro.get(s.objeto) ?? 0, dentro.get(s.objeto)!));
    } else if (s.tipo === "no_coge") {
      espera.delete(s.hilo);
    } else if (s.tipo === "suelta") {
      dentro.set(s.objeto, (dentro.get(s.objeto) ?? 1) - 1);
      if (dueno.get(s.objeto) === s.hilo) dueno.delete(s.objeto);
    }
  }

  const perdidas = sumasPerdidas(escrituras, actual, madre);

  // El interbloqueo: thread -> lo que espera -> quien lo tiene -> lo que espera... hasta volver.
  let ciclo: [number, number][] | null = null;
  for (const inicio of espera.keys()) {
    const camino: [number, number][] = [];
    let hilo: number | undefined = inicio;
    while (hilo !== undefined && espera.has(hilo) && camino.length <= nombres.length) {
      const objeto: number = espera.get(hilo)!;
      camino.push([hilo, objeto]);
      hilo = dueno.get(objeto);
      if (hilo === inicio) {
        ciclo = camino;
        break;
      }
    }
    if (ciclo) break;
  }
  // El círculo, empezando por el thread de número más bajo.
  if (ciclo) {
    const primero = ciclo.reduce((k, [h], i) => h < ciclo![k][0] ? i : k, 0);
    ciclo = [...ciclo.slice(primero), ...ciclo.slice(0, primero)];
  }

  return {
    sucesos,
    nombres,
    objetos,
    perdidas,
    escribe: escrituras.size > 0,
    descartados: Math.max(0, total - limite),
    limite,
    ciclo,
    maxDentro,
  };
}

/**
 * Marca las escrituras que pisan (ver `analizar`) y devuelve cuántas sumas se perdieron:
 * las escrituras de cada Value fuera de la cadena que lleva a su valor final.
 */
function sumasPerdidas(
  escrituras: Map<number, Suceso[]>,
  actual: Map<number, Suceso>,
  madre: Map<Suceso, Suceso | null>,
): number {
  let perdidas = 0;
  for (const [objeto, lista] of escrituras) {
    const n = lista.length;
    const indice = new Map(lista.map((e, i) => [e, i]));
    const madreDe = lista.map((e) => indice.get(madre.get(e)!) ?? -1);
    const enLaCadena = new Uint8Array(n);
    for (let i = indice.get(actual.get(objeto)!)!; i >= 0; i = madreDe[i]) enLaCadena[i] = 1;

    // Las escrituras son un árbol (cada una cuelga de su madre). Numerado en profundidad,
    // «j se basa en i» es «j está en el subárbol de i»: desde[i] <= desde[j] <= hasta[i].
    const hijas: number[][] = lista.map(() => []);
    madreDe.forEach((m, j) => m >= 0 && hijas[m].push(j));
    const desde = new Int32Array(n);
    const hasta = new Int32Array(n);
    let contador = 0;
    for (let raiz = 0; raiz < n; raiz++) {
      if (madreDe[raiz] >= 0) continue;
      const pila: [number, number][] = [[raiz, 0]];
      desde[raiz] = contador++;
      while (pila.length) {
        const cima = pila[pila.length - 1];
        const [nodo, k] = cima;
        if (k < hijas[nodo].length) {
          cima[1]++;
          const hija = hijas[nodo][k];
          desde[hija] = contador++;
          pila.push([hija, 0]);
        } else {
          hasta[nodo] = contador - 1;
          pila.pop();
        }
      }
    }
    const seBasaEn = (j: number, i: number) => desde[i] <= desde[j] && desde[j] <= hasta[i];
    // Tramos de escrituras seguidas, cada una basada en la anterior: se saltan de una vez.
    const finDelTramo = new Int32Array(n);
    for (let j = n - 1; j >= 0; j--) {
      finDelTramo[j] = j + 1 < n && madreDe[j + 1] === j ? finDelTramo[j + 1] : j;
    }

    for (let i = 0; i < n; i++) {
      if (enLaCadena[i]) continue;
      perdidas++;
      // La que la pisa: la primera posterior que no se basa en ella (como mucho, la última).
      let k = i + 1;
      for (let vueltas = 0; k < n - 1 && seBasaEn(k, i) && vueltas < 10_000; vueltas++) {
        k = madreDe[k] === k - 1 ? finDelTramo[k] + 1 : k + 1;
      }
      const pisa = lista[seBasaEn(Math.min(k, n - 1), i) ? n - 1 : Math.min(k, n - 1)];
      pisa.pisa ??= { cuantas: 0, de: [] };
      pisa.pisa.cuantas++;
      if (!pisa.pisa.de.includes(lista[i].hilo)) pisa.pisa.de.push(lista[i].hilo);
    }
  }
  return perdidas;
}

// =======================================================================================
// 3. Cómo se dibuja: etiquetas, la terminal, la página, Chrome Trace
// =======================================================================================

/** El nombre de un objeto para una etiqueta: «el Lock» si la variable se llama lock. */
function nombreDe(a: Analisis, objeto: number): string {
  const o = a.objetos.get(objeto);
  if (!o) return objeto < 0 ? "un objeto del thread" : `objeto ${objeto}`;
  return o.nombre.toLowerCase() === o.tipo.toLowerCase() ? `el ${o.tipo}` : o.nombre;
}

/**
 * Una Barrier, una Queue o un Event por su nombre: «la barrera» si la variable se llama así
 * (o como su clase); si no, con el nombre: «la cola hechos», «el evento salida».
 */
function conSuNombre(a: Analisis, objeto: number, articulo: string, palabra: string): string {
  const o = a.objetos.get(objeto);
  const nombre = o?.nombre.toLowerCase();
  return !o || nombre === palabra || nombre === o.tipo.toLowerCase()
    ? `${articulo} ${palabra}`
    : `${articulo} ${palabra} ${o.nombre}`;
}

/** Un número con coma decimal, como se escribe en español. */
const coma = (x: number, decimales = 1) => x.toFixed(decimales).replace(".", ",");

/** Un valor para leer de un vistazo: entero tal cual; si no, 3 cifras significativas. */
const numero = (x: number) =>
  String(Number.isInteger(x) ? x : Number(x.toPrecision(3))).replace(".", ",");

/** La etiqueta de un suceso: «lee contador = 5», «coge el Lock», «imprime «Tarea 1»». */
export function etiqueta(a: Analisis, s: Suceso): string {
  const objeto = () => nombreDe(a, s.objeto);
  const tipo = a.objetos.get(s.objeto)?.tipo;
  const semaforo = tipo?.endsWith("Semaphore");
  const barrera = () => conSuNombre(a, s.objeto, "la", "barrera");
  const cola = () => conSuNombre(a, s.objeto, "la", "cola");
  const evento = () => conSuNombre(a, s.objeto, "el", "evento");
  switch (s.tipo) {
    case "empieza":
      return "empieza";
    case "termina":
      return "termina";
    case "arranca":
      return `arranca ${a.nombres[s.valor] ?? s.valor}`;
    case "imprime":
      return `imprime «${visible(s.texto ?? "")}»`;
    case "espera":
      return `espera ${objeto()}`;
    case "coge":
      return semaforo ? `coge ${objeto()} (quedan ${s.valor})` : `coge ${objeto()}`;
    case "no_coge":
      return `no coge ${objeto()}`;
    case "suelta":
      return semaforo ? `suelta ${objeto()} (quedan ${s.valor})` : `suelta ${objeto()}`;
    case "espera_aviso":
      if (tipo === "Queue") return `espera: ${cola()} está ${s.valor ? "llena" : "vacía"}`;
      if (tipo === "Event") return `espera ${evento()}`;
      return `espera aviso de ${objeto()}`;
    case "despierta":
      if (tipo === "Event") {
        return s.valor ? `sigue: ${evento()} está puesto` : `se cansa de esperar ${evento()}`;
      }
      return s.valor ? `despierta (${objeto()})` : `se cansa de esperar (${objeto()})`;
    case "avisa":
      if (tipo === "Event") return `pone ${evento()}`;
      return s.valor >= 256
        ? `avisa a todos (${objeto()})`
        : s.valor > 1
        ? `avisa a ${s.valor} (${objeto()})`
        : `avisa (${objeto()})`;
    case "lee":
      return `lee ${objeto()} = ${numero(s.valor)}`;
    case "escribe":
      return `escribe ${objeto()} = ${numero(s.valor)}`;
    case "interrumpido":
      return "Ctrl+C: se interrumpe";
    case "duerme":
      return s.valor === 0 ? "cede el turno" : `duerme ${numero(s.valor)} s`;
    case "llega":
      return `llega a ${barrera()} (${s.valor ? `faltan ${s.valor}` : "es el último"})`;
    case "pasa":
      return `pasa ${barrera()} (fase ${s.valor})`;
    case "rota":
      return `encuentra rota ${barrera()}`;
    case "pone":
      return `pone «${visible(s.texto ?? "")}» en ${cola()}`;
    case "saca":
      return `saca «${visible(s.texto ?? "")}» de ${cola()}`;
    case "quita":
      return `quita ${evento()}`;
  }
}

/** ¿Lleva la marca ⚠? (Pisa una suma, o se basa en una lectura vieja.) */
export const marcado = (s: Suceso): boolean => s.pisa !== undefined || s.vieja !== undefined;

/**
 * La marca de una escritura que pisa: «⚠ pisa la suma de Thread-4 (sumar)», y, si se basa en
 * una lectura vieja, lo que leyó y lo que ya había: «⚠ leyó 12, pero ya valía 16».
 */
export function marca(a: Analisis, s: Suceso): string {
  const partes: string[] = [];
  if (s.pisa) {
    const quien = s.pisa.de.map((h) => a.nombres[h]).join(" y ") || "otro thread";
    partes.push(
      s.pisa.cuantas === 1
        ? `pisa la suma de ${quien}`
        : `pisa ${s.pisa.cuantas} sumas de ${quien}`,
    );
  }
  if (s.vieja) partes.push(`leyó ${numero(s.vieja.leido)}, pero ya valía ${numero(s.vieja.valia)}`);
  return partes.length ? `⚠ ${partes.join(": ")}` : "";
}

/** Los caracteres de control, a la vista (no mueven la terminal). */
function visible(texto: string): string {
  // deno-lint-ignore no-control-regex
  return texto.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
}

/** Las frases del interbloqueo: quién espera qué, que tiene quién. */
export function frasesDelCiclo(a: Analisis): string[] {
  if (!a.ciclo) return [];
  const { ciclo } = a;
  const lineas = ciclo.map(([hilo, objeto], i) =>
    `  ${a.nombres[hilo]} espera ${nombreDe(a, objeto)}, que tiene ${
      a.nombres[ciclo[(i + 1) % ciclo.length][0]]
    }`
  );
  return [
    `Interbloqueo: un círculo de ${ciclo.length} threads, cada uno espera lo que tiene el siguiente:`,
    ...lineas,
  ];
}

function fraseDescartados(a: Analisis): string {
  return `No se anotaron ${a.descartados} sucesos (caben ${a.limite}): ` +
    "el dibujo y las cuentas son de los primeros.";
}

/** El trozo que importa: alrededor de la primera suma perdida, la primera espera o el final. */
export function trozo(a: Analisis, filas: number): [number, number] {
  const n = a.sucesos.length;
  if (n <= filas) return [0, n];
  const i = a.sucesos.findIndex(marcado);
  if (i >= 0) {
    // Desde la lectura del que pisa (o un poco antes) hasta un poco después.
    const s = a.sucesos[i];
    let lectura = i;
    while (
      lectura > 0 &&
      !(a.sucesos[lectura].hilo === s.hilo && a.sucesos[lectura].tipo === "lee" &&
        a.sucesos[lectura].objeto === s.objeto)
    ) lectura--;
    const desde = Math.max(0, Math.min(lectura - 2, i - Math.floor(filas / 2)), i - filas + 4);
    return [desde, Math.min(n, desde + filas)];
  }
  if (a.ciclo) return [n - filas, n];
  const espera = a.sucesos.findIndex((s) =>
    s.tipo === "espera" || s.tipo === "espera_aviso" || s.tipo === "llega"
  );
  const desde = espera < 0 ? 0 : Math.max(0, espera - Math.floor(filas / 3));
  return [Math.min(desde, n - filas), Math.min(n, desde + filas)];
}

const ANCHO = 100; // columnas de la terminal (un proyector)
const FILAS = 36; // filas del trozo que se dibuja

/** El diagrama de la terminal: un carril por thread, un suceso por fila, en orden. */
export function diagrama(a: Analisis, ancho = ANCHO, filas = FILAS): string[] {
  const [desde, hasta] = trozo(a, filas);
  const vistos = a.sucesos.slice(desde, hasta);
  // Los carriles: todos los threads si caben (13 columnas o más cada uno); si no, los del trozo.
  const margen = 6;
  let carriles = a.nombres.map((_, h) => h);
  const caben = Math.floor((ancho - margen) / 13);
  const fuera: number[] = [];
  if (carriles.length > caben) {
    const activos = new Set(vistos.map((s) => s.hilo));
    fuera.push(...carriles.filter((h) => !activos.has(h)));
    carriles = carriles.filter((h) => activos.has(h));
    while (carriles.length > caben) fuera.push(carriles.pop()!);
  }
  const columna = Math.floor((ancho - margen) / carriles.length);
  const x = new Map(carriles.map((h, i) => [h, margen + i * columna]));

  // Una fila: los carriles (│) y, en el suyo, el texto de un thread. Si no cabe, sigue hacia
  // la derecha sobre los carriles vacíos de esa fila; si tampoco cabe hasta el final de la
  // línea, se parte en más filas, todas desde su carril (nunca se corre a otro carril).
  const vacia = (paso: string) => {
    const letras = [...paso.padStart(margen - 1).padEnd(margen)];
    while (letras.length < ancho) letras.push(" ");
    for (const h of carriles) letras[x.get(h)!] = "│";
    return letras;
  };
  const fila = (h: number, texto: string, paso = ""): string[] => {
    const trozos = partir(texto, ancho - x.get(h)!, 3);
    return trozos.map((trozo, k) => {
      const letras = vacia(k === 0 ? paso : "");
      [...trozo].forEach((c, j) => letras[x.get(h)! + j] = c);
      return letras.join("").trimEnd();
    });
  };
  // La cabecera: cada nombre en su columna; si no cabe, en dos líneas («Thread-1» / «(sumar)»).
  const cabecera = (): string[] => {
    const partes = carriles.map((h) => partir(a.nombres[h], columna - 1, 2));
    return [0, 1].filter((k) => k === 0 || partes.some((p) => p.length > 1)).map((k) => {
      const letras = vacia(k === 0 ? "paso" : "");
      carriles.forEach((h, i) =>
        [...(partes[i][k] ?? "")].forEach((c, j) => letras[x.get(h)! + j] = c)
      );
      return letras.join("").trimEnd();
    });
  };

  const lineas = [`Traza: ${a.sucesos.length} sucesos de ${a.nombres.length} threads, en orden`];
  lineas.push(...cabecera());
  lineas.push("─".repeat(ancho));
  if (desde > 0) lineas.push(`   … ${desde} sucesos antes de este trozo (no se muestran)`);
  for (const s of vistos) {
    if (!x.has(s.hilo)) continue;
    lineas.push(...fila(s.hilo, etiqueta(a, s), String(s.paso)));
    if (marcado(s)) lineas.push(...fila(s.hilo, marca(a, s)));
  }
  if (hasta < a.sucesos.length) {
    lineas.push(`   … ${a.sucesos.length - hasta} sucesos después (no se muestran)`);
  }
  lineas.push("─".repeat(ancho));
  if (fuera.length) {
    lineas.push(`Carriles que no caben: ${fuera.map((h) => a.nombres[h]).join(", ")}`);
  }
  lineas.push(...totales(a));
  // Lo que el alumno quiere saber de cada Lock y Semaphore, en toda la traza (no solo el trozo).
  const cerrojos = [...a.maxDentro].filter(([o]) =>
    /Lock|Semaphore/.test(a.objetos.get(o)?.tipo ?? "")
  );
  // Cinco o más con la misma cuenta (los 5 tenedores, 1 cada uno): una frase, no cinco.
  const [primero] = cerrojos;
  const aLaVez = cerrojos.length >= 5 && cerrojos.every(([, n]) => n === primero[1])
    ? [`${primero[1]} con cada uno de los ${cerrojos.length} ${a.objetos.get(primero[0])!.tipo}`]
    : cerrojos.map(([o, n]) => `${n} con ${nombreDe(a, o)}`);
  if (aLaVez.length) lineas.push(...partir(`Como mucho a la vez: ${aLaVez.join(", ")}`, ancho, 3));
  if (a.ciclo) lineas.push(...frasesDelCiclo(a));
  if (a.descartados) lineas.push(fraseDescartados(a));
  if (a.escribe) lineas.push(`Sumas perdidas en la traza: ${a.perdidas}`);
  return lineas;
}

/**
 * Parte `texto` en trozos de `ancho` letras como mucho, por los espacios (una palabra más
 * larga, por donde caiga), en `maximo` trozos: si sobra, el último acaba en «…».
 */
export function partir(texto: string, ancho: number, maximo: number): string[] {
  const trozos: string[] = [];
  let resto = [...texto];
  while (resto.length > 0 && trozos.length < maximo) {
    if (resto.length <= ancho) {
      trozos.push(resto.join(""));
      resto = [];
      break;
    }
    let corte = resto.lastIndexOf(" ", ancho);
    if (corte <= 0) corte = ancho;
    trozos.push(resto.slice(0, corte).join("").trimEnd());
    resto = [...resto.slice(corte).join("").trimStart()];
  }
  if (resto.length > 0) {
    const ultimo = [...trozos.pop()!];
    trozos.push(ultimo.slice(0, Math.max(0, ancho - 1)).join("") + "…");
  }
  return trozos;
}

/** Una línea por thread: cuántos sucesos de cada clase. */
function totales(a: Analisis): string[] {
  const lineas = ["Totales por thread:"];
  const largo = Math.max(...a.nombres.map((n) => [...n].length)) + 2;
  for (const [h, nombre] of a.nombres.entries()) {
    const suyos = a.sucesos.filter((s) => s.hilo === h);
    const cuenta = (tipo: Tipo) => suyos.filter((s) => s.tipo === tipo).length;
    // Con los verbos de las etiquetas: «lee 500, escribe 500, pisa 12 sumas».
    const partes: [number, string][] = [
      [cuenta("imprime"), "imprime"],
      [cuenta("pone"), "pone"],
      [cuenta("saca"), "saca"],
      [cuenta("lee"), "lee"],
      [cuenta("escribe"), "escribe"],
      [cuenta("coge"), "coge"],
      [cuenta("espera") + cuenta("espera_aviso"), "espera"],
    ];
    const pisadas = suyos.reduce((n, s) => n + (s.pisa?.cuantas ?? 0), 0);
    const texto = [
      ...partes.filter(([n]) => n !== 0).map(([n, verbo]) => `${verbo} ${n}`),
      ...(pisadas ? [`pisa ${pisadas} ${pisadas === 1 ? "suma" : "sumas"}`] : []),
    ].join(", ");
    const sucesos = `${suyos.length} ${suyos.length === 1 ? "suceso" : "sucesos"}`;
    const linea = `  ${nombre.padEnd(largo)}${sucesos}${texto ? ": " + texto : ""}`;
    lineas.push([...linea].length > ANCHO ? [...linea].slice(0, ANCHO - 1).join("") + "…" : linea);
  }
  return lineas;
}

// ----- La página --------------------------------------------------------------------------

/** Colores Okabe-Ito: se distinguen también con daltonismo. Además, cada cosa tiene su forma. */
const COLOR = {
  lee: "#0072B2", // azul, círculo
  escribe: "#009E73", // verde azulado, cuadrado
  pisa: "#D55E00", // bermellón, fondo de la fila y triángulo
  lock: "#56B4E9", // azul cielo: barra mientras se tiene un Lock
  plaza: "#F0E442", // amarillo (con borde): barra mientras se ocupa una plaza de un Semaphore
  espera: "#E69F00", // naranja: barra rayada mientras se espera
  imprime: "#CC79A7", // púrpura rojizo
  otro: "#000000",
};

const escapar = (texto: string) =>
  texto.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

const FILAS_PAGINA = 4000; // sucesos que se dibujan en la página como mucho
const ALTO = 26; // px por fila
const MARGEN = 90; // px de la columna del paso y el tiempo
const SOBRESALE = 20; // px a la derecha del último carril, para lo que sobresale

/**
 * En el navegador, al abrir la página: cada texto de los carriles que no cabe hasta el borde
 * (el del último carril, una marca ⚠ larga) se estrecha un poco y, si aun así no cabe, se
 * acorta con «…» por en medio, sin tocar el valor («escribe cont… = 9»; el texto entero está
 * en su tooltip). Una marca a la derecha de su suceso se aparta del texto. `data-sobresalen`
 * cuenta los que, aun así, se salen (0).
 */
const AJUSTAR = `
const caber = (t, sitio) => {
  if (t.getComputedTextLength() <= sitio) return;
  const texto = t.textContent;
  const corte = texto.lastIndexOf(" = ");
  const valor = corte > 0 ? texto.slice(corte) : "";
  const antes = corte > 0 ? texto.slice(0, corte) : texto;
  let n = antes.length;
  while (n > 3 && t.getComputedTextLength() * 0.8 > sitio) {
    t.textContent = antes.slice(0, --n) + "…" + valor;
  }
  if (t.getComputedTextLength() > sitio) {
    t.setAttribute("textLength", sitio);
    t.setAttribute("lengthAdjust", "spacingAndGlyphs");
  }
};
let sobresalen = 0;
for (const svg of document.querySelectorAll(".carriles svg")) {
  const borde = svg.width.baseVal.value - 4;
  for (const g of svg.querySelectorAll("g.suceso")) {
    const texto = g.querySelector("text.etiqueta");
    const x = texto.x.baseVal[0].value;
    caber(texto, borde - x);
    const marca = g.querySelector("text.marca");
    if (marca && marca.getAttribute("text-anchor") === "start") {
      const caja = texto.getBBox();
      const desde = Math.max(marca.x.baseVal[0].value, caja.x + caja.width + 16);
      marca.setAttribute("x", desde);
      caber(marca, borde - desde);
    } else if (marca) caber(marca, marca.x.baseVal[0].value - ${MARGEN} - 4);
    for (const t of [texto, marca]) {
      const caja = t ? t.getBBox() : null;
      if (caja && (caja.x < ${MARGEN} || caja.x + caja.width > borde + 4)) sobresalen++;
    }
  }
}
document.body.dataset.sobresalen = sobresalen;
`;

/**
 * La página: un fichero HTML con todo dentro (SVG y CSS), que se abre sin red. Arriba, el
 * momento que importa (el mismo trozo que en la terminal); debajo, la ejecución entera.
 */
export function pagina(a: Analisis): string {
  // Caben en una ventana de 1024 px sin barra horizontal (menos los márgenes de 16 px y una
  // barra vertical de 15): 6 carriles de 144 px, 5 de 173 (y 2, de 400).
  const util = 1024 - 32 - 15 - MARGEN - SOBRESALE;
  const columna = Math.min(400, Math.max(140, Math.floor(util / a.nombres.length)));
  const [desde, hasta] = trozo(a, FILAS_PAGINA);
  const [desdeT, hastaT] = trozo(a, 20); // lo que cabe en la primera pantalla
  const entera = desdeT === 0 && hastaT === a.sucesos.length;
  const avisos = [
    desde > 0 || hasta < a.sucesos.length
      ? `Abajo se dibujan los sucesos ${desde} a ${hasta - 1} de ${a.sucesos.length}.`
      : "",
    a.descartados ? fraseDescartados(a) : "",
  ].filter(Boolean).map((t) => `<p class="aviso">${escapar(t)}</p>`).join("");
  const queEs = a.sucesos.some(marcado)
    ? "la primera suma perdida"
    : a.ciclo
    ? "el final: el interbloqueo"
    : "la primera espera";
  const resumen = a.escribe
    ? `<p class="resumen${a.perdidas ? " mal" : ""}">Sumas perdidas: ${a.perdidas}</p>`
    : "";

  return `<!DOCTYPE html>
<html lang="es">
<head>
<meta charset="utf-8">
<title>Traza: ${escapar(a.nombres.slice(1).join(", ") || "MainThread")}</title>
<style>
  body { font: 18px/1.4 system-ui, sans-serif; margin: 16px; color: #000; background: #fff; }
  h1 { font-size: 28px; margin: 0 0 8px; }
  h2 { font-size: 24px; margin: 24px 0 8px; }
  .resumen { font-size: 26px; font-weight: bold; margin: 4px 0; }
  .resumen.mal { color: ${COLOR.pisa}; }
  .aviso { color: #444; }
  .leyenda span { display: inline-block; margin-right: 18px; }
  .cabecera { position: sticky; top: 0; background: #fff; display: flex;
    padding-left: ${MARGEN}px; border-bottom: 2px solid #000; z-index: 1; }
  .carril { flex: none; font-weight: bold; font-size: 19px; line-height: 1.2; padding: 6px 4px;
    border-left: 2px solid #000; box-sizing: border-box; overflow-wrap: anywhere; }
  svg text { font: 16px system-ui, sans-serif; fill: #000; }
  svg text.paso { fill: #555; font-size: 14px; }
  .guia { stroke: #bbb; stroke-width: 1; }
  .lock { fill: ${COLOR.lock}; }
  .plaza { fill: ${COLOR.plaza}; stroke: #000; stroke-width: 1; }
  .espera { fill: url(#rayas); stroke: ${COLOR.espera}; stroke-width: 1; }
  .fila-pisa { fill: ${COLOR.pisa}; fill-opacity: 0.2; }
  .suceso.pisa text { font-weight: bold; }
  svg text.marca { fill: #000; font-weight: bold; }
  /* Un halo blanco: el texto que pasa por encima de la barra de otro carril se sigue leyendo. */
  svg text.etiqueta { paint-order: stroke; stroke: #fff; stroke-width: 4px; stroke-linejoin: round; }
  .ciclo text { font: bold 18px system-ui, sans-serif; }
</style>
</head>
<body>
<svg width="0" height="0" style="position:absolute"><defs>
<pattern id="rayas" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
<rect width="6" height="6" fill="#fff"/><rect width="3" height="6" fill="${COLOR.espera}"/></pattern>
<marker id="punta" markerUnits="userSpaceOnUse" markerWidth="16" markerHeight="16" refX="15"
 refY="8" orient="auto"><path d="M0 0L16 8L0 16z" fill="#000"/></marker></defs></svg>
<h1>Traza: quién hizo qué, en orden</h1>
${resumen}
<p>${a.sucesos.length} sucesos de ${a.nombres.length} threads. Cada fila es un suceso, en el
orden real; cada columna, un thread. Pasa el ratón por un suceso para ver su paso y su
tiempo.</p>
${avisos}
${a.ciclo ? dibujoDelCiclo(a) : ""}
<p class="leyenda">
  <span><svg width="14" height="14"><circle cx="7" cy="7" r="6" fill="${COLOR.lee}"/></svg> lee</span>
  <span><svg width="14" height="14"><rect x="1" y="1" width="12" height="12" fill="${COLOR.escribe}"/></svg> escribe</span>
  <span><svg width="14" height="14"><rect x="1" y="1" width="12" height="12" fill="${COLOR.pisa}"/></svg> pisa, o parte de una lectura vieja (fila marcada ⚠)</span>
  <span><svg width="10" height="20"><rect x="1" y="0" width="8" height="20" fill="${COLOR.lock}"/></svg> tiene el Lock</span>
  <span><svg width="10" height="20"><rect x="1" y="0" width="8" height="20" fill="${COLOR.plaza}" stroke="#000"/></svg> ocupa una plaza</span>
  <span><svg width="10" height="20"><rect x="1" y="0" width="8" height="20" fill="url(#rayas)" stroke="${COLOR.espera}"/></svg> espera</span>
  <span><svg width="14" height="14"><path d="M1 1h12v12h-12z" fill="none" stroke="${COLOR.imprime}" stroke-width="3"/></svg> imprime</span>
</p>
${
    entera ? "" : `<h2>El momento que importa: ${queEs}</h2>
${filas(a, desdeT, hastaT, columna, "trozo")}
<h2>Toda la ejecución</h2>`
  }
${filas(a, desde, hasta, columna, "todo")}
${resumen}
<script>${AJUSTAR}document.body.dataset.ancho = document.documentElement.scrollWidth;</script>
</body>
</html>
`;
}

/** Los sucesos de `desde` a `hasta` en carriles: una cabecera con los nombres y un SVG. */
function filas(a: Analisis, desde: number, hasta: number, columna: number, id: string): string {
  const vistos = a.sucesos.slice(desde, hasta);
  const ancho = MARGEN + columna * a.nombres.length + SOBRESALE;
  const y = (i: number) => 10 + i * ALTO;
  const xDe = (h: number) => MARGEN + h * columna;

  // Las barras: un Lock tenido o una plaza ocupada (de coge a suelta), una al lado de otra
  // si son varios (un filósofo tiene dos tenedores), y una espera (de espera a coge).
  const abiertos = new Map<string, number>(); // "hilo/objeto/clase" -> fila donde empezó
  const barras: string[] = [];
  const sitios = new Map<string, number>(); // "hilo/objeto" -> su sitio en el carril (0 a 2)
  const barra = (h: number, objeto: number, i0: number, i1: number, espera: boolean, t: string) => {
    const plaza = a.objetos.get(objeto)?.tipo.endsWith("Semaphore");
    const clave = `${h}/${objeto}`;
    if (!sitios.has(clave)) {
      sitios.set(clave, [...sitios.keys()].filter((k) => k.startsWith(`${h}/`)).length % 3);
    }
    const x = xDe(h) + (espera ? 21 : 3 + 6 * sitios.get(clave)!);
    barras.push(
      `<rect class="${espera ? "espera" : plaza ? "plaza" : "lock"}" x="${x}" y="${y(i0) + 4}" ` +
        `width="5" height="${Math.max(ALTO - 8, y(i1) - y(i0))}"><title>${
          escapar(t)
        }</title></rect>`,
    );
  };
  /**
   * Lo que `s` abre o cierra; `dibujar`, con lo que cierra (su clave y la fila donde empezó).
   * La plaza de un Semaphore que suelta otro thread (el consumidor libera el hueco que ocupó
   * el productor) cierra la más antigua de ese Semaphore, en el carril de quien la ocupó.
   */
  const pasar = (s: Suceso, i: number, dibujar: (clave: string, desde: number) => void) => {
    const clave = `${s.hilo}/${s.objeto}`;
    if (s.tipo === "espera") abiertos.set(`${clave}/espera`, i);
    if (s.tipo === "coge" || s.tipo === "no_coge") {
      const e = abiertos.get(`${clave}/espera`);
      if (e !== undefined) dibujar(`${clave}/espera`, e);
      abiertos.delete(`${clave}/espera`);
      if (s.tipo === "coge") abiertos.set(`${clave}/lock`, i);
    }
    if (s.tipo === "suelta") {
      const suya = abiertos.has(`${clave}/lock`)
        ? `${clave}/lock`
        : [...abiertos.keys()].find((k) => k.endsWith(`/${s.objeto}/lock`));
      if (suya === undefined) return;
      dibujar(suya, abiertos.get(suya)!);
      abiertos.delete(suya);
    }
  };
  // Lo que ya estaba abierto antes de la primera fila (un Lock tenido, una plaza, una
  // espera): su barra empieza arriba, en la fila 0.
  a.sucesos.slice(0, desde).forEach((s) => pasar(s, 0, () => {}));
  for (const clave of abiertos.keys()) abiertos.set(clave, 0);
  vistos.forEach((s, i) =>
    pasar(s, i, (clave, desde) => {
      const [h, objeto, clase] = clave.split("/");
      const verbo = clase === "espera" ? "espera" : "tiene";
      const quien = a.nombres[Number(h)];
      barra(
        Number(h),
        Number(objeto),
        desde,
        i,
        clase === "espera",
        `${quien} ${verbo} ${nombreDe(a, Number(objeto))}`,
      );
    })
  );
  // Lo que sigue abierto al final (un interbloqueo, o lo que sigue tras el trozo): hasta la
  // última fila.
  for (const [clave, i] of abiertos) {
    const [h, objeto, clase] = clave.split("/");
    const verbo = clase === "lock" ? "tiene" : "espera";
    barra(
      Number(h),
      Number(objeto),
      i,
      vistos.length,
      clase === "espera",
      `${a.nombres[Number(h)]} ${verbo} ${nombreDe(a, Number(objeto))} ${
        hasta < a.sucesos.length ? "(sigue tras la última fila)" : "hasta el final"
      }`,
    );
  }

  const sucesos = vistos.map((s, i) => {
    const x0 = xDe(s.hilo) + 42;
    const yc = y(i) + ALTO / 2;
    const texto = etiqueta(a, s);
    // La marca ⚠, al lado: a la derecha en los primeros carriles, a la izquierda en los últimos.
    const izquierda = s.hilo >= a.nombres.length / 2;
    const aviso = marcado(s)
      ? `<text class="marca" x="${izquierda ? x0 - 24 : x0 + columna}" y="${yc + 5}" ` +
        `text-anchor="${izquierda ? "end" : "start"}">${escapar(marca(a, s))}</text>`
      : "";
    const titulo = `paso ${s.paso} · ${coma(s.ms, 3)} ms · ${a.nombres[s.hilo]}: ${texto}` +
      (marcado(s) ? ` ${marca(a, s)}` : "");
    const fondo = marcado(s)
      ? `<rect class="fila-pisa" x="${MARGEN}" y="${y(i)}" width="${
        ancho - MARGEN
      }" height="${ALTO}"/>`
      : "";
    const forma = s.tipo === "lee"
      ? `<circle cx="${x0 - 6}" cy="${yc}" r="6" fill="${COLOR.lee}"/>`
      : s.tipo === "escribe"
      ? `<rect x="${x0 - 12}" y="${yc - 6}" width="12" height="12" fill="${
        marcado(s) ? COLOR.pisa : COLOR.escribe
      }"/>`
      : s.tipo === "imprime"
      ? `<path d="M${x0 - 12} ${
        yc - 6
      }h12v12h-12z" fill="none" stroke="${COLOR.imprime}" stroke-width="3"/>`
      : `<circle cx="${x0 - 6}" cy="${yc}" r="3" fill="${COLOR.otro}"/>`;
    return `<g class="suceso${marcado(s) ? " pisa" : ""}"><title>${escapar(titulo)}</title>` +
      `${fondo}${forma}<text class="etiqueta" x="${x0 + 4}" y="${yc + 5}">${
        escapar(texto)
      }</text>` +
      aviso +
      `<text class="paso" x="8" y="${yc + 5}">paso ${s.paso}</text></g>`;
  });

  const guias = a.nombres.map((_, h) =>
    `<line class="guia" x1="${xDe(h) + 0.5}" y1="0" x2="${xDe(h) + 0.5}" y2="${y(vistos.length)}"/>`
  );
  const cabecera = a.nombres.map((nombre, h) =>
    `<div class="carril" data-hilo="${h}" style="width:${columna}px">${escapar(nombre)}</div>`
  ).join("");
  return `<div class="carriles" id="${id}" style="width:${ancho}px">
<div class="cabecera">${cabecera}</div>
<svg xmlns="http://www.w3.org/2000/svg" width="${ancho}" height="${y(vistos.length) + 10}">
${guias.join("\n")}
${barras.join("\n")}
${sucesos.join("\n")}
</svg>
</div>`;
}

/** El círculo del interbloqueo: cada thread apunta a lo que espera, y eso a quien lo tiene. */
function dibujoDelCiclo(a: Analisis): string {
  const ciclo = a.ciclo!;
  const n = ciclo.length * 2; // threads y objetos, alternados
  const r = 230;
  const c = 310;
  const punto = (k: number) => {
    const angulo = -Math.PI / 2 + (2 * Math.PI * k) / n;
    return [c + r * Math.cos(angulo), c + r * Math.sin(angulo)];
  };
  const nodos: string[] = [];
  const flechas: string[] = [];
  for (let k = 0; k < n; k++) {
    const [hilo, objeto] = ciclo[Math.floor(k / 2)];
    const [x, y] = punto(k);
    const [x2, y2] = punto((k + 1) % n);
    const esThread = k % 2 === 0;
    const texto = esThread ? a.nombres[hilo] : nombreDe(a, objeto);
    nodos.push(
      esThread
        ? `<ellipse cx="${x}" cy="${y}" rx="62" ry="30" fill="${COLOR.espera}"/>`
        : `<rect x="${x - 66}" y="${y - 18}" width="132" height="36" fill="${COLOR.lock}"/>`,
      `<text x="${x}" y="${y + 6}" text-anchor="middle">${escapar(texto)}</text>`,
    );
    // De un nodo al siguiente, acortada para no tapar los nodos.
    const dx = x2 - x;
    const dy = y2 - y;
    const [ax, ay] = [x + dx * 0.3, y + dy * 0.3];
    const [bx, by] = [x + dx * 0.7, y + dy * 0.7];
    flechas.push(
      `<line x1="${ax}" y1="${ay}" x2="${bx}" y2="${by}" stroke="#000" stroke-width="3" ` +
        `marker-end="url(#punta)"><title>${esThread ? "espera" : "lo tiene"}</title></line>`,
    );
  }
  const [titulo, ...lineas] = frasesDelCiclo(a);
  return `<h2>Interbloqueo</h2>
<p>${escapar(titulo.replace(/:$/, "."))} Nadie puede avanzar. Las flechas dicen «espera»
(del thread a lo que espera) y «lo tiene» (de lo que se espera a quien lo tiene).</p>
<svg class="ciclo" xmlns="http://www.w3.org/2000/svg" width="${2 * c}" height="${2 * c}">
${flechas.join("\n")}
${nodos.join("\n")}
</svg>
<ul>${lineas.map((l) => `<li>${escapar(l.trim())}</li>`).join("")}</ul>`;
}

// ----- Chrome Trace (Perfetto) ------------------------------------------------------------

/**
 * El formato Trace Event de Chrome: un objeto con `traceEvents`. Cada thread, su nombre (un
 * suceso "M"); cada suceso, un instante ("i", en µs); cada Lock tenido y cada espera, una
 * duración ("X", con `dur`).
 */
export function chromeTrace(a: Analisis): string {
  const us = (ms: number) => Math.round(ms * 1000);
  const eventos: Record<string, unknown>[] = a.nombres.map((nombre, tid) => ({
    ph: "M",
    name: "thread_name",
    pid: 1,
    tid,
    args: { name: nombre },
  }));
  const abiertos = new Map<string, Suceso>();
  for (const s of a.sucesos) {
    const texto = etiqueta(a, s);
    eventos.push({
      ph: "i",
      s: "t",
      name: marcado(s) ? `${texto} ${marca(a, s)}` : texto,
      cat: s.tipo,
      pid: 1,
      tid: s.hilo,
      ts: us(s.ms),
      args: { paso: s.paso, objeto: a.objetos.get(s.objeto)?.nombre ?? null, valor: s.valor },
    });
    const clave = `${s.hilo}/${s.objeto}`;
    if (s.tipo === "espera") abiertos.set(`e${clave}`, s);
    if (s.tipo === "coge" || s.tipo === "no_coge") {
      const e = abiertos.get(`e${clave}`);
      if (e) {
        eventos.push({
          ph: "X",
          name: `espera ${nombreDe(a, s.objeto)}`,
          cat: "espera",
          pid: 1,
          tid: s.hilo,
          ts: us(e.ms),
          dur: us(s.ms) - us(e.ms),
        });
        abiertos.delete(`e${clave}`);
      }
      if (s.tipo === "coge") abiertos.set(`c${clave}`, s);
    }
    if (s.tipo === "suelta") {
      const c = abiertos.get(`c${clave}`);
      if (c) {
        eventos.push({
          ph: "X",
          name: `tiene ${nombreDe(a, s.objeto)}`,
          cat: "lock",
          pid: 1,
          tid: s.hilo,
          ts: us(c.ms),
          dur: us(s.ms) - us(c.ms),
        });
        abiertos.delete(`c${clave}`);
      }
    }
  }
  return JSON.stringify({
    traceEvents: eventos,
    displayTimeUnit: "ms",
    otherData: { sumasPerdidas: a.perdidas, descartados: a.descartados },
  });
}
