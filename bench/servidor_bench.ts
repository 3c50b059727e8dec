// Rapidez de los servidores eco de sockets/, comparada con la de Python y la de C.
//
// Ejecutar (Linux, con cc y python3; sin ellos, se mide lo que se pueda y se dice qué falta):
//   deno run --allow-run --allow-read --allow-net bench/servidor_bench.ts
//   ... bench/servidor_bench.ts --rondas 5 --mensajes 30000 --clientes 200 --por-cliente 100
//   ... bench/servidor_bench.ts --solo muchos --servidores deno,mínimo      solo 200 clientes
// Antes y después de un cambio, en la misma ejecución (la columna «antes», con su red.ts al
// lado; la razón deno/mínimo de cada ronda es la que importa):
//   mkdir -p /tmp/antes && git archive HEAD sockets | tar -x -C /tmp/antes
//   ... bench/servidor_bench.ts --solo muchos --rondas 9 --servidores deno,antes,mínimo \
//         --antes-multi /tmp/antes/sockets/servidor_multicliente.ts
//
// 1. Un cliente, mensajes de 16 bytes de ida y vuelta: sockets/servidor.ts, el servidor de
//    Python del capítulo (bench/referencias/servidor.py) y uno de C (bench/referencias/eco.c).
// 2. Muchos clientes a la vez (200 x 100 mensajes): sockets/servidor_multicliente.ts, Python
//    con un thread por cliente (bench/referencias/servidor_hilos.py) y C con epoll.
//
// La carga la genera un programa de C con epoll (bench/referencias/carga.c), mucho más ligero
// que los servidores: así se mide el servidor y no el cliente. Con taskset, el servidor va en
// el núcleo 1 y la carga en el 0. Las rondas alternan los servidores, para que un rato de
// máquina ocupada no caiga entero sobre uno, y cada ronda empieza por uno distinto. La salida
// de cada servidor va a /dev/null; sus avisos (stderr) solo se muestran si la carga falla.
//
// La columna «mínimo» es el suelo de Deno: bench/referencias/eco_minimo.ts, el eco más corto
// posible (read() y write(), sin imprimir ni decodificar). Lo que separa «deno» de «mínimo» es
// lo que cuesta lo nuestro (imprimir cada mensaje, las letras partidas, los caracteres de
// control); lo que separa «mínimo» de C, lo que cuesta el propio Deno (cada read() y write() es
// una operación asíncrona que pasa por su bucle de eventos y por epoll).

import { parseArgs } from "node:util";
import { raiz } from "../herramientas/procesos.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rondas: { type: "string", default: "5" },
    mensajes: { type: "string", default: "30000" },
    clientes: { type: "string", default: "200" },
    "por-cliente": { type: "string", default: "100" },
    deno: { type: "string", default: "sockets/servidor.ts" },
    "deno-multi": { type: "string", default: "sockets/servidor_multicliente.ts" },
    antes: { type: "string" }, // otra versión de --deno, en la columna «antes»
    "antes-multi": { type: "string" }, // otra versión de --deno-multi, en la columna «antes»
    solo: { type: "string" }, // «uno» o «muchos»: solo esa comparación
    servidores: { type: "string" }, // las columnas, separadas por comas (deno,antes,mínimo...)
  },
});
const rondas = Number(values.rondas);
const columnas = values.servidores?.split(",");

/** ¿Existe esta orden? */
function hay(orden: string, ...args: string[]): boolean {
  try {
    return new Deno.Command(orden, { args, stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

// La carpeta de los programas de C, con mktemp: así basta --allow-run (sin --allow-write).
const carpeta = new TextDecoder().decode(
  new Deno.Command("mktemp", { args: ["-d"] }).outputSync().stdout,
)
  .trim();
const referencias = `${raiz}bench/referencias`;
if (!hay("cc", "--version")) {
  console.log("Falta cc (un compilador de C): sin él no hay generador de carga ni servidor de C.");
  Deno.exit(1);
}
for (const programa of ["carga", "eco"]) {
  const { success, stderr } = new Deno.Command("cc", {
    args: ["-O2", "-o", `${carpeta}/${programa}`, `${referencias}/${programa}.c`],
  }).outputSync();
  if (!success) throw new Error(new TextDecoder().decode(stderr));
}
const python = hay("python3", "-c", "pass");
if (!python) console.log("Falta python3: se mide sin el servidor de Python.");
const taskset = hay("taskset", "-c", "0", "true") && navigator.hardwareConcurrency >= 2;
if (!taskset) {
  console.log("Sin taskset (o con un solo núcleo): servidor y carga comparten núcleos.");
}

/** Una orden en un núcleo (si hay taskset). */
function en(nucleo: number, orden: string[]): [string, string[]] {
  return taskset ? ["taskset", ["-c", String(nucleo), ...orden]] : [orden[0], orden.slice(1)];
}

function puertoLibre(): number {
  const libre = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  libre.close();
  return libre.addr.port;
}

interface Medida {
  porSegundo: number;
  mediana: number;
  p99: number;
}

/** Arranca un servidor, le pasa la carga y lo para. */
async function medir(servidor: string[], clientes: number, porCliente: number): Promise<Medida> {
  const port = puertoLibre();
  const [orden, args] = en(1, servidor.map((arg) => arg.replace("PUERTO", String(port))));
  const proceso = new Deno.Command(orden, {
    args,
    cwd: raiz,
    stdin: "null",
    stdout: "null",
    stderr: "piped", // sus avisos no se mezclan con la tabla
  }).spawn();
  const avisos = new Response(proceso.stderr).text();
  try {
    const [ordenCarga, argsCarga] = en(0, [
      `${carpeta}/carga`,
      String(port),
      String(clientes),
      String(porCliente),
    ]);
    const { success, stdout } = await new Deno.Command(ordenCarga, {
      args: argsCarga,
      stderr: "inherit",
    }).output();
    if (!success) {
      try {
        proceso.kill("SIGTERM");
      } catch {
        // ya había terminado
      }
      throw new Error(`la carga falló contra ${servidor.join(" ")}:\n${await avisos}`);
    }
    const [porSegundo, mediana, p99] = new TextDecoder().decode(stdout).trim().split(" ").map(
      Number,
    );
    return { porSegundo, mediana, p99 };
  } finally {
    try {
      proceso.kill("SIGTERM"); // los de un cliente ya han terminado con «cerrar»
    } catch {
      // ya había terminado
    }
    await proceso.status;
    await avisos;
  }
}

/** La carga media de la máquina (1, 5 y 15 minutos), según `uptime`. */
function carga(): string {
  if (!hay("uptime")) return "desconocida";
  const { stdout } = new Deno.Command("uptime").outputSync();
  return new TextDecoder().decode(stdout).match(/load average: (.*)/)?.[1] ?? "desconocida";
}

/** La mediana de unos números. */
function mediana(numeros: number[]): number {
  const orden = [...numeros].sort((a, b) => a - b);
  const mitad = Math.floor(orden.length / 2);
  return orden.length % 2 ? orden[mitad] : (orden[mitad - 1] + orden[mitad]) / 2;
}

/**
 * Mide cada servidor `rondas` veces, alternándolos (cada ronda empieza por uno distinto), y
 * muestra cada ronda con sus razones; al final, la mediana de cada columna y su recorrido
 * (mínimo-máximo).
 */
async function comparar(
  titulo: string,
  todos: Record<string, string[]>,
  clientes: number,
  porCliente: number,
) {
  const servidores = Object.fromEntries(
    Object.entries(todos).filter(([nombre]) => !columnas || columnas.includes(nombre)),
  );
  console.log(`\n${titulo} (carga de la máquina al empezar: ${carga()})`);
  const nombres = Object.keys(servidores);
  const cabecera = nombres.map((n) => n.padStart(24)).join("");
  const razones = [
    ["deno", "mínimo"],
    ["antes", "mínimo"],
    ["deno", "antes"],
    ["deno", "python"],
    ["deno", "C"],
    ["mínimo", "python"],
    ["mínimo", "C"],
  ].filter(([a, b]) => a in servidores && b in servidores);
  const ancho = (a: string, b: string) => a.length + b.length + 3;
  console.log(`  ronda  ${cabecera}${razones.map(([a, b]) => `  ${a}/${b}`).join("")}`);
  const medidas: Record<string, Medida[]> = Object.fromEntries(nombres.map((n) => [n, []]));
  const cocientes: number[][] = razones.map(() => []);
  for (let ronda = 1; ronda <= rondas; ronda++) {
    const turno = nombres.map((_, i) => nombres[(i + ronda - 1) % nombres.length]);
    for (const nombre of turno) {
      medidas[nombre].push(await medir(servidores[nombre], clientes, porCliente));
    }
    const fila = nombres.map((nombre) => {
      const m = medidas[nombre].at(-1)!;
      return `${m.porSegundo} msg/s ${m.mediana.toFixed(0).padStart(4)} µs`.padStart(24);
    });
    const ultima = (nombre: string) => medidas[nombre].at(-1)!.porSegundo;
    const deEsta = razones.map(([a, b], i) => {
      cocientes[i].push(ultima(a) / ultima(b));
      return cocientes[i].at(-1)!.toFixed(2).padStart(ancho(a, b));
    });
    console.log(`  ${String(ronda).padStart(5)}  ${fila.join("")}${deEsta.join("")}`);
  }
  const recorrido = (numeros: number[], decimales: number) =>
    `${Math.min(...numeros).toFixed(decimales)}-${Math.max(...numeros).toFixed(decimales)}`;
  const porSegundo = (nombre: string) => medidas[nombre].map((m) => m.porSegundo);
  console.log(
    `  mediana${
      nombres.map((n) => `${mediana(porSegundo(n)).toFixed(0)} msg/s`.padStart(24)).join("")
    }` +
      razones.map(([a, b], i) => mediana(cocientes[i]).toFixed(2).padStart(ancho(a, b))).join(""),
  );
  console.log(
    `  recorr.${nombres.map((n) => recorrido(porSegundo(n), 0).padStart(24)).join("")}` +
      razones.map(([a, b], i) => `  ${recorrido(cocientes[i], 2)}`.padStart(ancho(a, b))).join(""),
  );
  console.log(`  (carga de la máquina al acabar: ${carga()}; µs: mediana de la ida y vuelta)`);
}

const deno = (script: string) => [Deno.execPath(), "run", "--allow-net", script];
const delPython = (script: string) => ["python3", `${referencias}/${script}`, "PUERTO"];

// El suelo: el eco más corto que se puede escribir en Deno (sin imprimir ni decodificar).
const minimo = [...deno(`${referencias}/eco_minimo.ts`), "PUERTO"];
const nuestro = (script: string) => [...deno(script), "--host", "127.0.0.1", "--port", "PUERTO"];
const unCliente: Record<string, string[]> = { deno: nuestro(values.deno) };
if (values.antes) unCliente.antes = nuestro(values.antes);
unCliente["mínimo"] = minimo;
if (python) unCliente.python = delPython("servidor.py");
unCliente.C = [`${carpeta}/eco`, "PUERTO"];
// Python escribe su print() de golpe cuando la salida no es una terminal; con -u, línea a
// línea, como console.log: la diferencia es lo que cuesta imprimir cada mensaje.
if (python) unCliente["python -u"] = ["python3", "-u", ...delPython("servidor.py").slice(1)];
if (values.solo !== "muchos") {
  await comparar(
    `Un cliente, ${values.mensajes} mensajes de 16 bytes`,
    unCliente,
    1,
    Number(values.mensajes),
  );
}

const muchos: Record<string, string[]> = { deno: nuestro(values["deno-multi"]) };
if (values["antes-multi"]) muchos.antes = nuestro(values["antes-multi"]);
muchos["mínimo"] = [...minimo, "muchos"];
if (python) muchos.python = delPython("servidor_hilos.py");
muchos.C = [`${carpeta}/eco`, "PUERTO", "epoll"];
if (values.solo !== "uno") {
  await comparar(
    `${values.clientes} clientes a la vez x ${values["por-cliente"]} mensajes de 16 bytes`,
    muchos,
    Number(values.clientes),
    Number(values["por-cliente"]),
  );
}

new Deno.Command("rm", { args: ["-rf", carpeta] }).outputSync();
