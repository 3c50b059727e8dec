/**
 * Visita guiada: ejecuta cada ejemplo en el orden del capítulo y muestra su salida.
 *
 * Cada script se ejecuta con la orden exacta de su cabecera (`@ejecutar`) y su salida se
 * compara con la que promete la cabecera (`@salida`). Si un ejemplo falla o dice otra cosa,
 * la visita termina con código 1. Los tests (tests/cabeceras_test.ts) usan estas mismas
 * funciones, así que lo que ve la clase es lo que se comprueba.
 *
 * Formato de la cabecera de cada script (un comentario /** ... *\/ al principio):
 *   primera línea           qué muestra el ejemplo
 *   @python                 el ejemplo de Python que porta (apartado y funciones)
 *   @ejecutar               la orden exacta para ejecutarlo
 *   @junto_a                (opcional) el otro script con el que se ejecuta: cliente y servidor
 *   @entrada                (opcional) las líneas que se escriben, una por línea
 *   @salida                 la salida tal como se ve, una línea por línea, donde:
 *     <algo>                  es un texto que cambia de una vez a otra (un pid, un puerto)
 *     ^C                      se pulsa Ctrl+C (cuando el programa ha escrito lo anterior)
 *     ...  (en cualquier orden)          esas líneas salen en cualquier orden
 *     ...  (bloques en cualquier orden)  esos bloques (líneas iguales seguidas) salen
 *                                        enteros, en cualquier orden
 *
 * Los servidores se ejecutan con `--host 127.0.0.1 --port 0` añadido (escuchan solo en este
 * equipo, en un puerto libre que elige el sistema) y su cliente con `--port <ese puerto>`;
 * en la comparación, su dirección cuenta como la de la cabecera, 0.0.0.0:9999.
 *
 * @ejecutar deno run --allow-run --allow-read demo.ts
 */

/** Los ejemplos, en el orden del capítulo y después los que van más allá. */
export const EJEMPLOS = [
  "sockets/servidor.ts",
  "threads/cuadrado_cubo.ts",
  "threads/nombres_pid.ts",
  "threads/carrera.ts",
  "threads/lock.ts",
  "sockets/servidor_multicliente.ts",
  "threads/semaforo.ts",
  "threads/productor_consumidor.ts",
  "threads/procesos_hilos.ts",
];

/** Lo que dice la cabecera de un script. */
export interface Cabecera {
  script: string;
  titulo: string;
  python: string;
  ejecutar: string;
  juntoA?: string;
  entrada: string[];
  salida: string[];
}

/** La raíz del proyecto: las órdenes de las cabeceras se ejecutan desde aquí. */
export const raiz = new URL(".", import.meta.url).pathname;

/** Lee la cabecera de un script (ruta relativa a la raíz, como en `@ejecutar`). */
export function leerCabecera(script: string): Cabecera {
  const texto = Deno.readTextFileSync(raiz + script);
  const comentario = texto.match(/^\/\*\*\n([\s\S]*?)\n \*\//)?.[1];
  if (!comentario) throw new Error(`${script}: no empieza con un comentario /** ... */`);
  const lineas = comentario.split("\n").map((linea) => linea.replace(/^ \*( |$)/, ""));

  const etiquetas: Record<string, string[]> = {};
  let actual = "";
  for (const linea of lineas) {
    const etiqueta = linea.match(/^@(\w+) ?(.*)$/);
    if (etiqueta) {
      actual = etiqueta[1];
      etiquetas[actual] = etiqueta[2] ? [etiqueta[2]] : [];
    } else if (actual && linea.startsWith("  ")) {
      etiquetas[actual].push(linea.slice(2));
    } else if (actual && linea.trim() !== "") {
      throw new Error(`${script}: línea inesperada tras @${actual}: "${linea}"`);
    }
  }
  const una = (nombre: string) => {
    const valor = etiquetas[nombre];
    if (valor?.length !== 1) {
      throw new Error(`${script}: la cabecera necesita una línea @${nombre}`);
    }
    return valor[0];
  };
  const cabecera: Cabecera = {
    script,
    titulo: lineas[0],
    python: una("python"),
    ejecutar: una("ejecutar"),
    juntoA: etiquetas.junto_a?.[0],
    entrada: etiquetas.entrada ?? [],
    salida: etiquetas.salida ?? [],
  };
  if (cabecera.salida.length === 0) throw new Error(`${script}: la cabecera no tiene @salida`);
  if (!cabecera.ejecutar.startsWith("deno run ") || !cabecera.ejecutar.endsWith(` ${script}`)) {
    throw new Error(`${script}: @ejecutar debe ser "deno run <permisos> ${script}"`);
  }
  return cabecera;
}

const EN_CUALQUIER_ORDEN = "  (en cualquier orden)";
const BLOQUES_EN_CUALQUIER_ORDEN = "  (bloques en cualquier orden)";

/** Una línea esperada como expresión regular: cada `<algo>` vale por cualquier texto. */
function patron(esperada: string): RegExp {
  const partes = esperada.split(/<[^<>]+>/).map((parte) =>
    parte.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  );
  return new RegExp(`^${partes.join(".+?")}$`);
}

/**
 * Compara la salida real con la de la cabecera. Devuelve `null` si coinciden, o una frase
 * que dice la primera línea distinta.
 */
export function compararSalida(esperada: string[], real: string[]): string | null {
  const diferencia = (n: number, esperado: string) =>
    `la línea ${n + 1} de la salida no es la de la cabecera:\n` +
    `  cabecera: ${esperado}\n  real:     ${real[n] ?? "(no hay más líneas)"}`;

  let n = 0; // línea real por la que vamos
  for (let i = 0; i < esperada.length;) {
    const marca = [EN_CUALQUIER_ORDEN, BLOQUES_EN_CUALQUIER_ORDEN].find((m) =>
      esperada[i].endsWith(m)
    );
    if (!marca) {
      if (!patron(esperada[i]).test(real[n] ?? "")) return diferencia(n, esperada[i]);
      i++, n++;
      continue;
    }
    // Un grupo: las líneas seguidas con la misma marca.
    const grupo: string[] = [];
    while (i < esperada.length && esperada[i].endsWith(marca)) {
      grupo.push(esperada[i].slice(0, -marca.length).trimEnd());
      i++;
    }
    // Las piezas del grupo: cada línea, o cada bloque de líneas iguales seguidas.
    const piezas: string[][] = [];
    for (const linea of grupo) {
      const ultima = piezas.at(-1);
      if (marca === BLOQUES_EN_CUALQUIER_ORDEN && ultima?.[0] === linea) ultima.push(linea);
      else piezas.push([linea]);
    }
    while (piezas.length > 0) {
      // Cuántas líneas de cada pieza coinciden a partir de la línea n.
      const coinciden = piezas.map((pieza) => {
        let k = 0;
        while (k < pieza.length && patron(pieza[k]).test(real[n + k] ?? "")) k++;
        return k;
      });
      const cabe = piezas.findIndex((pieza, p) => coinciden[p] === pieza.length);
      if (cabe < 0) {
        const mejor = coinciden.indexOf(Math.max(...coinciden));
        const k = coinciden[mejor];
        if (k > 0) return diferencia(n + k, piezas[mejor][k]);
        return diferencia(n, `una de: ${piezas.map((pieza) => pieza[0]).join(" | ")}`);
      }
      n += piezas[cabe].length;
      piezas.splice(cabe, 1);
    }
  }
  if (n < real.length) return diferencia(n, "(no hay más líneas)");
  return null;
}

/** Resultado de ejecutar un script con la orden de su cabecera. */
export interface Ejecucion {
  cabecera: Cabecera;
  orden: string;
  code: number;
  lineas: string[];
  stderr: string;
  /** `null` si la salida es la de la cabecera; si no, la primera diferencia. */
  diferencia: string | null;
}

/** Tiempo máximo de cada ejemplo: ninguno se queda colgado. */
const LIMITE_MS = 60_000;

/** Arranca una orden de cabecera (con `extra` añadido al final) desde la raíz. */
function arrancar(orden: string, extra: string[], entrada: string[] | null) {
  const [, ...args] = orden.split(" ");
  const proceso = new Deno.Command(Deno.execPath(), {
    args: [...args, ...extra],
    cwd: raiz,
    env: { NO_COLOR: "1" },
    stdin: entrada ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const limite = setTimeout(() => proceso.kill("SIGKILL"), LIMITE_MS);
  proceso.status.then(() => clearTimeout(limite));
  if (entrada) {
    const escritor = proceso.stdin.getWriter();
    escritor.write(new TextEncoder().encode(entrada.map((linea) => linea + "\n").join("")))
      .then(() => escritor.close()).catch(() => {});
  }
  const lineas: string[] = [];
  let avisar = () => {};
  const stdout = (async () => {
    let pendiente = "";
    for await (const trozo of proceso.stdout.pipeThrough(new TextDecoderStream())) {
      pendiente += trozo;
      const partes = pendiente.split("\n");
      pendiente = partes.pop()!;
      lineas.push(...partes);
      avisar();
    }
    if (pendiente) lineas.push(pendiente);
    avisar();
  })();
  /** Espera a que haya escrito `n` líneas (o a que termine). */
  const esperarLineas = async (n: number) => {
    let terminado = false;
    stdout.then(() => terminado = true);
    while (lineas.length < n && !terminado) {
      await new Promise<void>((seguir) => {
        avisar = seguir;
        stdout.then(seguir);
      });
    }
  };
  const fin = async () => {
    const [{ code }, stderr] = await Promise.all([
      proceso.status,
      new Response(proceso.stderr).text(),
      stdout,
    ]);
    return { code, stderr, lineas };
  };
  return { proceso, lineas, esperarLineas, fin, orden: [orden, ...extra].join(" ") };
}

/** Compone el resultado de una ejecución. */
function resultado(
  cabecera: Cabecera,
  orden: string,
  { code, lineas, stderr }: { code: number; lineas: string[]; stderr: string },
  comparables = lineas,
): Ejecucion {
  let diferencia = compararSalida(cabecera.salida, comparables);
  if (code !== 0) diferencia = `terminó con código ${code}: ${stderr.trim()}`;
  return {
    cabecera,
    orden,
    code,
    lineas,
    stderr,
    diferencia: diferencia && `${cabecera.script}: ${diferencia}`,
  };
}

/**
 * Ejecuta un ejemplo con la orden de su cabecera. Un servidor se ejecuta junto a su cliente
 * (`@junto_a`), al que se le da la `@entrada` de la cabecera del cliente. Si la `@salida` del
 * servidor tiene una línea `^C`, cuando ha escrito lo anterior recibe Ctrl+C (SIGINT), y la
 * línea `^C` se añade a su salida en ese punto, como en la terminal.
 * Devuelve una ejecución por script (el servidor primero).
 */
export async function ejecutarEjemplo(script: string): Promise<Ejecucion[]> {
  const cabecera = leerCabecera(script);
  if (!cabecera.juntoA) {
    const uno = arrancar(cabecera.ejecutar, [], cabecera.entrada.length ? cabecera.entrada : null);
    return [resultado(cabecera, uno.orden, await uno.fin())];
  }

  const delCliente = leerCabecera(cabecera.juntoA);
  const servidor = arrancar(cabecera.ejecutar, ["--host", "127.0.0.1", "--port", "0"], null);
  await servidor.esperarLineas(1);
  const { lineas } = servidor;
  const port = lineas[0]?.match(/127\.0\.0\.1:(\d+)$/)?.[1];
  if (!port) {
    servidor.proceso.kill("SIGKILL");
    return [resultado(cabecera, servidor.orden, await servidor.fin())];
  }
  const cliente = arrancar(delCliente.ejecutar, ["--port", port], delCliente.entrada);
  const delClienteFin = await cliente.fin();

  const ctrlC = cabecera.salida.indexOf("^C");
  if (ctrlC >= 0) {
    await servidor.esperarLineas(ctrlC);
    lineas.splice(ctrlC, 0, "^C"); // lo que se ve en la terminal al pulsar Ctrl+C
    servidor.proceso.kill("SIGINT");
  }
  const delServidorFin = await servidor.fin();
  // Escuchó en 127.0.0.1:<puerto libre>; la cabecera muestra la dirección por defecto.
  const comoEnLaCabecera = lineas.map((linea) =>
    linea.replaceAll(`127.0.0.1:${port}`, "0.0.0.0:9999")
  );
  return [
    resultado(cabecera, servidor.orden, delServidorFin, comoEnLaCabecera),
    resultado(
      delCliente,
      `printf '${delCliente.entrada.join("\\n")}\\n' | ${cliente.orden}`,
      delClienteFin,
    ),
  ];
}

if (import.meta.main) {
  const inicio = performance.now();
  let fallos = 0;
  for (const [numero, script] of EJEMPLOS.entries()) {
    const cabecera = leerCabecera(script);
    console.log(`\n=== ${numero + 1}. ${cabecera.titulo}`);
    console.log(`    Python: ${cabecera.python}`);
    for (const ejecucion of await ejecutarEjemplo(script)) {
      console.log(`\n$ ${ejecucion.orden}`);
      for (const linea of ejecucion.lineas) console.log(`  ${linea}`);
      if (ejecucion.diferencia) {
        fallos++;
        console.log(`  ✗ ${ejecucion.diferencia}`);
      }
    }
  }
  const segundos = ((performance.now() - inicio) / 1000).toFixed(1);
  if (fallos > 0) {
    console.log(`\n${fallos} ejemplo(s) no hicieron lo que dice su cabecera (${segundos} s).`);
    Deno.exit(1);
  }
  console.log(`\nTodos los ejemplos hicieron lo que dicen sus cabeceras (${segundos} s).`);
}
