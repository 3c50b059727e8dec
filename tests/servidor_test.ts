import assert from "node:assert/strict";
import {
  arrancarServidor,
  bytesDe,
  ejecutar,
  enviar,
  recibir,
  recibirHastaElFinal,
} from "./ayuda.ts";

const LISTO = /^Servidor escuchando en 127\.0\.0\.1:\d+$/;

/** Una conversación completa: un cliente de verdad (una conexión TCP) envía y recibe. */
Deno.test("servidor: devuelve el eco, imprime cada mensaje y termina con «cerrar»", async () => {
  const { servidor, port } = await arrancarServidor();
  const conexion = await Deno.connect({ hostname: "127.0.0.1", port });
  await enviar(conexion, "hola");
  assert.equal(new TextDecoder().decode(await recibir(conexion, 4)), "hola");
  await enviar(conexion, "qué tal");
  assert.equal(
    new TextDecoder().decode(await recibir(conexion, bytesDe("qué tal").length)),
    "qué tal",
  );
  await enviar(conexion, "cerrar");
  // El servidor cierra: no devuelve el eco de «cerrar».
  assert.equal((await recibirHastaElFinal(conexion)).length, 0);
  const { code, lineas, stderr } = await servidor.fin();
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "");
  assert.match(lineas[0], LISTO);
  assert.deepEqual(lineas.slice(1), [
    "127.0.0.1 dice: hola",
    "127.0.0.1 dice: qué tal",
    "Taluego, cliente!",
  ]);
});

Deno.test("servidor: si el cliente se va sin «cerrar», lo dice una vez y termina con 0", async () => {
  const { servidor, port } = await arrancarServidor();
  const conexion = await Deno.connect({ hostname: "127.0.0.1", port });
  await enviar(conexion, "adiós");
  await recibir(conexion, bytesDe("adiós").length);
  conexion.close();
  const { code, lineas } = await servidor.fin();
  assert.equal(code, 0);
  assert.deepEqual(lineas.slice(1), [
    "127.0.0.1 dice: adiós",
    "127.0.0.1 se ha ido sin decir «cerrar».",
    "Taluego, cliente!",
  ]);
});

Deno.test("servidor: una conexión cortada de golpe (reset) tampoco lo rompe", async () => {
  const { servidor, port } = await arrancarServidor();
  const conexion = await Deno.connect({ hostname: "127.0.0.1", port });
  await enviar(conexion, "hola");
  await recibir(conexion, 4);
  await enviar(conexion, "sin leer");
  // Cerrar con bytes sin leer (el eco de "sin leer") hace que el sistema envíe un reset.
  // Esperamos a que el servidor haya leído "sin leer" (y enviado su eco).
  assert.equal(await servidor.linea(), "127.0.0.1 dice: hola");
  assert.equal(await servidor.linea(), "127.0.0.1 dice: sin leer");
  conexion.close();
  const { code, lineas, stderr } = await servidor.fin();
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "");
  assert.deepEqual(lineas.slice(-2), [
    "127.0.0.1 se ha ido sin decir «cerrar».",
    "Taluego, cliente!",
  ]);
});

Deno.test("servidor: una letra de varios bytes partida entre dos lecturas sale entera", async () => {
  const { servidor, port } = await arrancarServidor();
  const conexion = await Deno.connect({ hostname: "127.0.0.1", port });
  const mensaje = bytesDe("ñandú 😀");
  // Primero solo el primer byte de la ñ; esperamos su eco: el servidor ya lo ha leído solo.
  await enviar(conexion, mensaje.subarray(0, 1));
  assert.deepEqual(await recibir(conexion, 1), mensaje.subarray(0, 1));
  // Ahora el resto, con el emoji (4 bytes) partido otra vez.
  await enviar(conexion, mensaje.subarray(1, mensaje.length - 2));
  assert.deepEqual(
    await recibir(conexion, mensaje.length - 3),
    mensaje.subarray(1, mensaje.length - 2),
  );
  await enviar(conexion, mensaje.subarray(mensaje.length - 2));
  assert.deepEqual(await recibir(conexion, 2), mensaje.subarray(mensaje.length - 2));
  await enviar(conexion, "cerrar");
  conexion.close();
  const { code, lineas } = await servidor.fin();
  assert.equal(code, 0);
  assert.deepEqual(lineas.slice(1), [
    "127.0.0.1 dice: ñandú ",
    "127.0.0.1 dice: 😀",
    "Taluego, cliente!",
  ]);
});

Deno.test("servidor: UTF-8 no válido se imprime con � pero el eco devuelve los bytes originales", async () => {
  const { servidor, port } = await arrancarServidor();
  const conexion = await Deno.connect({ hostname: "127.0.0.1", port });
  const raros = new Uint8Array([0x68, 0xff, 0x6f, 0xc0, 0x61]);
  await enviar(conexion, raros);
  assert.deepEqual(await recibir(conexion, raros.length), raros);
  await enviar(conexion, "cerrar");
  conexion.close();
  const { code, lineas } = await servidor.fin();
  assert.equal(code, 0);
  assert.equal(lineas[1], "127.0.0.1 dice: h\uFFFDo\uFFFDa");
});

Deno.test("servidor: un mensaje de 1 MiB vuelve completo, byte a byte", async () => {
  const { servidor, port } = await arrancarServidor();
  const conexion = await Deno.connect({ hostname: "127.0.0.1", port });
  const grande = new Uint8Array(1024 * 1024);
  for (let i = 0; i < grande.length; i++) grande[i] = 97 + (i * 7) % 26; // letras a..z
  const [, eco] = await Promise.all([enviar(conexion, grande), recibir(conexion, grande.length)]);
  assert.ok(eco.every((byte, i) => byte === grande[i]), "el eco no coincide");
  await enviar(conexion, "cerrar");
  conexion.close();
  const { code, lineas } = await servidor.fin();
  assert.equal(code, 0);
  const impreso = lineas.slice(1, -1).map((linea) => linea.replace(/^127\.0\.0\.1 dice: /, ""))
    .join("");
  assert.equal(impreso, new TextDecoder().decode(grande));
});

Deno.test("servidor: líneas de nc o telnet (\\n, \\r\\n): «cerrar\\n» cierra y no se imprime el salto", async () => {
  const { servidor, port } = await arrancarServidor();
  const conexion = await Deno.connect({ hostname: "127.0.0.1", port });
  await enviar(conexion, "hola\r\n");
  assert.equal(new TextDecoder().decode(await recibir(conexion, 6)), "hola\r\n");
  await enviar(conexion, "adiós\n");
  await recibir(conexion, bytesDe("adiós\n").length);
  await enviar(conexion, "cerrar\n");
  assert.equal((await recibirHastaElFinal(conexion)).length, 0);
  const { code, lineas } = await servidor.fin();
  assert.equal(code, 0);
  assert.deepEqual(lineas.slice(1), [
    "127.0.0.1 dice: hola",
    "127.0.0.1 dice: adiós",
    "Taluego, cliente!",
  ]);
});

Deno.test("servidor: puerto ocupado: una frase en español, sin traza, código 1", async () => {
  using ocupado = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { code, stdout, stderr } = await ejecutar([
    "run",
    "--allow-net",
    "sockets/servidor.ts",
    "--host",
    "127.0.0.1",
    "--port",
    String(ocupado.addr.port),
  ]);
  assert.equal(code, 1);
  assert.equal(stdout, "");
  assert.match(
    stderr,
    new RegExp(`^El puerto ${ocupado.addr.port} ya está en uso: .*--port.*\\n$`),
  );
});

Deno.test("servidor: dirección que no es de este equipo, o sin permiso de red: código 1", async () => {
  // 192.0.2.1 es una dirección reservada para documentación: ningún equipo la tiene.
  const ajena = await ejecutar([
    "run",
    "--allow-net",
    "sockets/servidor.ts",
    "--host",
    "192.0.2.1",
  ]);
  assert.equal(ajena.code, 1);
  assert.match(
    ajena.stderr,
    /^No se puede escuchar en 192\.0\.2\.1:9999: .*--host 0\.0\.0\.0.*\n$/,
  );
  const sinPermiso = await ejecutar(["run", "sockets/servidor.ts", "--port", "0"]);
  assert.equal(sinPermiso.code, 1);
  assert.match(sinPermiso.stderr, /^No hay permiso para escuchar .*--allow-net/);
});

Deno.test("servidor: opciones mal escritas: uso en español y código 2; --help, código 0", async () => {
  for (
    const malas of [["--port", "abc"], ["--port", "70000"], ["--puerto", "1"], ["9999"], ["--port"]]
  ) {
    const { code, stdout, stderr } = await ejecutar([
      "run",
      "--allow-net",
      "sockets/servidor.ts",
      ...malas,
    ]);
    assert.equal(code, 2, malas.join(" "));
    assert.equal(stdout, "");
    assert.match(
      stderr,
      /\nUso: deno run --allow-net sockets\/servidor\.ts \[--host 0\.0\.0\.0\] \[--port 9999\]\n$/,
    );
    assert.doesNotMatch(stderr, /\n\s+at /);
  }
  const ayuda = await ejecutar(["run", "--allow-net", "sockets/servidor.ts", "--help"]);
  assert.equal(ayuda.code, 0);
  assert.match(ayuda.stdout, /^Uso: deno run --allow-net sockets\/servidor\.ts/);
});
