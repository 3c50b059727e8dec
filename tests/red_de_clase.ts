// Una clase con varios equipos, dentro de esta máquina: el del profesor y los de los alumnos,
// cada uno en su espacio de red de Linux (`ip netns`), unidos por cables virtuales (veth) a un
// switch (un bridge) con direcciones propias, 10.77.0.0/24. Cada equipo tiene su `lo`, sus
// puertos y sus rutas: el servidor del profesor escucha en 0.0.0.0:9999 como en clase, y el
// alumno se conecta con `--host 10.77.0.1`. Nada sale de esos espacios de red.
//
// Se monta con `RedDeClase.montar()` (o `conRedDeClase(...)`) y se desmonta con `await using`:
// mata todo lo que quede en marcha en cada equipo y borra los espacios de red, también si el
// test falla. Los nombres llevan el pid del test, una marca de este módulo (con --parallel,
// varios ficheros de test comparten proceso) y un contador: otros tests (y CI) montan la suya
// a la vez. Hace falta Linux, root e `ip` (iproute2); sin eso los tests lo dicen y se
// saltan, salvo en CI (CI=true), donde fallan: allí tienen que ejecutarse.
//
// Orden de lectura: las direcciones de la clase, si se puede montar, un equipo, la red, y las
// situaciones que los tests de los clientes necesitan (el servidor del profesor, el alumno que
// se conecta, y cada dirección equivocada).

import { EnMarcha, type Opciones, type Resultado } from "./ayuda.ts";

// ---------------------------------------------------------------------------------------------
// Las direcciones de la clase

/** El equipo del profesor. */
export const PROFESOR = "10.77.0.1";
/** El alumno `n` (1, 2...) tiene la dirección 10.77.0.<n + 1>. */
export const alumno = (n: number): string => `10.77.0.${n + 1}`;
/** En la misma red, pero sin nadie: el sistema pregunta por ella (ARP) y a los 3 s se rinde. */
export const NADIE = "10.77.0.200";
/**
 * Otra dirección del equipo del profesor, tras un cortafuegos que descarta en silencio (como
 * Windows cuando no se le dio permiso a la red): llega la petición y nunca sale respuesta.
 */
export const CORTAFUEGOS = "10.77.0.99";
/** Las direcciones del equipo del profesor que no son de la clase: Docker (docker0) y una VPN (tun0). */
export const DOCKER = "172.17.0.1";
export const VPN = "10.8.0.2";
/** Una red a la que no lleva ninguna ruta: el sistema contesta que no se llega, al momento. */
export const OTRA_RED = "10.78.0.1";
/** El puerto de los scripts: cada equipo tiene los suyos, así que está libre. */
export const PUERTO = 9999;

// ---------------------------------------------------------------------------------------------
// ¿Se puede montar aquí?

/**
 * La variable de entorno `nombre`, sin pedir --allow-env: la lee un proceso hijo, que hereda
 * el entorno (`printenv`; donde no lo hay, `deno eval`).
 */
function variable(nombre: string): string | undefined {
  if (Deno.permissions.querySync({ name: "env", variable: nombre }).state === "granted") {
    return Deno.env.get(nombre);
  }
  const formas: [string, string[]][] = [
    ["printenv", [nombre]],
    [Deno.execPath(), ["eval", `console.log(Deno.env.get(${JSON.stringify(nombre)}) ?? "")`]],
  ];
  for (const [programa, args] of formas) {
    try {
      const { stdout } = new Deno.Command(programa, { args, stderr: "null" }).outputSync();
      return new TextDecoder().decode(stdout).trim() || undefined;
    } catch {
      // no hay ese programa: la forma siguiente
    }
  }
  return undefined;
}

/** En CI (CI=true) los tests de red de clase no se saltan: si no se puede montar, fallan. */
export const enCI: boolean = variable("CI") === "true";

/** Los espacios de red de este módulo: `clase-<pid>-<marca>-<n>-profesor`, `...-alumno1`... */
const PREFIJO = `clase-${Deno.pid}-${Math.random().toString(36).slice(2, 6)}-`;

/**
 * Por qué no se puede montar la red aquí, o `null` si se puede: hace falta Linux, `ip` de
 * iproute2 y poder crear espacios de red (root); se prueba creando uno y borrándolo.
 */
export const sinRedDeClase: string | null = (() => {
  if (Deno.build.os !== "linux") {
    return `los espacios de red son de Linux (esto es ${Deno.build.os})`;
  }
  const sonda = `${PREFIJO}sonda`;
  try {
    const { success } = new Deno.Command("ip", { args: ["netns", "add", sonda], stderr: "null" })
      .outputSync();
    if (!success) return "no se pueden crear espacios de red (hace falta ser root)";
  } catch {
    return "falta `ip` (apt-get install iproute2)";
  }
  new Deno.Command("ip", { args: ["netns", "del", sonda] }).outputSync();
  return null;
})();

/** `ignore` de los tests de red de clase: se saltan sin red, salvo en CI. */
export const saltarClase: boolean = sinRedDeClase !== null && !enCI;

if (saltarClase) {
  console.error(`Se saltan los tests de red de clase: ${sinRedDeClase}.`);
}

/**
 * Ejecuta órdenes de `ip`, una por línea (`ip -batch -`), en el espacio de red `espacio` (o en
 * el de esta máquina, con `null`). Una sola `ip` para todas: es lo que más cuesta al montar.
 * Se para en la primera que falla, y falla con su error.
 */
async function ipLote(espacio: string | null, ordenes: string[]): Promise<void> {
  const dentro = espacio === null ? [] : ["-n", espacio];
  const ip = new Deno.Command("ip", {
    args: [...dentro, "-batch", "-"],
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const teclado = ip.stdin.getWriter();
  await teclado.write(new TextEncoder().encode(ordenes.join("\n") + "\n"));
  await teclado.close();
  const { success, stderr } = await ip.output();
  if (!success) {
    const error = new TextDecoder().decode(stderr).trim();
    throw new Error(`ip ${dentro.join(" ")} -batch: ${error}\n${ordenes.join("\n")}`);
  }
}

/** La salida de `ip <args>` (vacía si falla: solo para listar). */
function ipLista(...args: string[]): string[] {
  const { stdout } = new Deno.Command("ip", { args, stdout: "piped", stderr: "null" })
    .outputSync();
  return new TextDecoder().decode(stdout).split("\n").filter((linea) => linea !== "");
}

// ---------------------------------------------------------------------------------------------
// Un equipo de la clase

/** Mata (SIGKILL) todo lo que esté en marcha en el espacio de red `espacio`, hijos incluidos. */
function matarTodo(espacio: string): void {
  for (const pid of ipLista("netns", "pids", espacio)) {
    try {
      Deno.kill(Number(pid), "SIGKILL");
    } catch {
      // ya había terminado
    }
  }
}

/** Un equipo: un espacio de red con su dirección, donde se ejecutan scripts con `deno`. */
export class Equipo {
  readonly procesos: EnMarcha[] = [];
  /** Los que se arrancaron con stdin "piped" sin `entrada`: su teclado se cierra al apagar. */
  readonly #conTeclado: EnMarcha[] = [];

  constructor(readonly espacio: string, readonly direccion: string) {}

  /**
   * `deno <args>` en marcha en este equipo (`ip netns exec <espacio> deno ...`, que se
   * convierte en deno: su pid es el del script). Se lee su salida línea a línea y, con
   * `stdin: "piped"`, se le escribe (`proceso.stdin`). La red lo mata al desmontarse.
   */
  arrancar(args: string[], stdin: "piped" | "null" = "null", opciones: Opciones = {}): EnMarcha {
    const enMarcha = new EnMarcha(
      ["netns", "exec", this.espacio, Deno.execPath(), ...args],
      stdin,
      { ...opciones, programa: "ip" },
    );
    this.procesos.push(enMarcha);
    if (stdin === "piped" && opciones.entrada === undefined) this.#conTeclado.push(enMarcha);
    return enMarcha;
  }

  /** `deno <args>` en este equipo hasta que termine (con `entrada` por stdin, si se da). */
  ejecutar(args: string[], entrada?: string, opciones: Opciones = {}): Promise<Resultado> {
    return this.arrancar(args, "null", { ...opciones, entrada }).fin();
  }

  /** Mata todo lo que sigue en marcha en este equipo (también los hijos) y espera a los suyos. */
  async apagar(): Promise<void> {
    matarTodo(this.espacio);
    for (const enMarcha of this.procesos) enMarcha.senal("SIGKILL");
    await Promise.all([
      ...this.procesos.map((enMarcha) => enMarcha.fin()),
      ...this.#conTeclado.map((enMarcha) => enMarcha.proceso.stdin.close().catch(() => {})),
    ]);
  }
}

// ---------------------------------------------------------------------------------------------
// La red

let contador = 0;

/** ¿Sigue en marcha el proceso `pid`? (`kill -0`; Deno no deja mirar /proc sin -A.) */
function vivo(pid: string): boolean {
  return new Deno.Command("sh", { args: ["-c", 'kill -0 "$1"', "sh", pid], stderr: "null" })
    .outputSync().success;
}

/**
 * Borra los espacios de red que dejó un test que ya no existe (matado a mitad, sin llegar a
 * desmontar): su nombre lleva su pid. Los de un test en marcha, ni tocarlos.
 */
function barrerRestos(): void {
  const vivos = new Map<string, boolean>();
  for (const linea of ipLista("netns", "list")) {
    const espacio = linea.split(" ")[0];
    const pid = espacio.match(/^clase-(\d+)-/)?.[1];
    if (pid === undefined || Number(pid) === Deno.pid) continue;
    if (!vivos.has(pid)) vivos.set(pid, vivo(pid));
    if (vivos.get(pid)) continue;
    matarTodo(espacio);
    ipLista("netns", "del", espacio);
  }
}

/**
 * Una clase: el equipo del profesor (10.77.0.1, con el switch de la clase) y `alumnos`
 * equipos de alumno (10.77.0.2, 10.77.0.3...), cada uno con un cable hasta el switch.
 */
export class RedDeClase implements AsyncDisposable {
  readonly profesor: Equipo;
  readonly alumnos: Equipo[];
  /** Cuánto tardó en montarse, en ms (al desmontarse, `desmontadaEnMs`). */
  montadaEnMs = 0;
  desmontadaEnMs = 0;

  private constructor(profesor: Equipo, alumnos: Equipo[]) {
    this.profesor = profesor;
    this.alumnos = alumnos;
  }

  /** Todos los equipos, el del profesor primero. */
  get equipos(): Equipo[] {
    return [this.profesor, ...this.alumnos];
  }

  /** Monta la red. Si algo falla a medias, desmonta lo montado y falla. */
  static async montar(alumnos = 2): Promise<RedDeClase> {
    if (sinRedDeClase !== null) {
      const ci = enCI ? " (en CI estos tests no se saltan: tienen que ejecutarse)" : "";
      throw new Error(`No se puede montar la red de clase: ${sinRedDeClase}${ci}.`);
    }
    const inicio = performance.now();
    barrerRestos();
    const nombre = `${PREFIJO}${++contador}`;
    const red = new RedDeClase(
      new Equipo(`${nombre}-profesor`, PROFESOR),
      Array.from(
        { length: alumnos },
        (_, i) => new Equipo(`${nombre}-alumno${i + 1}`, alumno(i + 1)),
      ),
    );
    const profe = red.profesor.espacio;
    try {
      // Los equipos, y un cable (veth) de cada alumno al switch: eth0 en el equipo del
      // alumno, alumnoN en el del profesor. Se crean ya dentro de sus espacios de red.
      await ipLote(null, [
        ...red.equipos.map((equipo) => `netns add ${equipo.espacio}`),
        ...red.alumnos.map((equipo, i) =>
          `link add eth0 netns ${equipo.espacio} type veth peer name alumno${i + 1} netns ${profe}`
        ),
      ]);
      // El equipo del profesor: el switch de la clase (un bridge) con su dirección, y los
      // cables de los alumnos enchufados. Y un cortafuegos que descarta en silencio, sin
      // netfilter: lo que saldría desde CORTAFUEGOS (el SYN-ACK, o el RST si nadie escucha)
      // va a un agujero negro.
      await ipLote(profe, [
        "link set lo up",
        "link add clase type bridge",
        `addr add ${PROFESOR}/24 dev clase`,
        `addr add ${CORTAFUEGOS}/24 dev clase`,
        "link set clase up",
        ...red.alumnos.map((_, i) => `link set alumno${i + 1} master clase up`),
        `rule add from ${CORTAFUEGOS} blackhole`,
        // Y lo que tiene el portátil de un profesor con Docker y una VPN: direcciones que no
        // son de la red de clase (los servidores no deben dárselas a los alumnos).
        "link add docker0 type bridge",
        `addr add ${DOCKER}/16 dev docker0`,
        "link add tun0 type veth peer name tun0-otro", // sin el módulo dummy: un cable suelto
        `addr add ${VPN}/24 dev tun0`,
        "link set tun0 up",
      ]);
      // Cada equipo de alumno: su dirección en eth0.
      await Promise.all(red.alumnos.map((equipo) =>
        ipLote(equipo.espacio, [
          "link set lo up",
          `addr add ${equipo.direccion}/24 dev eth0`,
          "link set eth0 up",
        ])
      ));
    } catch (error) {
      red.#borrar();
      throw error;
    }
    red.montadaEnMs = performance.now() - inicio;
    return red;
  }

  #borrar(): void {
    for (const equipo of this.equipos) ipLista("netns", "del", equipo.espacio);
  }

  /** Mata lo que siga en marcha en cada equipo y borra los espacios de red (y los cables). */
  async [Symbol.asyncDispose](): Promise<void> {
    const inicio = performance.now();
    try {
      await Promise.all(this.equipos.map((equipo) => equipo.apagar()));
    } finally {
      this.#borrar();
      this.desmontadaEnMs = performance.now() - inicio;
    }
  }

  /**
   * Lo mismo, sin esperar a nada (para el evento "unload", que no espera promesas): mata lo
   * que siga en marcha y borra los espacios de red.
   */
  desmontarYa(): void {
    for (const equipo of this.equipos) matarTodo(equipo.espacio);
    this.#borrar();
  }

  /** ¿Siguen ahí sus espacios de red? (Los tests comprueban que se borran.) */
  existe(): boolean {
    const espacios = ipLista("netns", "list").map((linea) => linea.split(" ")[0]);
    return this.equipos.some((equipo) => espacios.includes(equipo.espacio));
  }
}

/** Monta una red de clase, ejecuta `fn` con ella y la desmonta siempre, falle o no. */
export async function conRedDeClase<T>(
  fn: (red: RedDeClase) => Promise<T>,
  alumnos = 2,
): Promise<T> {
  await using red = await RedDeClase.montar(alumnos);
  return await fn(red);
}

// ---------------------------------------------------------------------------------------------
// Las situaciones de clase

/** Espera una promesa como mucho `ms`; si no llega, falla diciendo `que`. */
export async function aTiempo<T>(promesa: Promise<T>, ms: number, que: string): Promise<T> {
  let reloj: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promesa,
      new Promise<never>((_, fallar) => {
        reloj = setTimeout(() => fallar(new Error(`no llegó a tiempo (${ms} ms): ${que}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(reloj);
  }
}

/** Lo que tarda como mucho un script en arrancar y hacer algo sencillo, con la máquina ocupada. */
export const PLAZO_MS = 15_000;

/**
 * El profesor arranca `script` (un servidor de sockets/) en su equipo, como en clase: sin
 * opciones, escucha en 0.0.0.0:9999. Con `permisos` (si no, `--allow-net`) y `opciones`
 * detrás del script. Espera a que diga «... escuchando en ...» (lo que escriba después, como
 * la orden para los alumnos, se lee del `EnMarcha` que devuelve).
 */
export async function servidorDelProfesor(
  red: RedDeClase,
  script: string,
  { permisos = ["--allow-net"], opciones = [] as string[] } = {},
): Promise<EnMarcha> {
  const servidor = red.profesor.arrancar(["run", ...permisos, script, ...opciones]);
  servidor.limitar(60_000); // nunca más que esto, pase lo que pase en el test
  const listo = await aTiempo(
    servidor.hastaTexto("escuchando en"),
    PLAZO_MS,
    `${script} arrancando`,
  );
  if (!listo) {
    const { stdout, stderr } = await servidor.parar("SIGKILL");
    throw new Error(`${script} no arrancó en el equipo del profesor:\n${stdout}${stderr}`);
  }
  return servidor;
}

/** La orden del alumno: `script` con `--host` (y `--port` solo si no es el de siempre). */
export function ordenDelAlumno(script: string, host: string, port = PUERTO): string[] {
  const puerto = port === PUERTO ? [] : ["--port", String(port)];
  return ["run", "--allow-net", script, "--host", host, ...puerto];
}

/**
 * Un alumno (el 1 si no se dice) ejecuta `script` contra el equipo del profesor (u otro
 * `host`), con `entrada` por stdin, hasta que termine: como mucho `limiteMs` (si no, se le
 * mata y `colgado` es true).
 */
export async function alumnoSeConecta(
  red: RedDeClase,
  script: string,
  entrada: string,
  { n = 1, host = PROFESOR, port = PUERTO, limiteMs = PLAZO_MS } = {},
): Promise<Resultado & { colgado: boolean }> {
  const cliente = red.alumnos[n - 1].arrancar(ordenDelAlumno(script, host, port), "null", {
    entrada,
    limiteMs,
  });
  return { ...await cliente.fin(), colgado: cliente.colgado };
}

/** Una dirección equivocada que un alumno puede escribir, y lo que pasa en la red. */
export interface DireccionEquivocada {
  caso: string;
  host: string;
  port?: number;
  /** Lo que contesta el sistema al conectar, para quien lee el test. */
  red: string;
}

/** Las direcciones equivocadas de una clase (con el servidor del profesor sin arrancar). */
export const DIRECCIONES_EQUIVOCADAS: DireccionEquivocada[] = [
  {
    caso: "nadie escucha en ese puerto del equipo del profesor",
    host: PROFESOR,
    red: "ECONNREFUSED al momento",
  },
  {
    caso: "no hay ningún equipo en esa dirección",
    host: NADIE,
    red: "EHOSTUNREACH tras 3 s de ARP",
  },
  { caso: "una red a la que no se llega", host: OTRA_RED, red: "ENETUNREACH al momento" },
  {
    caso: "el equipo no contesta (un cortafuegos descarta en silencio)",
    host: CORTAFUEGOS,
    red: "nada: connect() se queda esperando (unos 2 minutos en Linux)",
  },
  {
    caso: "un nombre que no existe",
    host: "portatil-del-profesor.invalid",
    red: "la búsqueda del nombre falla (no hay servidor DNS en la clase)",
  },
  { caso: "--host con el puerto", host: `${PROFESOR}:${PUERTO}`, red: "no es un nombre válido" },
  {
    caso: "--host con una URL",
    host: `http://${PROFESOR}:${PUERTO}/`,
    red: "no es un nombre válido",
  },
];

/** Cómo acabó un cliente con una dirección equivocada. */
export interface Intento extends Resultado {
  /** No terminó solo en `esperaMs`: se le pulsó Ctrl+C (SIGINT). */
  ctrlC: boolean;
  /** Ni con Ctrl+C terminó en 5 s: se le mató (SIGKILL). */
  matado: boolean;
  /** Lo que tardó en terminar solo, o hasta el Ctrl+C, en ms (con el arranque de Deno). */
  ms: number;
}

/**
 * Un alumno (el 1) ejecuta `script` con la dirección `direccion`. Si no termina solo en
 * `esperaMs`, se le pulsa Ctrl+C (SIGINT), como haría el alumno, y se anota `colgado`; si
 * tampoco así termina en 5 s, se le mata.
 */
export async function probarDireccion(
  red: RedDeClase,
  script: string,
  direccion: DireccionEquivocada,
  esperaMs: number,
): Promise<Intento> {
  const inicio = performance.now();
  const cliente = red.alumnos[0].arrancar(
    ordenDelAlumno(script, direccion.host, direccion.port),
    "null",
    { entrada: "hola\ncerrar\n" },
  );
  let ctrlC = false;
  let ms = 0;
  const reloj = setTimeout(() => {
    ctrlC = true;
    ms = performance.now() - inicio;
    cliente.senal("SIGINT");
    cliente.limitar(5_000);
  }, esperaMs);
  const resultado = await cliente.fin();
  clearTimeout(reloj);
  if (!ctrlC) ms = performance.now() - inicio;
  return { ...resultado, ctrlC, matado: cliente.colgado, ms };
}

/** Escribe `texto` en el stdin de un script arrancado con stdin "piped" (como quien teclea). */
export async function teclear(enMarcha: EnMarcha, texto: string): Promise<void> {
  const teclado = enMarcha.proceso.stdin.getWriter();
  try {
    await teclado.write(new TextEncoder().encode(texto));
  } finally {
    teclado.releaseLock();
  }
}

/** ¿Hay una traza de JavaScript (o un «error: Uncaught») en este texto? */
export function tieneTraza(texto: string): boolean {
  return /^\s+at .+[:(]/m.test(texto) || /Uncaught|^error:/im.test(texto);
}
