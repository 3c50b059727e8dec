import assert from "node:assert/strict";
import {
  arrancarServidor,
  bytesDe,
  ejecutar,
  EnMarcha,
  enviar,
  lineasDe,
  ordenServidor,
  puertoDe,
  recibir,
} from "./ayuda.ts";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";
import { resetear, SOLO_ESTE_EQUIPO } from "./sockets_ayuda.ts";
import { hayTerminal, Terminal } from "./terminal.ts";
import { analizarOpciones } from "../sockets/red.ts";
import { OPCIONES_DEL_SERVIDOR as OPCIONES } from "../sockets/red.ts";

/**
 * En Windows, `kill()` termina un proceso en seco (no hay SIGTERM, SIGINT ni SIGSTOP que
 * manejar): los tests que envían una señal y esperan una salida limpia se saltan allí.
 */
const enWindows = Deno.build.os === "windows";

const SCRIPT = "sockets/servidor_multicliente.ts";

/**
 * La regla del multicliente: primero dónde escucha; los clientes se numeran desde 1 en el
 * orden en que se conectan; cada uno dice algo solo entre su «conectado» y su «Taluego»,
 * una línea por mensaje y sin caracteres de control; tras Ctrl+C (^C), «Cerrando el servidor
 * y N conexiones abiertas» cuenta las que seguían abiertas, y «Taluego, clientes!» es la última.
 */
function comprobar(lineas: string[]) {
  const todo = lineas.join("\n");
  assert.match(lineas[0], /^Servidor escuchando en [\d.:a-f]+:\d+$/, todo);
  assert.equal(lineas.at(-1), "Taluego, clientes!", todo);
  const conectados = new Set<number>();
  const despedidos = new Set<number>();
  let cierre = -1;
  for (const [i, linea] of lineas.slice(1, -1).entries()) {
    assert.doesNotMatch(linea, /\p{Cc}/u, "un carácter de control sin escapar");
    if (linea === "^C") continue;
    const cerrando = linea.match(
      /^Cerrando el servidor y (\d+) conexi(?:ón abierta|ones abiertas)\.$/,
    );
    if (cerrando) {
      assert.equal(cierre, -1, "dos cierres");
      cierre = i;
      assert.equal(Number(cerrando[1]), conectados.size - despedidos.size, todo);
      continue;
    }
    const conectado = linea.match(/^Cliente (\d+) \([\d.:a-f]+:\d+\) conectado$/);
    if (conectado) {
      assert.equal(cierre, -1, "un cliente aceptado tras el cierre");
      assert.equal(Number(conectado[1]), conectados.size + 1, linea);
      conectados.add(Number(conectado[1]));
      continue;
    }
    const adios = linea.match(/^Taluego, cliente (\d+)!$/);
    const dice = linea.match(
      /^Cliente (\d+) \([\d.:a-f]+:\d+\) (?:dice: .+|se ha ido sin decir «cerrar».)$/,
    );
    const numero = Number((adios ?? dice)?.[1]);
    assert.ok(conectados.has(numero) && !despedidos.has(numero), linea);
    if (adios) despedidos.add(numero);
  }
  assert.ok(cierre >= 0, "falta «Cerrando el servidor...»");
  assert.equal(despedidos.size, conectados.size, "un cliente sin despedida");
}

Deno.test({
  name: "multicliente: la orden de la cabecera, con cliente.ts y Ctrl+C, cumple la regla",
  ignore: Deno.build.os === "windows", // allí no se puede enviar Ctrl+C a otro proceso
  async fn() {
    const lineas = await ejecutarCabecera("sockets/servidor_multicliente.ts");
    comprobar(lineas);
    assert.deepEqual(lineas.slice(-3), [
      "^C",
      "Cerrando el servidor y 0 conexiones abiertas.",
      "Taluego, clientes!",
    ]);
  },
});

/** Envía un mensaje y espera su eco exacto. */
async function idaYVuelta(conexion: Deno.Conn, mensaje: string | Uint8Array) {
  const bytes = typeof mensaje === "string" ? bytesDe(mensaje) : mensaje;
  const [, eco] = await Promise.all([enviar(conexion, bytes), recibir(conexion, bytes.length)]);
  assert.deepEqual(eco, bytes);
}

/** Lee hasta el final: `null` si el servidor cerró con normalidad; si no, el error (un reset). */
async function final(conexion: Deno.Conn): Promise<string | null> {
  try {
    const sobra = await conexion.read(new Uint8Array(64));
    return sobra === null ? null : `${sobra} bytes de más`;
  } catch (error) {
    return (error as Error).name;
  }
}

Deno.test(
  "multicliente: la regla vale para la cabecera y para dos clientes a la vez; «cerrar» solo cierra el suyo",
  { ignore: enWindows },
  async () => {
    comprobar(leerCabecera("sockets/servidor_multicliente.ts").salida);
    const ejemplo = [
      "Servidor escuchando en 0.0.0.0:9999",
      "Cliente 1 (127.0.0.1:5000) conectado",
      "Cliente 1 (127.0.0.1:5000) dice: hola",
      "^C",
      "Cerrando el servidor y 1 conexión abierta.",
      "Taluego, cliente 1!",
      "Taluego, clientes!",
    ];
    comprobar(ejemplo);
    assert.throws(() =>
      comprobar(ejemplo.with(4, "Cerrando el servidor y 0 conexiones abiertas."))
    );
    assert.throws(() => comprobar(ejemplo.with(2, "Cliente 2 (127.0.0.1:5000) dice: hola")));
    assert.throws(() => comprobar(ejemplo.with(2, "Cliente 1 (127.0.0.1:5000) dice: a\nb")));

    const { servidor, port } = await arrancarServidor(SCRIPT);
    const a = await Deno.connect({ hostname: "127.0.0.1", port });
    assert.match((await servidor.linea())!, /^Cliente 1 \(127\.0\.0\.1:\d+\) conectado$/);
    const b = await Deno.connect({ hostname: "127.0.0.1", port });
    assert.match((await servidor.linea())!, /^Cliente 2 \(127\.0\.0\.1:\d+\) conectado$/);
    await idaYVuelta(b, "soy b"); // b habla mientras a espera
    await idaYVuelta(a, "soy a\x1b[2J\nTaluego, clientes!"); // un mensaje, una línea
    await enviar(a, "cerrar");
    assert.equal(await final(a), null); // el servidor cierra la conexión de a
    a.close();
    await idaYVuelta(b, "sigo aquí"); // b no se ha enterado
    b.close(); // b se va sin decir «cerrar»
    while (!servidor.lineas.includes("Taluego, cliente 2!")) {
      if ((await servidor.linea()) === null) break;
    }
    const { code, lineas, stderr } = await servidor.parar("SIGINT");
    assert.equal(code, 0, stderr);
    assert.equal(stderr, SOLO_ESTE_EQUIPO);
    comprobar(lineas);
    assert.deepEqual(lineas.slice(1).map((linea) => linea.replace(/:\d+\)/, ")")), [
      "Cliente 1 (127.0.0.1) conectado",
      "Cliente 2 (127.0.0.1) conectado",
      "Cliente 2 (127.0.0.1) dice: soy b",
      "Cliente 1 (127.0.0.1) dice: soy a\\x1b[2J\\nTaluego, clientes!",
      "Taluego, cliente 1!",
      "Cliente 2 (127.0.0.1) dice: sigo aquí",
      "Cliente 2 (127.0.0.1) se ha ido sin decir «cerrar».",
      "Taluego, cliente 2!",
      "Cerrando el servidor y 0 conexiones abiertas.",
      "Taluego, clientes!",
    ]);
  },
);

Deno.test(
  "multicliente: tras 300 clientes cortados antes de ser aceptados, atiende enseguida al siguiente (y SIGTERM lo despide aunque no cierre)",
  { ignore: enWindows },
  async () => {
    const { servidor, port } = await arrancarServidor(SCRIPT);
    // Con el servidor parado (SIGSTOP), el sistema completa las conexiones y recibe los resets:
    // al seguir (SIGCONT), accept() se encuentra 300 conexiones ya cortadas.
    servidor.proceso.kill("SIGSTOP");
    try {
      for (let tanda = 0; tanda < 3; tanda++) {
        await Promise.all(Array.from({ length: 100 }, () => resetear(port)));
      }
    } finally {
      servidor.proceso.kill("SIGCONT");
    }
    const conexion = await Deno.connect({ hostname: "127.0.0.1", port });
    // Antes esperaba 100 ms por cada reset (30 s). El límite solo evita colgar el test.
    let reloj: ReturnType<typeof setTimeout> | undefined;
    const aTiempo = await Promise.race([
      idaYVuelta(conexion, "¿hay alguien?").then(() => true),
      new Promise<boolean>((r) => reloj = setTimeout(() => r(false), 3000)),
    ]);
    clearTimeout(reloj);
    // Este cliente sigue conectado y sin leer (como uno que espera a que tecleen): tras SIGTERM,
    // el servidor le cierra su lado, lo espera un rato, lo despide y termina igual.
    const { code, lineas, stderr } = await servidor.parar("SIGTERM");
    conexion.close();
    assert.ok(aTiempo, "el cliente nuevo no tuvo su eco en 3 s");
    assert.equal(code, 0);
    assert.equal(stderr, SOLO_ESTE_EQUIPO);
    comprobar(lineas);
    assert.deepEqual(lineas.slice(-3), [
      "Cerrando el servidor y 1 conexión abierta.",
      "Taluego, cliente 1!",
      "Taluego, clientes!",
    ]);
  },
);

Deno.test(
  "multicliente: SIGTERM con 2000 mensajes en camino: cada uno tiene su eco y un cierre normal, sin reset",
  { ignore: enWindows },
  async () => {
    const CLIENTES = 2000;
    const { servidor, port } = await arrancarServidor(SCRIPT);
    const conexiones = await Promise.all(
      Array.from({ length: CLIENTES }, async (_, c) => {
        const conexion = await Deno.connect({ hostname: "127.0.0.1", port });
        await idaYVuelta(conexion, `hola ${c}`); // aceptado y conversando
        return conexion;
      }),
    );
    // Con el servidor parado, cada cliente envía su mensaje y llega SIGTERM: al seguir, el
    // servidor tiene a la vez la señal y 2000 mensajes sin leer.
    servidor.proceso.kill("SIGSTOP");
    try {
      await Promise.all(conexiones.map((conexion, c) => enviar(conexion, `adiós ${c}`)));
      servidor.proceso.kill("SIGTERM");
    } finally {
      servidor.proceso.kill("SIGCONT");
    }
    const finales = await Promise.all(conexiones.map(async (conexion, c) => {
      const eco = new TextDecoder().decode(await recibir(conexion, bytesDe(`adiós ${c}`).length));
      const cierre = await final(conexion);
      conexion.close();
      return eco === `adiós ${c}` ? cierre : `eco «${eco}»`;
    }));
    const { code, lineas, stderr } = await servidor.fin();
    assert.equal(code, 0, stderr);
    assert.deepEqual(finales.filter((cierre) => cierre !== null), []);
    comprobar(lineas);
    assert.ok(lineas.includes(`Cerrando el servidor y ${CLIENTES} conexiones abiertas.`));
    assert.equal(lineas.filter((linea) => / dice: adiós \d+$/.test(linea)).length, CLIENTES);
  },
);

Deno.test("multicliente: opciones (--port -1, -h, --help) y puerto ocupado, como servidor.ts", async () => {
  const orden = `deno run --allow-net --allow-sys=networkInterfaces ${SCRIPT}`;
  const leer = (args: string[]) => analizarOpciones(OPCIONES, orden, args);
  assert.deepEqual(leer([]), { valores: { host: "0.0.0.0", port: 9999 } });
  const uso = `${orden} [--host X] [--port N]`;
  assert.deepEqual(leer(["--port", "-1"]), {
    error: "--port debe estar entre 0 y 65535 (no «-1»).",
    uso,
  });
  const ayuda = leer(["-h"]);
  assert.ok("ayuda" in ayuda);
  assert.match(
    ayuda.ayuda,
    /^Uso: .*\nOpciones:\n {2}--host .*0\.0\.0\.0.*\n {2}--port .*9999.*\n/,
  );
  assert.deepEqual(leer(["--help"]), ayuda);
  using ocupado = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const [mal, enUso] = await Promise.all([
    ejecutar(["run", "--allow-net", SCRIPT, "--port", "-1"]),
    ejecutar(ordenServidor(SCRIPT, ocupado.addr.port)),
  ]);
  assert.equal(mal.code, 2);
  assert.equal(mal.stderr, `--port debe estar entre 0 y 65535 (no «-1»).\nUso: ${uso}\n`);
  assert.equal(enUso.code, 1);
  assert.match(enUso.stderr, /^El puerto \d+ ya está en uso/);
});

Deno.test({
  name:
    "multicliente: sin --allow-net, en una terminal, una frase en español y no la pregunta de Deno",
  ignore: !hayTerminal,
  async fn() {
    await using terminal = new Terminal(["run", SCRIPT]);
    assert.equal(await terminal.fin(5000), 1);
    assert.deepEqual(lineasDe(terminal.salida.replaceAll("\r\n", "\n")), [
      `No hay permiso para escuchar en 0.0.0.0:9999. Ejecuta: deno run --allow-net --allow-sys=networkInterfaces ${SCRIPT}`,
    ]);
  },
});

Deno.test({
  name:
    "multicliente: sin ficheros libres (ulimit -n 64), una frase en español una vez, y atiende al que llega cuando se libera",
  ignore: enWindows,
  async fn() {
    const orden = ordenServidor(SCRIPT).map((a) => `'${a}'`).join(" ");
    const servidor = new EnMarcha(
      ["-c", `ulimit -n 64 && exec '${Deno.execPath()}' ${orden}`],
      "null",
      {
        programa: "bash",
        limiteMs: 60_000,
      },
    );
    const port = puertoDe(await servidor.linea());
    assert.ok(port, "no arrancó");
    const conexiones: Deno.TcpConn[] = [];
    try {
      // 80 clientes: el sistema los conecta todos (la cola de listen), pero el servidor no
      // tiene ficheros para aceptarlos a todos.
      for (let i = 0; i < 80; i++) {
        conexiones.push(await Deno.connect({ hostname: "127.0.0.1", port }));
      }
      await idaYVuelta(conexiones[0], "hola");
      for (const conexion of conexiones.splice(0, 50)) conexion.close();
      // Se liberan ficheros: el que llega ahora tiene su eco (tras los que esperaban).
      const ultimo = await Deno.connect({ hostname: "127.0.0.1", port });
      conexiones.push(ultimo);
      await idaYVuelta(ultimo, "ya hay sitio");
    } finally {
      for (const conexion of conexiones) conexion.close();
    }
    servidor.senal("SIGINT");
    const { code, stderr } = await servidor.fin();
    assert.equal(code, 0, stderr);
    const avisos = lineasDe(stderr).filter((l) => l !== SOLO_ESTE_EQUIPO.trim());
    assert.equal(avisos.length, 1, stderr);
    assert.match(avisos[0], /^Demasiadas conexiones abiertas: .*ulimit -n 4096\)\.$/);
  },
});

Deno.test({
  name:
    "multicliente: Ctrl+C con `deno task` llega dos veces (la terminal y la tarea): la despedida sale entera",
  ignore: enWindows,
  async fn() {
    const { servidor, port } = await arrancarServidor(SCRIPT);
    const conexion = await Deno.connect({ hostname: "127.0.0.1", port });
    await idaYVuelta(conexion, "hola");
    servidor.senal("SIGINT");
    let linea;
    while ((linea = await servidor.linea()) !== null && !linea.startsWith("Cerrando")) {
      // hasta que empieza a cerrar
    }
    servidor.senal("SIGINT"); // el reenvío de `deno task`, mientras se despide
    const { code, lineas, stderr } = await servidor.fin();
    conexion.close();
    assert.equal(code, 0, stderr);
    assert.deepEqual(lineas.slice(-3), [
      "Cerrando el servidor y 1 conexión abierta.",
      "Taluego, cliente 1!",
      "Taluego, clientes!",
    ]);
  },
});
