/**
 * Concurrencia sin threads: varias tareas en un solo hilo que se turnan en cada `await`.
 *
 * Es lo que en Python hace `asyncio`, y en JavaScript es la forma de siempre: una función
 * `async` es una tarea; `Promise.all([...])` las pone en marcha juntas y espera a todas (el
 * `asyncio.gather` de Python). Hay un solo hilo, así que solo corre una tarea a la vez, y
 * una tarea solo cede el turno en un `await`: entre dos `await`, nadie la interrumpe.
 *
 * Por eso, primero, task1 y task2 se turnan línea a línea, siempre igual: cada una imprime y
 * cede el turno. Con threads (carrera.ts) el orden lo decide el sistema y cambia cada vez.
 *
 * Después, dos tareas suman 1 a un contador compartido `--veces` veces cada una:
 * - `contador += 1` entre dos `await` nunca pierde una suma: leer, sumar y escribir ocurren
 *   sin que otra tarea pueda colarse. Con threads sí se pierden (carrera.ts).
 * - Leer, hacer `await` (como esperar a la red o a un fichero) y después escribir sí pierde
 *   sumas: en el `await` la otra tarea lee el mismo valor, y las dos escriben lo mismo. Aquí
 *   las dos tareas se turnan en cada `await`, así que se pierde exactamente la mitad, en cada
 *   ejecución. El arreglo: no partir con un `await` lo que debe ser indivisible, o un
 *   cerrojo asíncrono (`asyncio.Lock` en Python; `navigator.locks.request` en JavaScript).
 *
 * Python -> JavaScript: `async def` -> `async function`; `await asyncio.sleep(0)` (ceder el
 * turno) -> `await cederTurno()`; `asyncio.run(main())` -> no hace falta: el programa ya corre
 * en el bucle de eventos. No usa la red ni ficheros: se ejecuta sin ningún permiso.
 *
 * @python Apartado 2 «Threads», más allá: concurrencia sin threads, como asyncio (tareas que se turnan en cada await)
 * @ejecutar deno run threads/asincronia.ts
 * @salida
 *   Tarea 1
 *   Tarea 2
 *   Tarea 1
 *   Tarea 2
 *   Tarea 1
 *   Tarea 2
 *   Con contador += 1 entre dos await:
 *   Contador: 2000 (esperado 2000)
 *   Leyendo, con un await, y escribiendo después:
 *   Contador: 1000 (esperado 2000)
 *   Actualizaciones perdidas: 1000
 *   Fin del programa
 * @cambia Nada: en un solo hilo, los turnos van siempre en el mismo orden (con --veces N, las cuentas).
 */

import { parseArgs } from "node:util";

/** Como `asyncio.sleep(0)`: cede el turno a las demás tareas que estén listas, y sigue. */
function cederTurno(): Promise<void> {
  return Promise.resolve();
}

async function task1() {
  for (let i = 0; i < 3; i++) {
    console.log("Tarea 1");
    await cederTurno();
  }
}

async function task2() {
  for (let i = 0; i < 3; i++) {
    console.log("Tarea 2");
    await cederTurno();
  }
}

let contador = 0;

/** Suma de una vez: nadie puede colarse entre leer y escribir. */
async function sumar(veces: number) {
  for (let i = 0; i < veces; i++) {
    contador += 1;
    await cederTurno();
  }
}

/** Lee, espera (cede el turno) y escribe: la otra tarea se cuela en medio. */
async function sumarConAwaitEnMedio(veces: number) {
  for (let i = 0; i < veces; i++) {
    const leido = contador;
    await cederTurno();
    contador = leido + 1;
  }
}

const veces = leerVeces();

await Promise.all([task1(), task2()]); // asyncio.gather(task1(), task2())

console.log("Con contador += 1 entre dos await:");
contador = 0;
await Promise.all([sumar(veces), sumar(veces)]);
console.log(`Contador: ${contador} (esperado ${2 * veces})`);

console.log("Leyendo, con un await, y escribiendo después:");
contador = 0;
await Promise.all([sumarConAwaitEnMedio(veces), sumarConAwaitEnMedio(veces)]);
console.log(`Contador: ${contador} (esperado ${2 * veces})`);
console.log(`Actualizaciones perdidas: ${2 * veces - contador}`);

console.log("Fin del programa");

/** --veces N (y -h/--help), con los errores de uso en una frase y código 2. */
function leerVeces(): number {
  const uso = "Uso: deno run threads/asincronia.ts [--veces 1000]";
  function errorDeUso(frase: string): never {
    console.error(`${frase}\n${uso}`);
    Deno.exit(2);
  }
  // parseArgs lee "--veces -1" como una opción -1 sin valor: lo juntamos en "--veces=-1".
  const args: string[] = [];
  for (const arg of Deno.args) {
    if (args.at(-1) === "--veces" && /^-\d/.test(arg)) args[args.length - 1] += `=${arg}`;
    else args.push(arg);
  }
  let values: { veces: string; help?: boolean };
  try {
    values = parseArgs({
      args,
      options: {
        veces: { type: "string", default: "1000" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const cual = message.match(/'([^' ]+)/)?.[1] ?? "";
    errorDeUso(
      code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE"
        ? `Falta el valor de ${cual}.`
        : code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL"
        ? `Sobra «${cual}»: las opciones empiezan por --.`
        : `Opción desconocida: ${cual}.`,
    );
  }
  if (values.help) {
    console.log(`${uso}
  --veces N   cuántas veces suma 1 cada tarea, de 1 a 1000000 (por defecto 1000)
  -h, --help  esta ayuda`);
    Deno.exit(0);
  }
  const veces = /^\d{1,7}$/.test(values.veces) ? Number(values.veces) : NaN;
  if (!(veces >= 1 && veces <= 1_000_000)) {
    errorDeUso(`--veces debe ser un número de 1 a 1000000 (no "${values.veces}").`);
  }
  return veces;
}
