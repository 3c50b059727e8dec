import assert from "node:assert/strict";
import {
  arrancarServidor,
  bytesDe,
  ejecutar,
  enviar,
  lineasDe,
  raiz,
  recibir,
  recibirHastaElFinal,
} from "./ayuda.ts";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";
import { resetear, SOLO_ESTE_EQUIPO } from "./sockets_ayuda.ts";
import { CTRL_C, ENTER, hayTerminal, Terminal } from "./terminal.ts";
import { analizarOpciones } from "../sockets/red.ts";
import { OPCIONES_DEL_SERVIDOR as OPCIONES } from "../sockets/red.ts";

/**
 * En Windows, `kill()` termina un proceso en seco (no hay SIGTERM, SIGINT ni SIGSTOP que
 * manejar): los tests que envían una señal y esperan una salida limpia se saltan allí.
 */
const enWindows = Deno.build.os === "windows";

const SERVIDOR = ["run", "--allow-net", "sockets/servidor.ts"];

/**
 * La regla del servidor: primero dónde escucha; después, una línea por mensaje
 * («<dirección> dice: ...», sin caracteres de control); quizá el aviso de que el cliente se
 * fue sin «cerrar»; y «Taluego, cliente!» la última.
 */
function comprobar(lineas: string[]) {
  assert.match(lineas[0], /^Servidor escuchando en [\d.:a-f]+:\d+$/, lineas.join("\n"));
  assert.equal(lineas.at(-1), "Taluego, cliente!");
  const medio = lineas.slice(1, -1);
  if (medio.at(-1)?.endsWith(" se ha ido sin decir «cerrar».")) medio.pop();
  for (const linea of medio) {
    assert.match(linea, /^[\d.:a-f]+ dice: .+$/, linea);
    assert.doesNotMatch(linea, /\p{Cc}/u, "un carácter de control sin escapar");
  }
}

Deno.test("servidor: la orden de la cabecera, con cliente.ts y su @entrada, cumple la regla", async () => {
  const lineas = await ejecutarCabecera("sockets/servidor.ts");
  comprobar(lineas);
  assert.deepEqual(lineas.slice(1), ["127.0.0.1 dice: hola", "Taluego, cliente!"]);
});

/** Arranca servidor.ts y le conecta un cliente de verdad (una conexión TCP). */
async function conCliente() {
  const { servidor, port } = await arrancarServidor();
  const conexion = await Deno.connect({ hostname: "127.0.0.1", port });
  return { servidor, conexion, port };
}

/** Envía un mensaje y espera su eco exacto. */
async function idaYVuelta(conexion: Deno.Conn, mensaje: string | Uint8Array) {
  const bytes = typeof mensaje === "string" ? bytesDe(mensaje) : mensaje;
  await enviar(conexion, bytes);
  assert.deepEqual(await recibir(conexion, bytes.length), bytes);
}

Deno.test("servidor: la regla vale para la cabecera y para una conversación (eco, «cerrar» sin eco)", async () => {
  comprobar(leerCabecera("sockets/servidor.ts").salida);
  assert.throws(() => comprobar(["Servidor escuchando en 0.0.0.0:9999", "Taluego, cliente!", "x"]));
  assert.throws(() =>
    comprobar([
      "Servidor escuchando en 0.0.0.0:9999",
      "127.0.0.1 dice: a\x1b[2J",
      "Taluego, cliente!",
    ])
  );

  const { servidor, conexion } = await conCliente();
  await idaYVuelta(conexion, "hola");
  await idaYVuelta(conexion, "qué tal\r\n"); // como nc o telnet: el salto no se imprime
  await enviar(conexion, "cerrar");
  assert.equal((await recibirHastaElFinal(conexion)).length, 0); // sin eco de «cerrar»
  const { code, lineas, stderr } = await servidor.fin();
  assert.equal(code, 0, stderr);
  assert.equal(stderr, SOLO_ESTE_EQUIPO);
  comprobar(lineas);
  assert.deepEqual(lineas.slice(1), [
    "127.0.0.1 dice: hola",
    "127.0.0.1 dice: qué tal",
    "Taluego, cliente!",
  ]);
});

Deno.test("servidor: letras partidas entre lecturas, UTF-8 roto y un cliente que se va sin «cerrar»", async () => {
  const { servidor, conexion } = await conCliente();
  const mensaje = bytesDe("ñandú 😀");
  await idaYVuelta(conexion, mensaje.subarray(0, 1)); // medio «ñ»: el eco ya, la línea después
  await idaYVuelta(conexion, mensaje.subarray(1, mensaje.length - 2)); // y medio emoji
  await idaYVuelta(conexion, mensaje.subarray(mensaje.length - 2));
  await idaYVuelta(conexion, new Uint8Array([0x68, 0xff, 0x6f])); // el eco, byte a byte
  conexion.close();
  const { code, lineas } = await servidor.fin();
  assert.equal(code, 0);
  comprobar(lineas);
  assert.deepEqual(lineas.slice(1), [
    "127.0.0.1 dice: ñandú ",
    "127.0.0.1 dice: 😀",
    "127.0.0.1 dice: h\uFFFDo",
    "127.0.0.1 se ha ido sin decir «cerrar».",
    "Taluego, cliente!",
  ]);
});

Deno.test("servidor: los caracteres de control se ven escapados: un mensaje, una línea", async () => {
  const { servidor, conexion } = await conCliente();
  await idaYVuelta(conexion, "hola\nTaluego, cliente!\x1b]0;titulo\x07\x1b[2J");
  await enviar(conexion, "cerrar");
  const { lineas } = await servidor.fin();
  conexion.close();
  comprobar(lineas);
  assert.deepEqual(lineas.slice(1), [
    "127.0.0.1 dice: hola\\nTaluego, cliente!\\x1b]0;titulo\\x07\\x1b[2J",
    "Taluego, cliente!",
  ]);
});

Deno.test(
  "servidor: un cliente que se corta antes de ser aceptado (reset) no lo tumba: atiende al siguiente",
  { ignore: enWindows },
  async () => {
    const { servidor, port } = await arrancarServidor();
    // Con el servidor parado (SIGSTOP), el sistema completa las conexiones y recibe los resets:
    // al seguir (SIGCONT), accept() se encuentra conexiones ya cortadas.
    servidor.proceso.kill("SIGSTOP");
    try {
      await Promise.all([resetear(port), resetear(port), resetear(port)]);
    } finally {
      servidor.proceso.kill("SIGCONT");
    }
    const conexion = await Deno.connect({ hostname: "127.0.0.1", port });
    await idaYVuelta(conexion, "hola");
    await enviar(conexion, "cerrar");
    conexion.close();
    const { code, lineas, stderr } = await servidor.fin();
    assert.equal(stderr, SOLO_ESTE_EQUIPO);
    assert.equal(code, 0);
    assert.deepEqual(lineas.slice(1), ["127.0.0.1 dice: hola", "Taluego, cliente!"]);
  },
);

/** Las opciones como las lee servidor.ts, sin terminar el programa. */
const leer = (args: string[]) => analizarOpciones(OPCIONES, ORDEN, args);
const ORDEN = "deno run --allow-net --allow-sys=networkInterfaces sockets/servidor.ts";

Deno.test("servidor: opciones (--port -1 fuera de rango, -h, --help) y puerto ocupado, sin traza", async () => {
  assert.deepEqual(leer([]), { valores: { host: "0.0.0.0", port: 9999 } });
  assert.deepEqual(leer(["--port", "0", "--host", "127.0.0.1"]), {
    valores: { host: "127.0.0.1", port: 0 },
  });
  const uso = `${ORDEN} [--host X] [--port N]`;
  assert.deepEqual(leer(["--port", "-1"]), {
    error: "--port debe estar entre 0 y 65535 (no «-1»).",
    uso,
  });
  assert.deepEqual(leer(["--puerto", "1"]), { error: "Opción desconocida: --puerto.", uso });
  for (const ayuda of [["-h"], ["--help"]]) {
    assert.deepEqual(leer(ayuda), {
      ayuda: `Uso: ${uso}
Opciones:
  --host X                    dirección en la que escuchar (por defecto: 0.0.0.0)
  --port N                    puerto (por defecto: 9999; de 0 a 65535)
  -h, --help                  muestra esta ayuda`,
    });
  }
  using ocupado = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const [mal, conPuerto, enUso] = await Promise.all([
    ejecutar([...SERVIDOR, "--port", "70000"]),
    ejecutar([...SERVIDOR, "--host", "10.77.0.1:9999"]), // la misma frase que en los clientes
    ejecutar([...SERVIDOR, "--host", "127.0.0.1", "--port", String(ocupado.addr.port)]),
  ]);
  assert.equal(mal.code, 2);
  assert.equal(mal.stderr, `--port debe estar entre 0 y 65535 (no «70000»).\nUso: ${uso}\n`);
  assert.equal(conPuerto.code, 2);
  assert.equal(
    conPuerto.stderr,
    `--host lleva la dirección sin el puerto: escribe --host 10.77.0.1 --port 9999.\nUso: ${uso}\n`,
  );
  assert.equal(enUso.code, 1);
  assert.match(enUso.stderr, new RegExp(`^El puerto ${ocupado.addr.port} ya está en uso: .*\\n$`));
});

Deno.test("servidor: Ctrl+C (o SIGTERM) se despide y sale con 0, con o sin cliente", {
  ignore: enWindows,
}, async () => {
  for (const senal of ["SIGINT", "SIGTERM"] as const) {
    const { servidor, port } = await arrancarServidor();
    const conexion = await Deno.connect({ hostname: "127.0.0.1", port });
    await idaYVuelta(conexion, "hola");
    servidor.proceso.kill(senal);
    const { code, lineas, stderr } = await servidor.fin();
    assert.equal(stderr, SOLO_ESTE_EQUIPO);
    assert.equal(code, 0);
    assert.deepEqual(lineas.slice(1), [
      "127.0.0.1 dice: hola",
      "Cerrando el servidor.",
      "Taluego, cliente!",
    ]);
    assert.equal((await recibirHastaElFinal(conexion)).length, 0); // un final, no un corte
  }
  const { servidor } = await arrancarServidor();
  servidor.proceso.kill("SIGINT");
  const { code, lineas } = await servidor.fin();
  assert.equal(code, 0);
  assert.deepEqual(lineas.slice(1), ["Cerrando el servidor."]); // sin cliente, sin «Taluego»
});

Deno.test({
  name: "servidor: sin --allow-net, en una terminal, una frase en español y no la pregunta de Deno",
  ignore: !hayTerminal,
  async fn() {
    await using terminal = new Terminal(["run", "sockets/servidor.ts"]);
    assert.equal(await terminal.fin(5000), 1);
    assert.deepEqual(lineasDe(terminal.salida.replaceAll("\r\n", "\n")), [
      `No hay permiso para escuchar en 0.0.0.0:9999. Ejecuta: ${ORDEN}`,
    ]);
  },
});

Deno.test({
  name:
    "cliente.ts con un servidor que no contesta, o en cola tras servidor.ts: aviso en español y Ctrl+C lo termina",
  ignore: !hayTerminal,
  async fn() {
    // Uno acepta y nunca contesta; el otro es servidor.ts ocupado con un primer cliente.
    using mudo = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const aceptada = mudo.accept();
    const { servidor, port } = await arrancarServidor();
    const primero = await Deno.connect({ hostname: "127.0.0.1", port });
    await Promise.all([mudo.addr.port, port].map(async (puerto) => {
      await using terminal = new Terminal([
        "run",
        "--allow-net",
        "sockets/cliente.ts",
        "--port",
        String(puerto),
      ]);
      await terminal.esperar("Mensaje a enviar: ");
      await terminal.teclear("hola" + ENTER);
      await terminal.esperar("El servidor aún no ha respondido", 5000);
      assert.match(terminal.salida, /atendiendo a otro cliente .* o que esté parado/);
      await terminal.teclear(CTRL_C);
      assert.notEqual(await terminal.fin(1000), null, "Ctrl+C no terminó el cliente");
    }));
    (await aceptada).close();
    primero.close();
    // Y servidor.ts dice a quien lo mira que alguien espera, y qué arrancar para una clase.
    const { lineas } = await servidor.fin();
    assert.ok(
      lineas.includes(
        "127.0.0.1 quiere conectarse y espera: este servidor atiende a un solo cliente; para " +
          "toda la clase, arranca deno run --allow-net --allow-sys=networkInterfaces " +
          "sockets/servidor_multicliente.ts.",
      ),
      lineas.join("\n"),
    );
  },
});

Deno.test("servidor: la orden que sugiere se puede pegar allí donde se ejecutó, dentro o fuera de sockets/", async () => {
  const fuera = await Deno.makeTempDir();
  try {
    for (
      const [cwd, script] of [[`${raiz}sockets`, "servidor.ts"], [
        fuera,
        `${raiz}sockets/servidor.ts`,
      ]]
    ) {
      const { code, stderr } = await ejecutar(["run", script], undefined, { cwd });
      assert.equal(code, 1);
      const sugerido = stderr.match(/Ejecuta: deno run --allow-net \S+ (\S+)\n$/)?.[1];
      assert.equal(sugerido, script, `desde ${cwd}: ${stderr}`);
    }
  } finally {
    await Deno.remove(fuera, { recursive: true });
  }
});
