import assert from "node:assert/strict";
import { EnMarcha } from "./ayuda.ts";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";

const orden = ["run", "--allow-read", "--allow-run", "threads/procesos_hilos.ts"];
/** El --limite por defecto y los primos que hay por debajo. */
const LIMITE = 4_000_000;
const PRIMOS = 283_146;
/** Con 2 núcleos o más, el tiempo en % del de 1 hilo; con 1, por qué no gana tiempo. */
const comparacion = (nucleos: number) =>
  nucleos < 2
    ? "sin ganar tiempo: con un solo núcleo, las dos partes se turnan"
    : "el \\d+ % del tiempo de 1 hilo";

/**
 * La regla: el mismo número de primos en los tres casos; los workers con el pid del
 * principal; cada proceso con uno nuevo; y cuánto más rápido (o por qué no) en una frase.
 */
function comprobar(lineas: string[], limite: number, primos: number) {
  const nucleos = Number(
    lineas[0].match(
      new RegExp(`^Contar los primos menores que ${limite} \\(núcleos de este equipo: (\\d+)\\)$`),
    )?.[1],
  );
  assert.ok(nucleos >= 1, lineas[0]);
  assert.equal(lineas.length, nucleos < 2 ? 6 : 8, lineas.join("\n"));
  const pid = lineas[1].match(
    new RegExp(`^1 hilo, el principal \\(pid (\\d+)\\): ${primos} primos en \\d+ ms$`),
  )?.[1];
  assert.ok(pid, lineas[1]);
  assert.match(
    lineas[2],
    new RegExp(
      `^2 workers \\(pid ${pid} y ${pid}\\): ${primos} primos en \\d+ ms, ${comparacion(nucleos)}$`,
    ),
  );
  const hijos = lineas[3].match(/^2 procesos \(pid (\d+) y (\d+)\) en marcha\.\.\.$/);
  assert.ok(hijos, lineas[3]);
  assert.equal(new Set([pid, hijos[1], hijos[2]]).size, 3, "cada proceso con su propio pid");
  assert.match(
    lineas[4],
    new RegExp(`^2 procesos: ${primos} primos en \\d+ ms, ${comparacion(nucleos)}$`),
  );
  if (nucleos >= 2) {
    assert.match(lineas[5], /^Con 2 núcleos libres, repartir en 2 baja a algo más del 50 %/);
    assert.match(
      lineas[6],
      /^Si un tiempo pasa del 100 %, fue más lento que 1 hilo: otros programas/,
    );
  }
  assert.equal(
    lineas.at(-1),
    "Los workers tienen el pid del programa principal; cada proceso tiene uno nuevo.",
  );
}

Deno.test("procesos_hilos: mismos primos en los tres casos, pids como se esperan (también en la cabecera)", async () => {
  comprobar(leerCabecera("threads/procesos_hilos.ts").salida, LIMITE, PRIMOS);
  comprobar(await ejecutarCabecera("threads/procesos_hilos.ts"), LIMITE, PRIMOS);
});

/** ¿Existe todavía el proceso `pid`? `kill -0` no envía nada: solo mira si existe. */
async function existe(pid: number): Promise<boolean> {
  const kill = new Deno.Command("kill", { args: ["-0", String(pid)], stderr: "null" });
  return (await kill.output()).success;
}

async function vivos(pids: number[]): Promise<number[]> {
  const existen = await Promise.all(pids.map(existe));
  return pids.filter((_, i) => existen[i]);
}

Deno.test({
  name:
    "procesos_hilos: SIGTERM al padre, o Ctrl+C (que puede llegar antes a un hijo), termina a los hijos y lo dice",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await Promise.all((["SIGTERM", "SIGINT"] as const).map(async (senal) => {
      // Cada hijo tarda más de 100 ms (arrancar Deno y contar): siguen vivos cuando llega la señal.
      const padre = new EnMarcha([...orden, "--limite", "1000000"]);
      let linea;
      while ((linea = await padre.linea()) !== null && !linea.endsWith("en marcha...")) {
        // las líneas de antes: el hilo principal y los workers
      }
      const hijos = linea?.match(/^2 procesos \(pid (\d+) y (\d+)\)/)?.slice(1).map(Number);
      assert.ok(hijos, `no llegó la línea de los procesos: ${padre.lineas.join("\n")}`);
      assert.deepEqual(await vivos(hijos), hijos, "los hijos deberían estar contando");

      // Ctrl+C llega a todo el grupo, y un hijo puede morir antes de que el padre lo vea: aquí,
      // el Ctrl+C solo al hijo. No es que «murió un hijo»: es que se pulsó Ctrl+C.
      const { code, stderr } = senal === "SIGINT"
        ? (Deno.kill(hijos[0], "SIGINT"), await padre.fin())
        : await padre.parar(senal);
      assert.equal(code, senal === "SIGINT" ? 130 : 143, stderr);
      assert.equal(stderr, `\nParado (${senal}): termino también los 2 procesos hijos.\n`);
      assert.deepEqual(await vivos(hijos), [], `${senal}: hijos que siguen vivos`);
    }));
  },
});

Deno.test({
  name: "procesos_hilos: si muere un proceso hijo, lo dice (y no da una cuenta equivocada)",
  ignore: Deno.build.os === "windows",
  async fn() {
    // Cada hijo tarda cientos de ms (arrancar Deno y contar): sigue vivo cuando se le mata.
    const padre = new EnMarcha([...orden, "--limite", "1000000"], "null", { limiteMs: 30_000 });
    let linea;
    while ((linea = await padre.linea()) !== null && !linea.endsWith("en marcha...")) {
      // las líneas de antes: el hilo principal y los workers
    }
    const hijo = Number(linea?.match(/^2 procesos \(pid (\d+) y/)?.[1]);
    assert.ok(hijo, `no llegó la línea de los procesos: ${padre.lineas.join("\n")}`);
    Deno.kill(hijo, "SIGKILL");
    const { code, stderr, lineas } = await padre.fin();
    assert.equal(code, 1);
    assert.equal(
      stderr,
      `Murió un proceso hijo (pid ${hijo}, lo terminó la señal SIGKILL): no hay cuenta.\n`,
    );
    assert.equal(lineas.at(-1), linea, "nada después de «en marcha...»");
  },
});
