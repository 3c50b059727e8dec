// cliente_udp.ts de verdad: con servidor_udp.ts, con un servidor que calla o responde tarde,
// tecleando en una terminal y con las opciones mal puestas.
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { once } from "node:events";
import { arrancarServidor, ejecutar } from "./ayuda.ts";
import { leerCabecera } from "./cabeceras.ts";
import { CTRL_C, CTRL_D, ENTER, hayTerminal, Terminal } from "./terminal.ts";

const CLIENTE = ["run", "--allow-net", "sockets/cliente_udp.ts"];
const NO_RESPONDE = /^El servidor no ha respondido en un segundo\. ¿Está en marcha en /;

/**
 * La regla de cualquier conversación correcta: por cada línea de la entrada, su
 * "Mensaje a enviar: <línea>" y después el eco "El servidor responde: <línea>" (o el aviso de
 * que no respondió, o un eco tardío delante); con «cerrar», "Taluego, servidor!" al final.
 */
export function comprobarCliente(entrada: string[], lineas: string[]): void {
  let n = 0;
  for (const message of entrada) {
    assert.equal(lineas[n++], `Mensaje a enviar: ${message}`);
    if (message === "cerrar") break;
    while (lineas[n]?.startsWith("(eco que llegó tarde: ")) n++;
    if (!NO_RESPONDE.test(lineas[n])) assert.equal(lineas[n], `El servidor responde: ${message}`);
    n++;
  }
  assert.equal(lineas[n++], "Taluego, servidor!");
  assert.equal(lineas.length, n, "nada tras la despedida");
}

/** Un servidor UDP del test: `responder` decide qué devuelve a cada datagrama. */
async function servidorDelTest(responder: (texto: string) => string[]) {
  const socket = dgram.createSocket("udp4");
  const recibidos: string[] = [];
  socket.on("message", (datos: Uint8Array, quien: dgram.RemoteInfo) => {
    const texto = new TextDecoder().decode(datos);
    recibidos.push(texto);
    for (const respuesta of responder(texto)) socket.send(respuesta, quien.port, quien.address);
  });
  socket.bind(0, "127.0.0.1");
  await once(socket, "listening");
  return { socket, recibidos, port: `${socket.address().port}` };
}

Deno.test("cliente_udp: la muestra de la cabecera cumple la regla", () => {
  const { entrada, salida } = leerCabecera("sockets/cliente_udp.ts");
  comprobarCliente(entrada, salida);
  assert.throws(() => comprobarCliente(["hola", "cerrar"], salida.slice(1)));
});

Deno.test("cliente_udp: con servidor_udp.ts, cada mensaje y su eco; «cerrar» despide a uno y el servidor sigue con el siguiente", async () => {
  const { servidor, port } = await arrancarServidor("sockets/servidor_udp.ts");
  try {
    for (const entrada of [["hola", "ñandú €", "cerrar"], ["soy otro", "cerrar"]]) {
      const cliente = await ejecutar(
        [...CLIENTE, "--port", String(port)],
        entrada.join("\n") + "\n",
      );
      assert.equal(cliente.code, 0, cliente.stderr);
      comprobarCliente(entrada, cliente.lineas);
      assert.ok(!cliente.lineas.some((linea) => NO_RESPONDE.test(linea)), cliente.stdout);
    }
    servidor.proceso.kill("SIGINT");
    const { code, lineas } = await servidor.fin();
    assert.equal(code, 0);
    assert.equal(
      lineas.filter((linea) => linea.startsWith("Taluego, cliente 127.0.0.1:")).length,
      2,
    );
    assert.equal(lineas.at(-1), "Taluego, clientes!");
  } finally {
    await servidor.parar("SIGKILL");
  }
});

Deno.test("cliente_udp: --host 0.0.0.0, 127.0.0.2 (el eco vuelve desde 127.0.0.1) y [::1] funcionan", async () => {
  // Un servidor que escucha en 127.0.0.2 y responde desde 127.0.0.1, con el mismo puerto: lo
  // que hace uno en 0.0.0.0 cuando se le escribe a 127.0.0.2.
  const respuesta = dgram.createSocket("udp4");
  respuesta.on("message", (datos: Uint8Array, quien: dgram.RemoteInfo) => {
    respuesta.send(datos, quien.port, quien.address); // 0.0.0.0 llega a 127.0.0.1
  });
  respuesta.bind(0, "127.0.0.1");
  await once(respuesta, "listening");
  const port = respuesta.address().port;
  const escucha = dgram.createSocket("udp4");
  escucha.on("message", (datos: Uint8Array, quien: dgram.RemoteInfo) => {
    respuesta.send(datos, quien.port, quien.address);
  });
  escucha.bind(port, "127.0.0.2");
  const v6 = dgram.createSocket("udp6");
  v6.on("message", (datos: Uint8Array, quien: dgram.RemoteInfo) => {
    v6.send(datos, quien.port, quien.address);
  });
  v6.bind(0, "::1");
  try {
    await Promise.all([once(escucha, "listening"), once(v6, "listening")]);
    const casos = [
      ["0.0.0.0", port],
      ["127.0.0.2", port],
      ["[::1]", v6.address().port], // ::1, entre corchetes como se escribe con el puerto
    ] as const;
    for (const [host, puerto] of casos) {
      const { code, lineas, stderr } = await ejecutar(
        [...CLIENTE, "--host", host, "--port", String(puerto)],
        "hola\ncerrar\n",
      );
      assert.equal(code, 0, stderr);
      assert.equal(lineas[1], "El servidor responde: hola", `--host ${host}: ${lineas.join("\n")}`);
    }
  } finally {
    respuesta.close();
    escucha.close();
    v6.close();
  }
});

Deno.test("cliente_udp: si el eco no llega en un segundo lo dice, y un eco tardío se ve como tal", async () => {
  // «hola» no tiene eco a tiempo: llega tarde, justo antes del de «adiós».
  const servidor = await servidorDelTest((texto) => texto === "adiós" ? ["hola", "adiós"] : []);
  try {
    const entrada = ["hola", "adiós", "cerrar"];
    const inicio = performance.now();
    const { code, lineas, stderr } = await ejecutar(
      [...CLIENTE, "--port", servidor.port],
      entrada.join("\n") + "\n",
    );
    const ms = performance.now() - inicio;
    assert.equal(code, 0, stderr);
    comprobarCliente(entrada, lineas);
    assert.match(lineas[1], NO_RESPONDE);
    assert.deepEqual(lineas.slice(3, 5), [
      "(eco que llegó tarde: hola)",
      "El servidor responde: adiós",
    ]);
    assert.deepEqual(servidor.recibidos, entrada);
    assert.ok(ms < 5000, `espera un segundo, no más (${ms.toFixed(0)} ms)`);
  } finally {
    servidor.socket.close();
  }
});

Deno.test({
  name:
    "cliente_udp: tecleando en una terminal, «cerrar», Ctrl+D y Ctrl+C lo terminan en menos de un segundo",
  ignore: !hayTerminal,
  fn: async () => {
    const servidor = await servidorDelTest((texto) => [texto]);
    try {
      const sesion = async (ultima: string) => {
        await using terminal = new Terminal([...CLIENTE, "--port", servidor.port]);
        await terminal.esperar("Mensaje a enviar: ");
        await terminal.teclear("hola" + ENTER);
        await terminal.esperar("El servidor responde: hola\r\nMensaje a enviar: ");
        await terminal.teclear(ultima);
        // Termina en menos de un segundo, o `code` es null.
        return { code: await terminal.fin(1000), texto: terminal.salida };
      };
      const [cerrar, ctrlD, ctrlC] = await Promise.all(
        ["cerrar" + ENTER, CTRL_D, CTRL_C].map(sesion),
      );
      for (const { code, texto } of [cerrar, ctrlD, ctrlC]) {
        assert.notEqual(code, null, `sigue en marcha un segundo después:\n${texto}`);
        assert.doesNotMatch(texto, /error|Uncaught/);
      }
      assert.equal(cerrar.code, 0);
      assert.match(cerrar.texto, /Taluego, servidor!\r\n$/);
      assert.equal(ctrlD.code, 0);
      assert.match(ctrlD.texto, /\(fin de la entrada: se envía «cerrar»\)\r\nTaluego, servidor!/);
      assert.equal(ctrlC.code, 0); // Ctrl+C: como Ctrl+D, «cerrar» y la despedida
      assert.match(ctrlC.texto, /Taluego, servidor!\r\n$/);
      assert.equal(servidor.recibidos.filter((texto) => texto === "cerrar").length, 3);
    } finally {
      servidor.socket.close();
    }
  },
});

Deno.test("cliente_udp: opciones mal puestas, nombre que no existe, sin permiso o `| head`: sin traza", async () => {
  const servidor = await servidorDelTest((texto) => [texto]);
  try {
    const [fuera, ayuda, nombre, sinPermiso] = await Promise.all([
      ejecutar([...CLIENTE, "--port", "-1"]),
      ejecutar([...CLIENTE, "--help"]),
      ejecutar([...CLIENTE, "--host", "no-existe.invalid"], "hola\n"),
      ejecutar(["run", "sockets/cliente_udp.ts"], "hola\n"),
    ]);
    assert.equal(fuera.code, 2);
    assert.match(fuera.stderr, /^--port debe estar entre 1 y 65535 \(no «-1»\)\.\nUso: /);
    assert.equal(ayuda.code, 0);
    assert.match(ayuda.stdout, /--host X .*por defecto: localhost/);
    assert.equal(nombre.code, 1);
    assert.equal(
      nombre.stderr,
      "No se encuentra el equipo «no-existe.invalid»: ese nombre no existe. Revisa --host (o " +
        "escribe su dirección, la que dice el servidor al arrancar).\n",
    );
    const conPuerto = await ejecutar([...CLIENTE, "--host", "10.77.0.1:9999"], "hola\n");
    assert.equal(conPuerto.code, 2);
    assert.match(
      conPuerto.stderr,
      /^--host lleva la dirección sin el puerto: escribe --host 10\.77\.0\.1 --port 9999\.\nUso: /,
    );
    assert.equal(sinPermiso.code, 1);
    assert.equal(
      sinPermiso.stderr,
      "No hay permiso para enviar a localhost:9999. Ejecuta: deno run --allow-net sockets/cliente_udp.ts\n",
    );

    // `... | head -c 5`: quien lee la salida se va tras 5 bytes; el cliente acaba sin traza.
    const cliente = new Deno.Command(Deno.execPath(), {
      args: [...CLIENTE, "--port", servidor.port],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const escritor = cliente.stdin.getWriter();
    await escritor.write(new TextEncoder().encode("hola\n".repeat(5)));
    await escritor.close();
    const lector = cliente.stdout.getReader();
    await lector.read();
    await lector.cancel();
    const [{ code }, stderr] = await Promise.all([
      cliente.status,
      new Response(cliente.stderr).text(),
    ]);
    assert.equal(code, 0);
    assert.equal(stderr, "");
  } finally {
    servidor.socket.close();
  }
});
