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
  type Intento,
  ordenDelAlumno,
  PLAZO_MS,
  probarDireccion,
  PROFESOR,
  RedDeClase,
  saltarClase,
  servidorDelProfesor,
  sinRedDeClase,
  teclear,
  tieneTraza,
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
    // Hoy «cerrar» termina también el servidor; si sigue sirviendo a la clase, Ctrl+C.
    await aTiempo(servidor.parar("SIGINT"), PLAZO_MS, "fin del servidor UDP");
  }
});

// Un alumno que escribe mal la dirección, con el servidor del profesor sin arrancar. Se prueban
// todas a la vez (la más lenta, el ARP de una dirección sin equipo, tarda unos 3 s) y después
// se mira cada una. Lo que decía cliente.ts al escribir este test (código 1, en stderr):
// - 10.77.0.1, 10.77.0.200 (tras 3 s), 10.78.0.1: «No se pudo conectar con <host>:9999. ¿Está
//   el servidor en marcha? Arráncalo antes en otra terminal: deno run --allow-net
//   sockets/servidor.ts»; con 10.77.0.1:9999 y la URL, igual, con «<host>:9999» detrás.
// - portatil-del-profesor.invalid: «No se encuentra el equipo «...»: ese nombre no existe.
//   Revisa --host.»
// - 10.77.0.99 (cortafuegos): nada; esperando hasta el Ctrl+C (código 130).
// cliente_chat.ts, lo mismo con servidor_chat.ts. Las frases de cada caso las comprueban los
// tests de los clientes.

/** Lo que se espera a un cliente antes de pulsar Ctrl+C (solo lo necesita el que se cuelga). */
const ESPERA_MS = 4_000;
/** Lo que se espera, como mucho, a los que deben terminar solos (con la máquina ocupada). */
const ESPERA_SOLOS_MS = PLAZO_MS;

test("clase: cliente.ts con cada dirección equivocada termina con error, sin traza y a tiempo", async (t) => {
  const clase = await red();
  const intentos = await Promise.all(
    DIRECCIONES_EQUIVOCADAS.map((direccion) =>
      probarDireccion(
        clase,
        "sockets/cliente.ts",
        direccion,
        direccion.host === CORTAFUEGOS ? ESPERA_MS : ESPERA_SOLOS_MS,
      )
    ),
  );
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
