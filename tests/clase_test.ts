// Una clase con varios equipos (tests/red_de_clase.ts): el servidor en el equipo del profesor,
// 10.77.0.1, en 0.0.0.0:9999 como en clase; los clientes en los equipos de los alumnos, con
// `--host 10.77.0.1`. Y cada dirección equivocada que un alumno puede escribir.
//
// Los casos comparten una red (montarla y desmontarla cuesta poco, pero se paga una vez): cada
// test deja los equipos sin nada en marcha, y el último la desmonta. Montarla cuesta unos
// 25-100 ms y desmontarla 30-150 ms; el fichero entero, unos 5 s, casi todos esperando al ARP
// de una dirección sin equipo (3 s) y al cliente que se cuelga ante un cortafuegos. Sin red de
// clase (no Linux, no root, sin `ip`) se saltan, salvo en CI, donde fallan.

import assert from "node:assert/strict";
import {
  alumno,
  alumnoSeConecta,
  aTiempo,
  conRedDeClase,
  CORTAFUEGOS,
  DIRECCIONES_EQUIVOCADAS,
  DOCKER,
  type Intento,
  NADIE,
  ordenDelAlumno,
  OTRA_RED,
  PLAZO_MS,
  probarDireccion,
  PROFESOR,
  PUERTO,
  RedDeClase,
  saltarClase,
  servidorDelProfesor,
  sinRedDeClase,
  teclear,
  tieneTraza,
  VPN,
} from "./red_de_clase.ts";

let compartida: RedDeClase | undefined;

/** La red que comparten los casos de este fichero (se monta la primera vez que hace falta). */
async function red(): Promise<RedDeClase> {
  compartida ??= await RedDeClase.montar(2);
  return compartida;
}

// Si el fichero se ejecuta a trozos (--filter) y el último test no llega a correr: al salir.
globalThis.addEventListener("unload", () => {
  compartida?.desmontarYa();
});

/**
 * Un test de la clase: se salta sin red de clase (salvo en CI) y, pase lo que pase, deja los
 * equipos de la red compartida sin nada en marcha para el siguiente.
 */
function test(name: string, fn: (t: Deno.TestContext) => Promise<void>) {
  Deno.test({
    name,
    ignore: saltarClase,
    async fn(t) {
      try {
        await fn(t);
      } finally {
        await Promise.all(compartida?.equipos.map((equipo) => equipo.apagar()) ?? []);
      }
    },
  });
}

test("clase: la red se monta y se desmonta; un fallo dentro también la desmonta y mata lo que había", async () => {
  if (sinRedDeClase !== null) await RedDeClase.montar(); // falla diciendo por qué
  let dentro: RedDeClase | undefined;
  await assert.rejects(
    conRedDeClase(async (red) => {
      dentro = red;
      assert.ok(red.existe());
      // Algo en marcha en cada equipo cuando el test falla: un servidor que no acabaría solo.
      await servidorDelProfesor(red, "sockets/servidor.ts");
      red.alumnos[0].arrancar(["run", "--allow-net", "sockets/servidor.ts"]);
      throw new Error("un fallo a propósito");
    }),
    /un fallo a propósito/,
  );
  assert.ok(dentro && !dentro.existe(), "los espacios de red siguen ahí");
  for (const equipo of dentro.equipos) {
    for (const enMarcha of equipo.procesos) {
      assert.notEqual((await enMarcha.proceso.status).code, 0, "quedó algo en marcha");
    }
  }
  console.log(
    `red de clase (profesor y 2 alumnos): montada en ${dentro.montadaEnMs.toFixed(0)} ms, ` +
      `desmontada en ${dentro.desmontadaEnMs.toFixed(0)} ms`,
  );
});

test("clase: servidor.ts en el equipo del profesor; cliente.ts --host 10.77.0.1 desde el de un alumno", async () => {
  const clase = await red();
  const servidor = await servidorDelProfesor(clase, "sockets/servidor.ts");
  const cliente = await alumnoSeConecta(clase, "sockets/cliente.ts", "hola\ncerrar\n");
  assert.equal(cliente.code, 0, cliente.stderr);
  assert.ok(!cliente.colgado);
  assert.deepEqual(cliente.lineas, [
    "Mensaje a enviar: hola",
    "El servidor responde: hola",
    "Mensaje a enviar: cerrar",
    "Taluego, servidor!",
  ]);
  const { code, lineas, stderr } = await aTiempo(servidor.fin(), PLAZO_MS, "fin del servidor");
  assert.equal(code, 0, stderr);
  assert.ok(lineas.includes(`${alumno(1)} dice: hola`), lineas.join("\n"));
  assert.equal(lineas.at(-1), "Taluego, cliente!");
});

test("clase: servidor_multicliente.ts atiende a dos alumnos desde sus equipos a la vez", async () => {
  const clase = await red();
  const servidor = await servidorDelProfesor(clase, "sockets/servidor_multicliente.ts");
  const clientes = await Promise.all(
    [1, 2].map((n) =>
      alumnoSeConecta(clase, "sockets/cliente.ts", `soy el alumno ${n}\ncerrar\n`, { n })
    ),
  );
  for (const [i, cliente] of clientes.entries()) {
    assert.equal(cliente.code, 0, cliente.stderr);
    assert.ok(cliente.lineas.includes(`El servidor responde: soy el alumno ${i + 1}`));
  }
  const { code, lineas, stderr } = await aTiempo(servidor.parar("SIGINT"), PLAZO_MS, "Ctrl+C");
  assert.equal(code, 0, stderr);
  const todo = lineas.join("\n");
  for (const n of [1, 2]) {
    // «Cliente N (10.77.0.X:puerto) dice: soy el alumno N», sea cual sea el orden de llegada.
    const dice = new RegExp(`^Cliente \\d \\(${alumno(n)}[:)].* dice: soy el alumno ${n}$`, "m");
    assert.match(todo, dice);
  }
});

test("clase: el chat entre dos equipos de alumno, con el servidor en el del profesor", async () => {
  const clase = await red();
  const servidor = await servidorDelProfesor(clase, "sockets/servidor_chat.ts");
  const orden = ordenDelAlumno("sockets/cliente_chat.ts", PROFESOR);
  const ana = clase.alumnos[0].arrancar(orden, "piped", { limiteMs: 30_000 });
  const luis = clase.alumnos[1].arrancar(orden, "piped", { limiteMs: 30_000 });
  const verA = (quien: typeof ana, texto: string) =>
    aTiempo(quien.hastaTexto(texto), PLAZO_MS, `«${texto}» en ${quien.texto}`);

  await teclear(ana, "Ana\n");
  await verA(ana, "Hola, Ana.");
  await teclear(luis, "Luis\n");
  await verA(luis, "Hola, Luis.");
  await teclear(ana, "hola, Luis\n");
  await verA(luis, "Ana: hola, Luis");
  await teclear(luis, "hola, Ana\n");
  await verA(ana, "Luis: hola, Ana");
  await teclear(luis, "cerrar\n");
  await teclear(ana, "cerrar\n");
  for (const [quien, nombre] of [[ana, "Ana"], [luis, "Luis"]] as const) {
    const { code, lineas, stderr } = await quien.fin();
    assert.equal(code, 0, stderr);
    assert.equal(lineas.at(-1), `Taluego, ${nombre}!`);
  }

  const { lineas } = await aTiempo(servidor.parar("SIGTERM"), PLAZO_MS, "cierre del chat");
  const todo = lineas.join("\n");
  assert.match(todo, new RegExp(`^Ana \\(${alumno(1)}:\\d+\\) entra en el chat`, "m"));
  assert.match(todo, new RegExp(`^Luis \\(${alumno(2)}:\\d+\\) entra en el chat`, "m"));
  assert.match(todo, /^Ana: hola, Luis$/m);
});

test("clase: servidor_udp.ts en el equipo del profesor; cliente_udp.ts --host 10.77.0.1 desde el de un alumno", async () => {
  const clase = await red();
  const servidor = await servidorDelProfesor(clase, "sockets/servidor_udp.ts");
  try {
    const cliente = await alumnoSeConecta(clase, "sockets/cliente_udp.ts", "hola\ncerrar\n");
    assert.equal(cliente.code, 0, cliente.stderr);
    assert.deepEqual(cliente.lineas.slice(0, 2), [
      "Mensaje a enviar: hola",
      "El servidor responde: hola",
    ]);
    assert.equal(cliente.lineas.at(-1), "Taluego, servidor!");
    const dice = `${alumno(1)}:`;
    assert.ok(
      await aTiempo(servidor.hastaTexto(dice), PLAZO_MS, "el servidor ve al alumno"),
      servidor.texto,
    );
    assert.match(servidor.texto, new RegExp(`^${alumno(1)}:\\d+ dice: hola$`, "m"));
  } finally {
    await aTiempo(servidor.parar("SIGINT"), PLAZO_MS, "fin del servidor UDP");
  }
});

// Un alumno que escribe mal la dirección, con el servidor del profesor sin arrancar. Se prueban
// todas a la vez (la más lenta, el cortafuegos: conectar() se rinde a los 5 s) y después se
// mira cada una: que acaba sola, sin traza, y con su propia frase (FRASES, abajo). Antes, todas
// salvo el nombre recibían «¿Está el servidor en marcha? Arráncalo antes en otra terminal»,
// y el cortafuegos esperaba hasta el Ctrl+C.

/** Lo que se espera, como mucho, a los que deben terminar solos (con la máquina ocupada). */
const ESPERA_SOLOS_MS = PLAZO_MS;

let intentos: Promise<Intento[]> | undefined;

/**
 * cliente.ts con cada dirección equivocada, todas a la vez, una sola vez para los dos tests que
 * las miran: cada una debe terminar sola (el cortafuegos, a los 5 s que espera conectar()).
 */
function intentosDeCliente(): Promise<Intento[]> {
  intentos ??= red().then((clase) =>
    Promise.all(
      DIRECCIONES_EQUIVOCADAS.map((direccion) =>
        probarDireccion(clase, "sockets/cliente.ts", direccion, ESPERA_SOLOS_MS)
      ),
    )
  );
  return intentos;
}

test("clase: cliente.ts con cada dirección equivocada termina con error, sin traza y a tiempo", async (t) => {
  const intentos = await intentosDeCliente();
  for (const [i, direccion] of DIRECCIONES_EQUIVOCADAS.entries()) {
    const intento: Intento = intentos[i];
    await t.step(`${direccion.caso} (--host ${direccion.host}; ${direccion.red})`, () => {
      const todo = `${intento.stdout}${intento.stderr}`;
      const resumen = `${intento.ms.toFixed(0)} ms, código ${intento.code}` +
        `${intento.ctrlC ? ", tras Ctrl+C" : ""}:\n${todo}`;
      assert.ok(!intento.matado, `ni Ctrl+C lo terminó: ${resumen}`);
      assert.notEqual(intento.code, 0, resumen);
      assert.ok(!tieneTraza(todo), `una traza: ${resumen}`);
      if (direccion.host !== CORTAFUEGOS) assert.ok(!intento.ctrlC, `se colgó: ${resumen}`);
      assert.doesNotMatch(intento.stdout, /El servidor responde/, resumen);
    });
  }
});

// --- Lo que imprime el servidor para los alumnos, y una frase por cada dirección equivocada ---

/** Los permisos con que el profesor arranca un servidor: red, y ver sus direcciones. */
const CON_DIRECCIONES = { permisos: ["--allow-net", "--allow-sys=networkInterfaces"] };

/**
 * Las órdenes que un servidor imprime para los alumnos (en stderr, como un aviso): se arranca
 * en el equipo del profesor, se le pulsa Ctrl+C en cuanto escucha y se leen sus avisos.
 */
async function ordenesQueImprime(clase: RedDeClase, script: string): Promise<string[]> {
  const servidor = await servidorDelProfesor(clase, script, CON_DIRECCIONES);
  const { code, stderr } = await aTiempo(servidor.parar("SIGINT"), PLAZO_MS, `${script} ^C`);
  assert.equal(code, 0, stderr);
  // Cada orden, con el nombre de su red encima; Docker y la VPN, aparte y sin orden.
  assert.match(stderr, /^ {2}en clase:\n {4}deno run /m, stderr);
  assert.match(
    stderr,
    new RegExp(`^No son de la red de clase: ${DOCKER} \\(docker0\\), ${VPN} \\(tun0\\)\\.$`, "m"),
  );
  return [...stderr.matchAll(/^ +(deno run .*)$/gm)].map(([, orden]) => orden);
}

for (
  const [servidor, cliente, entrada, eco] of [
    ["sockets/servidor.ts", "sockets/cliente.ts", "hola\ncerrar\n", "El servidor responde: hola"],
    [
      "sockets/servidor_multicliente.ts",
      "sockets/cliente.ts",
      "hola\ncerrar\n",
      "El servidor responde: hola",
    ],
    [
      "sockets/servidor_udp.ts",
      "sockets/cliente_udp.ts",
      "hola\ncerrar\n",
      "El servidor responde: hola",
    ],
  ]
) {
  test(`clase: la orden que imprime ${servidor} para los alumnos, pegada tal cual en el equipo de un alumno, funciona`, async () => {
    const clase = await red();
    const ordenes = await ordenesQueImprime(clase, servidor);
    // Una por dirección del equipo del profesor (la de la clase y la del cortafuegos).
    assert.deepEqual(
      ordenes.sort(),
      [
        `deno run --allow-net ${cliente} --host ${PROFESOR}`,
        `deno run --allow-net ${cliente} --host ${CORTAFUEGOS}`,
      ].sort(),
    );
    const enMarcha = await servidorDelProfesor(clase, servidor, CON_DIRECCIONES);
    const orden = ordenes.find((o) => o.endsWith(` ${PROFESOR}`))!;
    const alumno1 = await clase.alumnos[0].ejecutar(orden.split(" ").slice(1), entrada, {
      limiteMs: PLAZO_MS,
    });
    assert.equal(alumno1.code, 0, alumno1.stderr);
    assert.ok(alumno1.lineas.includes(eco), alumno1.stdout);
    await aTiempo(enMarcha.parar("SIGINT"), PLAZO_MS, `${servidor} ^C`);
  });
}

test("clase: sin --allow-sys, el servidor arranca igual y dice cómo buscar la dirección a mano", async () => {
  const clase = await red();
  // En todas las interfaces también escrito como IPv6 y entre corchetes: [::] es ::.
  const servidor = await servidorDelProfesor(clase, "sockets/servidor.ts", {
    opciones: ["--host", "[::]"],
  });
  const { code, stderr } = await aTiempo(servidor.parar("SIGINT"), PLAZO_MS, "^C");
  assert.equal(code, 0, stderr);
  assert.match(stderr, /--host <dirección>\n/);
  assert.match(
    stderr,
    /ip addr o hostname -I \(Linux\), ipconfig getifaddr en0 \(macOS\), ipconfig \(Windows\)/,
  );
});

/** La frase que cada dirección equivocada debe recibir (y ninguna, «arranca el servidor»). */
const FRASES: Record<string, RegExp> = {
  [PROFESOR]:
    /^El equipo 10\.77\.0\.1 contesta, pero nada escucha en su puerto 9999: ¿está en marcha el servidor del profesor\?/,
  [NADIE]: /^El equipo 10\.77\.0\.200 no contesta: revisa la dirección/,
  [OTRA_RED]: /^No hay camino hasta la red de 10\.78\.0\.1: este equipo no está en esa red\./,
  [CORTAFUEGOS]: /^El equipo 10\.77\.0\.99 no contesta: .*Firewall de Windows Defender/,
  "portatil-del-profesor.invalid":
    /^No se encuentra el equipo «portatil-del-profesor\.invalid»: ese nombre no existe\./,
  [`${PROFESOR}:${PUERTO}`]:
    /^--host lleva la dirección sin el puerto: escribe --host 10\.77\.0\.1 --port 9999\.\nUso: /,
  [`http://${PROFESOR}:${PUERTO}/`]:
    /^--host es solo la dirección del equipo, no una dirección web: escribe --host 10\.77\.0\.1 --port 9999\.\nUso: /,
};

test("clase: cada dirección equivocada, su propia frase (y nunca «arranca el servidor»); el cortafuegos se corta solo a los 5 s", async (t) => {
  const intentos = await intentosDeCliente();
  const frases = new Set<string>();
  for (const [i, direccion] of DIRECCIONES_EQUIVOCADAS.entries()) {
    const { stderr, code, ctrlC, ms } = intentos[i];
    await t.step(`${direccion.caso} (--host ${direccion.host})`, () => {
      assert.ok(!ctrlC, `no terminó solo: ${stderr}`);
      assert.match(stderr, FRASES[direccion.host], stderr);
      assert.doesNotMatch(stderr, /Arranca antes el servidor/);
      assert.equal(code, direccion.host.includes(":") ? 2 : 1, stderr);
      if (direccion.host === CORTAFUEGOS) assert.ok(ms < 10_000, `${ms.toFixed(0)} ms`);
      frases.add(stderr.split(":")[0]);
    });
  }
  assert.equal(frases.size, DIRECCIONES_EQUIVOCADAS.length, [...frases].join("\n"));
});

test("clase: Ctrl+C mientras cliente.ts espera a un equipo que no contesta se despide y termina ya, sin traza", async () => {
  const clase = await red();
  const cortafuegos = DIRECCIONES_EQUIVOCADAS.find((d) => d.host === CORTAFUEGOS)!;
  const intento = await probarDireccion(clase, "sockets/cliente.ts", cortafuegos, 1_000);
  assert.ok(intento.ctrlC && !intento.matado, `${intento.stderr}`);
  assert.equal(intento.code, 0, intento.stderr);
  assert.equal(intento.stdout, "Taluego, servidor!\n");
  assert.ok(!tieneTraza(intento.stderr), intento.stderr);
});

test("clase: un alumno dice «cerrar» en cliente_udp.ts y servidor_udp.ts sigue sirviendo al siguiente; hacia una red sin ruta, su frase", async () => {
  const clase = await red();
  // Mientras arranca el servidor, otro alumno escribe a una red a la que no llega: el envío
  // falla al momento (ENETUNREACH, que Deno da como «send UNKNOWN»), y lo dice en su frase.
  const sinRuta = alumnoSeConecta(clase, "sockets/cliente_udp.ts", "hola\n", {
    n: 2,
    host: OTRA_RED,
  });
  const servidor = await servidorDelProfesor(clase, "sockets/servidor_udp.ts");
  const { code: codigo, stderr: error } = await sinRuta;
  assert.equal(codigo, 1, error);
  assert.match(error, FRASES[OTRA_RED]);
  for (const n of [1, 2]) {
    const cliente = await alumnoSeConecta(clase, "sockets/cliente_udp.ts", `soy ${n}\ncerrar\n`, {
      n,
    });
    assert.equal(cliente.code, 0, cliente.stderr);
    assert.ok(cliente.lineas.includes(`El servidor responde: soy ${n}`), cliente.stdout);
  }
  const { code, lineas } = await aTiempo(servidor.parar("SIGINT"), PLAZO_MS, "^C");
  assert.equal(code, 0);
  for (const n of [1, 2]) {
    assert.ok(
      lineas.some((l) => l.startsWith(`Taluego, cliente ${alumno(n)}:`)),
      lineas.join("\n"),
    );
  }
  assert.deepEqual(lineas.slice(-2), ["Cerrando el servidor.", "Taluego, clientes!"]);
});

test("clase: la red compartida se desmonta al final", async () => {
  if (!compartida) return;
  await compartida[Symbol.asyncDispose]();
  console.log(
    `red compartida: montada en ${compartida.montadaEnMs.toFixed(0)} ms, ` +
      `desmontada en ${compartida.desmontadaEnMs.toFixed(0)} ms`,
  );
  assert.ok(!compartida.existe());
  compartida = undefined;
});
