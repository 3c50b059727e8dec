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
import { resetear } from "./sockets_ayuda.ts";
import { CTRL_C, ENTER, hayTerminal, Terminal } from "./terminal.ts";
import { leerOpciones, visible } from "../sockets/servidor.ts";

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
  assert.equal(stderr, "");
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
  assert.equal(visible("a\nb\r\tc\x1b[2J\x07\x9b\u2028"), "a\\nb\\r\\tc\\x1b[2J\\x07\\x9b\\u2028");
  // Lo que da la vuelta al texto o lo esconde, también; las letras, los acentos y los emoji
  // (también los de varias piezas, unidas con \u200d), tal cual.
  assert.equal(
    visible("\u202eevil\u202c \u200b\u061c\u2066\ufeff"),
    "\\u202eevil\\u202c \\u200b\\u061c\\u2066\\ufeff",
  );
  const normales = "José ñ € 😀 👨\u200d👩\u200d👧 مرحبا שלום e\u0301";
  assert.equal(visible(normales), normales);
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
    assert.equal(stderr, "");
    assert.equal(code, 0);
    assert.deepEqual(lineas.slice(1), ["127.0.0.1 dice: hola", "Taluego, cliente!"]);
  },
);

Deno.test("servidor: opciones (--port -1 fuera de rango, -h, --help) y puerto ocupado, sin traza", async () => {
  assert.deepEqual(leerOpciones([]), { host: "0.0.0.0", port: 9999 });
  assert.deepEqual(leerOpciones(["--port", "0", "--host", "127.0.0.1"]), {
    host: "127.0.0.1",
    port: 0,
  });
  const uso = "Uso: deno run --allow-net sockets/servidor.ts [--host 0.0.0.0] [--port 9999]";
  assert.deepEqual(leerOpciones(["--port", "-1"]), {
    texto: `--port -1 está fuera de rango: debe ser de 0 a 65535.\n${uso}`,
    code: 2,
  });
  assert.deepEqual(leerOpciones(["--puerto", "1"]), {
    texto: `Opción desconocida: --puerto.\n${uso}`,
    code: 2,
  });
  for (const ayuda of [["-h"], ["--help"]]) {
    const leidas = leerOpciones(ayuda);
    assert.ok("texto" in leidas && leidas.code === 0);
    assert.match(leidas.texto, /^Uso: .*\n {2}--host .*0\.0\.0\.0.*\n {2}--port .*9999.*\n/);
  }
  using ocupado = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const [mal, enUso] = await Promise.all([
    ejecutar([...SERVIDOR, "--port", "70000"]),
    ejecutar([...SERVIDOR, "--host", "127.0.0.1", "--port", String(ocupado.addr.port)]),
  ]);
  assert.equal(mal.code, 2);
  assert.equal(mal.stderr, `--port 70000 está fuera de rango: debe ser de 0 a 65535.\n${uso}\n`);
  assert.equal(enUso.code, 1);
  assert.match(enUso.stderr, new RegExp(`^El puerto ${ocupado.addr.port} ya está en uso: .*\\n$`));
});

Deno.test({
  name: "servidor: sin --allow-net, en una terminal, una frase en español y no la pregunta de Deno",
  ignore: !hayTerminal,
  async fn() {
    await using terminal = new Terminal(["run", "sockets/servidor.ts"]);
    assert.equal(await terminal.fin(5000), 1);
    assert.deepEqual(lineasDe(terminal.salida.replaceAll("\r\n", "\n")), [
      "No hay permiso para escuchar en 0.0.0.0:9999. Ejecuta: deno run --allow-net sockets/servidor.ts",
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
    await servidor.fin();
  },
});

Deno.test("servidor y cliente copiados sueltos (sin carpeta sockets/): las órdenes que sugieren, sin sockets/", async () => {
  const carpeta = await Deno.makeTempDir();
  try {
    for (const script of ["servidor.ts", "cliente.ts"]) {
      await Deno.copyFile(new URL(`../sockets/${script}`, import.meta.url), `${carpeta}/${script}`);
    }
    const [sinPermiso, sinServidor] = await Promise.all([
      ejecutar(["run", "servidor.ts"], undefined, { cwd: carpeta }),
      ejecutar(["run", "--allow-net", "cliente.ts", "--port", "1"], "", { cwd: carpeta }),
    ]);
    assert.equal(sinPermiso.code, 1);
    assert.match(sinPermiso.stderr, /Ejecuta: deno run --allow-net servidor\.ts\n$/);
    assert.equal(sinServidor.code, 1);
    assert.match(sinServidor.stderr, /otra terminal: deno run --allow-net servidor\.ts/);
  } finally {
    await Deno.remove(carpeta, { recursive: true });
  }
});

Deno.test("sockets/: las funciones de ayuda repetidas (cada script se copia solo) son iguales en cada copia", () => {
  // Cada script de sockets/ tiene que funcionar copiado solo, así que algunas funciones de
  // ayuda están escritas en varios. Si se arregla una, este test pide arreglarlas todas. Dos
  // funciones con el mismo nombre y la misma firma (la línea de `function` hasta su `{`) hacen
  // lo mismo: tienen que ser iguales. Con otra firma son otra cosa (el accept() de servidor.ts
  // lanza los fallos; el de los servidores de muchos clientes devuelve null al cerrar).
  const repetidas = [
    "visible",
    "ruta",
    "terminar",
    "seFue",
    "sinSaltoFinal",
    "sendall",
    "escribirYa",
    "escuchar",
    "aceptar",
    "conectar",
    "sinPermiso",
    "leerLineas",
  ];
  const copias = new Map<string, Map<string, string>>(); // nombre y firma -> texto -> scripts
  for (const { name } of Deno.readDirSync(new URL("../sockets/", import.meta.url))) {
    const texto = Deno.readTextFileSync(new URL(`../sockets/${name}`, import.meta.url));
    for (const nombre of repetidas) {
      const funcion = texto.match(
        new RegExp(`^(?:export )?(?:async )?function\\*? ${nombre}\\b[\\s\\S]*?^\\}`, "m"),
      )?.[0].replace(/^export /, "");
      if (!funcion) continue;
      const firma = funcion.slice(0, funcion.search(/\{\n/));
      const textos = copias.get(firma) ?? new Map<string, string>();
      textos.set(funcion, `${textos.get(funcion) ?? ""} ${name}`.trim());
      copias.set(firma, textos);
    }
  }
  const cuantas = (nombre: string) =>
    [...copias].filter(([firma]) => firma.includes(` ${nombre}(`))
      .reduce((n, [, textos]) => n + [...textos.values()].join(" ").split(" ").length, 0);
  assert.equal(cuantas("visible"), 7, "visible() debería estar en los 7 scripts de sockets/");
  assert.ok(cuantas("leerLineas") >= 4, "leerLineas() debería estar en 4 scripts");
  for (const [firma, textos] of copias) {
    assert.equal(
      textos.size,
      1,
      `${firma}: distinta según el script: ${[...textos.values()].join(" | ")}`,
    );
  }
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
      const sugerido = stderr.match(/Ejecuta: deno run --allow-net (\S+)\n$/)?.[1];
      assert.equal(sugerido, script, `desde ${cwd}: ${stderr}`);
    }
  } finally {
    await Deno.remove(fuera, { recursive: true });
  }
});
