import assert from "node:assert/strict";
import { arrancarServidor, bytesDe, ejecutar, enviar, recibir } from "./ayuda.ts";

const SCRIPT = "sockets/servidor_multicliente.ts";

/** Envía un mensaje y espera su eco exacto. */
async function ida_y_vuelta(conexion: Deno.Conn, mensaje: string | Uint8Array) {
  const bytes = typeof mensaje === "string" ? bytesDe(mensaje) : mensaje;
  const [, eco] = await Promise.all([enviar(conexion, bytes), recibir(conexion, bytes.length)]);
  assert.deepEqual(eco, bytes);
}

Deno.test("multicliente: dos clientes a la vez, cada uno con su número; «cerrar» solo cierra el suyo", async () => {
  const { servidor, port } = await arrancarServidor(SCRIPT);
  const a = await Deno.connect({ hostname: "127.0.0.1", port });
  assert.match((await servidor.linea())!, /^Cliente 1 \(127\.0\.0\.1:\d+\) conectado$/);
  const b = await Deno.connect({ hostname: "127.0.0.1", port });
  assert.match((await servidor.linea())!, /^Cliente 2 \(127\.0\.0\.1:\d+\) conectado$/);
  await ida_y_vuelta(b, "soy b"); // b habla mientras a espera
  await ida_y_vuelta(a, "soy a");
  await enviar(a, "cerrar");
  assert.equal(await a.read(new Uint8Array(1)), null); // el servidor cierra la conexión de a
  a.close();
  await ida_y_vuelta(b, "sigo aquí"); // b no se ha enterado
  b.close(); // b se va sin decir «cerrar»
  while (!servidor.lineas.some((linea) => linea.startsWith("Taluego, cliente 2!"))) {
    if ((await servidor.linea()) === null) break;
  }
  const { code, lineas, stderr } = await servidor.parar("SIGTERM");
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "");
  const sinPuertos = lineas.slice(1).map((linea) => linea.replace(/:\d+\)/, ")"));
  assert.deepEqual(sinPuertos, [
    "Cliente 1 (127.0.0.1) conectado",
    "Cliente 2 (127.0.0.1) conectado",
    "Cliente 2 (127.0.0.1) dice: soy b",
    "Cliente 1 (127.0.0.1) dice: soy a",
    "Taluego, cliente 1!",
    "Cliente 2 (127.0.0.1) dice: sigo aquí",
    "Cliente 2 (127.0.0.1) se ha ido sin decir «cerrar».",
    "Taluego, cliente 2!",
    "Cerrando el servidor y 0 conexiones abiertas.",
    "Taluego, clientes!",
  ]);
});

Deno.test("multicliente: 200 clientes a la vez x 100 mensajes, todos los ecos exactos, y SIGTERM limpio", async () => {
  const { servidor, port } = await arrancarServidor(SCRIPT);
  const CLIENTES = 200;
  const MENSAJES = 100;
  const conexiones = await Promise.all(
    Array.from({ length: CLIENTES }, () => Deno.connect({ hostname: "127.0.0.1", port })),
  );
  await Promise.all(conexiones.map(async (conexion, c) => {
    for (let m = 0; m < MENSAJES; m++) await ida_y_vuelta(conexion, `cliente ${c} mensaje ${m} ñ€`);
  }));
  // Todos siguen conectados: SIGTERM debe cerrar las 200 conexiones y salir con 0.
  const { code, lineas, stderr } = await servidor.parar("SIGTERM");
  assert.equal(code, 0, stderr);
  assert.equal(lineas.filter((linea) => linea.endsWith(" conectado")).length, CLIENTES);
  assert.equal(
    lineas.filter((linea) => / dice: cliente \d+ mensaje \d+ ñ€$/.test(linea)).length,
    CLIENTES * MENSAJES,
  );
  assert.deepEqual(lineas.slice(-2), [
    `Cerrando el servidor y ${CLIENTES} conexiones abiertas.`,
    "Taluego, clientes!",
  ]);
  // El servidor cerró cada conexión: todas leen el final.
  await Promise.all(conexiones.map(async (conexion) => {
    assert.equal(await conexion.read(new Uint8Array(1)).catch(() => null), null);
    conexion.close();
  }));
});

Deno.test("multicliente: un cliente que se corta, envía UTF-8 roto o 1 MiB no molesta a los demás", async () => {
  const { servidor, port } = await arrancarServidor(SCRIPT);
  const tranquilo = await Deno.connect({ hostname: "127.0.0.1", port });
  const roto = await Deno.connect({ hostname: "127.0.0.1", port });
  const grande = await Deno.connect({ hostname: "127.0.0.1", port });
  const cortado = await Deno.connect({ hostname: "127.0.0.1", port });

  const mucho = new Uint8Array(1024 * 1024).map((_, i) => 65 + (i % 26));
  await Promise.all([
    (async () => {
      for (let m = 0; m < 50; m++) await ida_y_vuelta(tranquilo, `tranquilo ${m}`);
    })(),
    ida_y_vuelta(roto, new Uint8Array([0xff, 0xfe, 0x41, 0xc3])),
    ida_y_vuelta(grande, mucho),
    (async () => {
      await enviar(cortado, "me voy sin leer el eco");
      cortado.close(); // con el eco sin leer, el sistema corta con un reset
    })(),
  ]);
  await ida_y_vuelta(tranquilo, "sigo bien");
  const { code, lineas, stderr } = await servidor.parar("SIGINT");
  assert.equal(code, 0, stderr);
  assert.ok(
    lineas.some((linea) =>
      linea.startsWith("Cliente 2 ") && linea.endsWith(" dice: \uFFFD\uFFFDA")
    ),
  );
  assert.ok(lineas.some((linea) => linea.endsWith(" dice: sigo bien")));
  assert.equal(
    lineas.filter((linea) => linea.startsWith("Cliente 1 ") && / dice: tranquilo \d+$/.test(linea))
      .length,
    50,
  );
  assert.deepEqual(lineas.slice(-1), ["Taluego, clientes!"]);
  for (const conexion of [tranquilo, roto, grande]) conexion.close();
});

Deno.test("multicliente: puerto ocupado u opciones mal escritas, como servidor.ts", async () => {
  using ocupado = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const enUso = await ejecutar([
    "run",
    "--allow-net",
    SCRIPT,
    "--port",
    String(ocupado.addr.port),
    "--host",
    "127.0.0.1",
  ]);
  assert.equal(enUso.code, 1);
  assert.match(enUso.stderr, /^El puerto \d+ ya está en uso/);
  const malo = await ejecutar(["run", "--allow-net", SCRIPT, "--port", "-1"]);
  assert.equal(malo.code, 2);
  assert.match(
    malo.stderr,
    /\nUso: deno run --allow-net sockets\/servidor_multicliente\.ts \[--host 0\.0\.0\.0\] \[--port 9999\]\n$/,
  );
});
