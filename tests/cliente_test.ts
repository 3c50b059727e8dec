import assert from "node:assert/strict";
import { arrancarServidor, bytesDe, ejecutar, EnMarcha, enviar, recibir } from "./ayuda.ts";

/**
 * Un servidor eco mínimo hecho en el test: acepta una conexión, devuelve cada trozo que
 * recibe (menos «cerrar») y anota lo recibido. El cliente espera cada eco antes de enviar
 * el siguiente mensaje, así que cada trozo es un mensaje.
 */
async function servidorDePrueba(servidor: Deno.Listener): Promise<string[]> {
  using conexion = await servidor.accept();
  const recibidos: string[] = [];
  const buffer = new Uint8Array(64 * 1024);
  while (true) {
    const leidos = await conexion.read(buffer);
    if (leidos === null) return recibidos;
    const texto = new TextDecoder().decode(buffer.subarray(0, leidos));
    recibidos.push(texto);
    if (texto === "cerrar") return recibidos;
    await enviar(conexion, buffer.slice(0, leidos));
  }
}

/** Ejecuta cliente.ts contra un servidor de prueba, con `entrada` por stdin (una tubería). */
async function conversar(entrada: string, ...opciones: string[]) {
  using servidor = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const [recibidos, cliente] = await Promise.all([
    servidorDePrueba(servidor),
    ejecutar(
      [
        "run",
        "--allow-net",
        "sockets/cliente.ts",
        "--port",
        String(servidor.addr.port),
        ...opciones,
      ],
      entrada,
    ),
  ]);
  return { recibidos, ...cliente };
}

Deno.test("cliente: envía cada línea sin salto, muestra el eco y se despide con «cerrar»", async () => {
  const { code, lineas, stderr, recibidos } = await conversar("hola\nqué tal, señor 😀\ncerrar\n");
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "");
  assert.deepEqual(recibidos, ["hola", "qué tal, señor 😀", "cerrar"]);
  assert.deepEqual(lineas, [
    "Mensaje a enviar: hola",
    "El servidor responde: hola",
    "Mensaje a enviar: qué tal, señor 😀",
    "El servidor responde: qué tal, señor 😀",
    "Mensaje a enviar: cerrar",
    "Taluego, servidor!",
  ]);
});

Deno.test("cliente: líneas de Windows (\\r\\n) se envían sin el \\r", async () => {
  const { code, recibidos } = await conversar("hola\r\ncerrar\r\n");
  assert.equal(code, 0);
  assert.deepEqual(recibidos, ["hola", "cerrar"]);
});

Deno.test("cliente: al acabarse la entrada (Ctrl+D) envía «cerrar» y termina bien", async () => {
  for (const entrada of ["hola\n", "hola", ""]) {
    const { code, lineas, recibidos } = await conversar(entrada);
    assert.equal(code, 0);
    assert.deepEqual(recibidos, entrada === "" ? ["cerrar"] : ["hola", "cerrar"]);
    assert.deepEqual(lineas.slice(-2), [
      "Mensaje a enviar: (fin de la entrada: se envía «cerrar»)",
      "Taluego, servidor!",
    ]);
  }
});

Deno.test("cliente: una línea vacía no envía nada y no se queda esperando", async () => {
  const { code, lineas, recibidos } = await conversar("\nhola\n\ncerrar\n");
  assert.equal(code, 0);
  assert.deepEqual(recibidos, ["hola", "cerrar"]);
  assert.equal(lineas.filter((linea) => linea === "Mensaje a enviar: ").length, 2);
});

Deno.test("cliente: espera el eco entero aunque llegue en trozos (con una letra partida)", async () => {
  using servidor = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const peticion = ejecutar(
    ["run", "--allow-net", "sockets/cliente.ts", "--port", String(servidor.addr.port)],
    "añoranza\ncerrar\n",
  );
  {
    using conexion = await servidor.accept();
    const mensaje = await recibir(conexion, bytesDe("añoranza").length);
    await enviar(conexion, mensaje.subarray(0, 2)); // "a" y medio "ñ"
    await enviar(conexion, mensaje.subarray(2));
    await recibir(conexion, 6); // cerrar
  }
  const { code, lineas } = await peticion;
  assert.equal(code, 0);
  assert.equal(lineas[1], "El servidor responde: añoranza");
});

Deno.test("cliente: sin servidor dice que no pudo conectar y sale con 1, sin traza", async () => {
  const libre = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = libre.addr.port;
  libre.close(); // ahora nadie escucha en ese puerto
  const { code, stdout, stderr } = await ejecutar(
    ["run", "--allow-net", "sockets/cliente.ts", "--port", String(port)],
    "hola\n",
  );
  assert.equal(code, 1);
  assert.equal(stdout, "");
  assert.match(
    stderr,
    new RegExp(
      `^No se pudo conectar con localhost:${port}\\. ¿Está el servidor en marcha\\?.*\\n$`,
    ),
  );
});

Deno.test("cliente: si el servidor se va a mitad de la conversación, lo dice y sale con 1", async () => {
  using servidor = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const peticion = ejecutar(
    ["run", "--allow-net", "sockets/cliente.ts", "--port", String(servidor.addr.port)],
    "hola\notra\ncerrar\n",
  );
  {
    using conexion = await servidor.accept();
    await recibir(conexion, 4); // recibe "hola" y se va sin devolver el eco
  }
  const { code, stderr } = await peticion;
  assert.equal(code, 1);
  assert.equal(stderr, "El servidor ha cerrado la conexión: no se puede seguir.\n");
});

/** ¿Tiene este equipo IPv6 en la interfaz local (::1)? */
function hayIPv6(): boolean {
  try {
    Deno.listen({ hostname: "::1", port: 0 }).close();
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name: "cliente: «localhost» llega también a un servidor que solo escucha en IPv6 (::1)",
  ignore: !hayIPv6(),
  async fn() {
    using servidor = Deno.listen({ hostname: "::1", port: 0 });
    const [recibidos, { code }] = await Promise.all([
      servidorDePrueba(servidor),
      ejecutar(
        ["run", "--allow-net", "sockets/cliente.ts", "--port", String(servidor.addr.port)],
        "hola\ncerrar\n",
      ),
    ]);
    assert.equal(code, 0);
    assert.deepEqual(recibidos, ["hola", "cerrar"]);
  },
});

Deno.test("cliente: opciones mal escritas: uso en español y código 2", async () => {
  for (const malas of [["--port", "0"], ["--port", "x"], ["--servidor", "a"]]) {
    const { code, stderr } = await ejecutar(["run", "--allow-net", "sockets/cliente.ts", ...malas]);
    assert.equal(code, 2, malas.join(" "));
    assert.match(
      stderr,
      /\nUso: deno run --allow-net sockets\/cliente\.ts \[--host localhost\] \[--port 9999\]\n$/,
    );
  }
});

Deno.test("cliente.ts y servidor.ts juntos: la conversación del capítulo", async () => {
  const { servidor, port } = await arrancarServidor();
  const cliente = new EnMarcha(
    ["run", "--allow-net", "sockets/cliente.ts", "--port", String(port)],
    "piped",
  );
  const escritor = cliente.proceso.stdin.getWriter();
  await escritor.write(bytesDe("hola\n"));
  assert.equal(await cliente.linea(), "Mensaje a enviar: hola");
  assert.equal(await cliente.linea(), "El servidor responde: hola");
  assert.equal(await servidor.linea(), "127.0.0.1 dice: hola");
  await escritor.write(bytesDe("cerrar\n"));
  await escritor.close();
  const [c, s] = await Promise.all([cliente.fin(), servidor.fin()]);
  assert.equal(c.code, 0);
  assert.equal(s.code, 0);
  assert.deepEqual(c.lineas.slice(2), ["Mensaje a enviar: cerrar", "Taluego, servidor!"]);
  assert.deepEqual(s.lineas.slice(1), ["127.0.0.1 dice: hola", "Taluego, cliente!"]);
});
