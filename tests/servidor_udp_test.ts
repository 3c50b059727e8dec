// servidor_udp.ts de verdad: datagramas reales por 127.0.0.1.
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { once } from "node:events";
import { arrancarServidor, ejecutar, ordenServidor } from "./ayuda.ts";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";

/**
 * La regla de cualquier salida correcta: primero "Servidor UDP escuchando en <host>:<puerto>",
 * después una línea "<ip>:<puerto> dice: <mensaje>" por datagrama, sin caracteres de control
 * (escapados: un mensaje, una línea), y al final "Taluego, cliente!".
 */
export function comprobarServidor(lineas: string[]): void {
  assert.match(lineas[0] ?? "", /^Servidor UDP escuchando en [\w.:]+:\d+$/, "la primera línea");
  assert.equal(lineas.at(-1), "Taluego, cliente!", "la última línea");
  for (const linea of lineas.slice(1, -1)) {
    assert.match(linea, /^[\d.]+:\d+ dice: /, `una línea por datagrama: ${linea}`);
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

Deno.test("servidor_udp: devuelve cada datagrama a quien lo envió y «cerrar» lo termina", async () => {
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
    const { code, lineas, stderr } = await servidor.fin();
    assert.equal(code, 0, stderr);
    comprobarServidor(lineas);
    const [, puertoAna] = lineas[1].match(/^127\.0\.0\.1:(\d+) dice: hola$/) ?? [];
    assert.equal(Number(puertoAna), ana.address().port);
    assert.equal(lineas[2], `127.0.0.1:${berta.address().port} dice: ñandú €`);
    assert.equal(lineas[3], `127.0.0.1:${puertoAna} dice: hola\\nTaluego, cliente!\\x1b[2J`);
    assert.equal(lineas.length, 6);
  } finally {
    ana.close();
    berta.close();
    await servidor.parar("SIGKILL");
  }
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
    assert.match(fuera.stderr, /^--port debe ser un número de 0 a 65535 \(no "-1"\)\.\nUso: /);
    assert.equal(ayuda.code, 0);
    assert.match(ayuda.stdout, /--host H .*por defecto 0\.0\.0\.0/);
    assert.match(ayuda.stdout, /--port N .*por defecto 9999/);
    assert.equal(sinPermiso.code, 1);
    assert.equal(
      sinPermiso.stderr,
      "No hay permiso para escuchar en 0.0.0.0:9999. Ejecuta: deno run --allow-net sockets/servidor_udp.ts\n",
    );
    assert.equal(enUso.code, 1);
    assert.match(enUso.stderr, /^El puerto UDP \d+ ya está en uso: ¿hay otro servidor abierto\?/);
    for (const { stderr } of [fuera, sinPermiso, enUso]) {
      assert.doesNotMatch(stderr, /error|Uncaught| at /, "sin trazas en inglés");
    }
  } finally {
    ocupado.close();
  }
});
