// servidor_udp.ts de verdad: datagramas reales por 127.0.0.1.
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { once } from "node:events";
import { arrancarServidor, ejecutar, ordenServidor } from "./ayuda.ts";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";
import { enCI, forjarDatagrama, puedeForjar, SOLO_ESTE_EQUIPO } from "./sockets_ayuda.ts";

/**
 * La regla de cualquier salida correcta: primero "Servidor UDP escuchando en <host>:<puerto>",
 * después una línea "<ip>:<puerto> dice: <mensaje>" por datagrama, sin caracteres de control
 * (escapados: un mensaje, una línea), o "Taluego, cliente <ip>:<puerto>!" por cada «cerrar»;
 * al final, tras Ctrl+C (^C), "Cerrando el servidor." y "Taluego, clientes!".
 */
export function comprobarServidor(lineas: string[]): void {
  assert.match(lineas[0] ?? "", /^Servidor UDP escuchando en [\w.:\[\]]+:\d+$/, "la primera línea");
  assert.deepEqual(lineas.slice(-2), ["Cerrando el servidor.", "Taluego, clientes!"]);
  for (const linea of lineas.slice(1, -2).filter((linea) => linea !== "^C")) {
    assert.match(
      linea,
      /^(\S+:\d+ dice: |Taluego, cliente \S+:\d+!$)/,
      `una línea por datagrama: ${linea}`,
    );
    assert.doesNotMatch(linea, /\p{Cc}/u, `sin caracteres de control: ${JSON.stringify(linea)}`);
  }
}

/** Un socket UDP del test, como un cliente: envía y espera el siguiente datagrama. */
async function socketDelTest(): Promise<dgram.Socket> {
  const socket = dgram.createSocket("udp4");
  socket.bind(0, "127.0.0.1");
  await once(socket, "listening");
  return socket;
}

async function enviarYRecibir(socket: dgram.Socket, port: number, datos: Uint8Array) {
  const respuesta = once(socket, "message");
  socket.send(datos, port, "127.0.0.1");
  const [eco] = await respuesta;
  return new Uint8Array(eco);
}

const bytes = (texto: string) => new TextEncoder().encode(texto);

Deno.test("servidor_udp: la muestra de la cabecera cumple la regla", () => {
  comprobarServidor(leerCabecera("sockets/servidor_udp.ts").salida);
  assert.throws(() => comprobarServidor(["Servidor UDP escuchando en 0.0.0.0:9999", "hola"]));
});

Deno.test("servidor_udp: la orden de la cabecera, con cliente_udp.ts y su @entrada, cumple la regla", async () => {
  const lineas = await ejecutarCabecera("sockets/servidor_udp.ts");
  comprobarServidor(lineas);
  assert.match(lineas[1], /^127\.0\.0\.1:\d+ dice: hola$/);
});

Deno.test("servidor_udp: devuelve cada datagrama a quien lo envió; «cerrar» despide solo a ese; Ctrl+C lo cierra con 0", async () => {
  const { servidor, port } = await arrancarServidor("sockets/servidor_udp.ts");
  const ana = await socketDelTest();
  const berta = await socketDelTest();
  try {
    // Dos remitentes sin conexión: a cada uno le vuelve lo suyo, byte a byte.
    const forjado = "hola\nTaluego, cliente!\x1b[2J";
    for (const [socket, texto] of [[ana, "hola"], [berta, "ñandú €"], [ana, forjado]] as const) {
      assert.deepEqual(await enviarYRecibir(socket, port, bytes(texto)), bytes(texto));
    }
    // Un datagrama grande (60 000 bytes) vuelve entero: cada datagrama es un mensaje.
    const grande = bytes("x".repeat(60_000));
    assert.deepEqual(await enviarYRecibir(berta, port, grande), grande);

    ana.send(bytes("cerrar\n"), port, "127.0.0.1"); // con el \n de nc también vale
    // Berta, y quien llegue después, siguen: el servidor es de toda la clase.
    assert.deepEqual(await enviarYRecibir(berta, port, bytes("sigo")), bytes("sigo"));
    servidor.proceso.kill("SIGINT");
    const { code, lineas, stderr } = await servidor.fin();
    assert.equal(code, 0, stderr);
    assert.equal(stderr, SOLO_ESTE_EQUIPO);
    comprobarServidor(lineas);
    const [a, b] = [ana.address().port, berta.address().port];
    assert.deepEqual(lineas.slice(1), [
      `127.0.0.1:${a} dice: hola`,
      `127.0.0.1:${b} dice: ñandú €`,
      `127.0.0.1:${a} dice: hola\\nTaluego, cliente!\\x1b[2J`,
      `127.0.0.1:${b} dice: ${"x".repeat(60_000)}`,
      `Taluego, cliente 127.0.0.1:${a}!`,
      `127.0.0.1:${b} dice: sigo`,
      "Cerrando el servidor.",
      "Taluego, clientes!",
    ]);
  } finally {
    ana.close();
    berta.close();
    await servidor.parar("SIGKILL");
  }
});

Deno.test({
  name:
    "servidor_udp: un datagrama forjado desde el puerto 0 se ignora, sin traza, y sigue sirviendo",
  ignore: !puedeForjar && !enCI,
  async fn() {
    const { servidor, port } = await arrancarServidor("sockets/servidor_udp.ts");
    const ana = await socketDelTest();
    try {
      await forjarDatagrama(port, 0, "falso");
      // Si el datagrama lo tumbara, el eco no llegaría nunca: lo que pase antes.
      const murio = servidor.proceso.status.then(async () => {
        throw new Error(`el servidor terminó: ${(await servidor.fin()).stderr}`);
      });
      const eco = await Promise.race([enviarYRecibir(ana, port, bytes("hola")), murio]);
      murio.catch(() => {});
      assert.deepEqual(eco, bytes("hola"));
      servidor.proceso.kill("SIGINT");
      const { code, lineas, stderr } = await servidor.fin();
      assert.equal(code, 0);
      assert.equal(stderr, SOLO_ESTE_EQUIPO);
      assert.deepEqual(lineas.slice(1), [
        `127.0.0.1:${ana.address().port} dice: hola`,
        "Cerrando el servidor.",
        "Taluego, clientes!",
      ]);
    } finally {
      ana.close();
      await servidor.parar("SIGKILL");
    }
  },
});

Deno.test("servidor_udp: una opción mal puesta, -h, sin permiso o con el puerto ocupado: una frase, sin traza", async () => {
  const ocupado = await socketDelTest();
  try {
    const script = "sockets/servidor_udp.ts";
    const [fuera, ayuda, sinPermiso, enUso] = await Promise.all([
      ejecutar(["run", "--allow-net", script, "--port", "-1"]),
      ejecutar(["run", "--allow-net", script, "-h"]),
      ejecutar(["run", script]),
      ejecutar(ordenServidor(script, ocupado.address().port)),
    ]);
    assert.equal(fuera.code, 2);
    assert.match(fuera.stderr, /^--port debe estar entre 0 y 65535 \(no «-1»\)\.\nUso: /);
    assert.equal(ayuda.code, 0);
    assert.match(ayuda.stdout, /--host X .*por defecto: 0\.0\.0\.0/);
    assert.match(ayuda.stdout, /--port N .*por defecto: 9999/);
    assert.equal(sinPermiso.code, 1);
    assert.equal(
      sinPermiso.stderr,
      "No hay permiso para escuchar en 0.0.0.0:9999. Ejecuta: deno run --allow-net " +
        "--allow-sys=networkInterfaces sockets/servidor_udp.ts\n",
    );
    assert.equal(enUso.code, 1);
    assert.match(enUso.stderr, /^El puerto \d+ ya está en uso: ¿hay otro servidor abierto\?/);
    for (const { stderr } of [fuera, sinPermiso, enUso]) {
      assert.doesNotMatch(stderr, /error|Uncaught| at /, "sin trazas en inglés");
    }
  } finally {
    ocupado.close();
  }
});
