// Los tests de sockets/red.ts, la fontanería que comparten los ejemplos de sockets/.

import assert from "node:assert/strict";
import { ejecutar, EnMarcha, puertoDe, raiz } from "./ayuda.ts";
import { analizarOpciones, bandera, direccion, entero, texto, visible } from "../sockets/red.ts";
import {
  esVirtual,
  fraseDelHost,
  porQueNoConecta,
  rutaDesde,
  sinCorchetes,
} from "../sockets/red.ts";

Deno.test("red: visible() escapa los caracteres de control y los invisibles, y nada más", () => {
  assert.equal(visible("a\nb\r\tc\x1b[2J\x07\x9b\u2028"), "a\\nb\\r\\tc\\x1b[2J\\x07\\x9b\\u2028");
  // Lo que da la vuelta al texto o lo esconde, también; las letras, los acentos y los emoji
  // (también los de varias piezas, unidas con \u200d), tal cual.
  assert.equal(
    visible("\u202eevil\u202c \u200b\u061c\u2066\ufeff"),
    "\\u202eevil\\u202c \\u200b\\u061c\\u2066\\ufeff",
  );
  const normales = "José ñ € 😀 👨\u200d👩\u200d👧 مرحبا שלום e\u0301";
  assert.equal(visible(normales), normales);
});

Deno.test("red: una frase por cada error de opciones, las de todo el proyecto", () => {
  const opciones = {
    port: entero(9999, 0, 65535, "puerto"),
    lento: texto("productor", ["productor", "consumidor"], "quién va lento"),
    modo: texto("a", ["a", "b", "c"], "modo"),
    interbloqueo: bandera("sin orden"),
  };
  const error = (...args: string[]) => {
    const lectura = analizarOpciones(opciones, "deno run x.ts", args);
    return "error" in lectura ? lectura.error : JSON.stringify(lectura);
  };
  assert.equal(error("--port", "abc"), "--port debe ser un número entero (no «abc»).");
  assert.equal(error("--port", "99999"), "--port debe estar entre 0 y 65535 (no «99999»).");
  assert.equal(error("--port", "-1"), "--port debe estar entre 0 y 65535 (no «-1»).");
  assert.equal(error("--lento", "x"), "--lento debe ser productor o consumidor (no «x»).");
  assert.equal(error("--modo=x"), "--modo debe ser a, b o c (no «x»).");
  assert.equal(error("--zzz"), "Opción desconocida: --zzz.");
  assert.equal(error("-x"), "Opción desconocida: -x.");
  assert.equal(error("--port"), "Falta el valor de --port.");
  assert.equal(error("--port", "--lento"), "Falta el valor de --port.");
  assert.equal(
    error("--interbloqueo=si"),
    "--interbloqueo no lleva valor: escribe solo --interbloqueo.",
  );
  assert.equal(error("hola"), "Argumento inesperado: «hola» (las opciones empiezan por --).");
  assert.deepEqual(analizarOpciones(opciones, "o", ["--port=0", "--interbloqueo"]), {
    valores: { port: 0, lento: "productor", modo: "a", interbloqueo: true },
  });
});

Deno.test("red: direccion() pone una IPv6 entre corchetes; --host [::1] es ::1", () => {
  assert.equal(direccion("127.0.0.1", 9999), "127.0.0.1:9999");
  assert.equal(direccion("::1", 9999), "[::1]:9999");
  assert.equal(direccion("::", 80), "[::]:80");
  assert.equal(direccion("[::1]", 80), "[::1]:80");
  assert.equal(direccion("::ffff:10.0.0.2", 5000), "10.0.0.2:5000"); // IPv4 en un servidor en ::
  assert.deepEqual(
    ["[::1]", "[::]", "::1", "10.0.0.1", "[::1]:80"].map(sinCorchetes),
    ["::1", "::", "::1", "10.0.0.1", "[::1]:80"],
  );
});

Deno.test("red: con ::1 y nada escuchando, primero lo de IPv6 (un servidor en 0.0.0.0 no lo atiende)", async () => {
  // El error de verdad de un puerto cerrado: se abre uno, se cierra y se conecta.
  const cerrado = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = cerrado.addr.port;
  cerrado.close();
  const rechazo = await Deno.connect({ hostname: "127.0.0.1", port }).catch((e) => e);
  assert.ok(rechazo instanceof Deno.errors.ConnectionRefused, String(rechazo));
  const frase = (host: string) => porQueNoConecta(rechazo, host, port, "servidor.ts");
  assert.equal(
    frase("::1"),
    `No se pudo conectar con [::1]:${port}: nada escucha en ese puerto de este equipo por ` +
      "IPv6. Un servidor en 0.0.0.0 solo escucha por IPv4: escribe --host 127.0.0.1. Si el " +
      "servidor no está en marcha, arráncalo antes en otra terminal: deno run --allow-net " +
      `--allow-sys=networkInterfaces sockets/servidor.ts --port ${port}`,
  );
  assert.match(frase("127.0.0.1"), /este equipo\. Arranca antes el servidor en otra terminal/);
  assert.match(
    frase("fd00::1"),
    /contesta, pero nada escucha en su puerto \d+ por IPv6\. Un servidor en 0\.0\.0\.0 solo escucha por IPv4: escribe --host con su dirección IPv4 \(la que dice al arrancar\)\.$/,
  );
  assert.match(frase("10.0.0.1"), /contesta, pero nada escucha en su puerto \d+: ¿está en marcha/);
});

Deno.test("red: un --host mal escrito, una frase que dice cómo se escribe (clientes y servidores)", () => {
  assert.equal(fraseDelHost("10.77.0.1", 9999), null);
  assert.equal(fraseDelHost("::1", 9999), null);
  assert.equal(
    fraseDelHost("[::1]:8000", 9999),
    "--host lleva la dirección sin el puerto: escribe --host ::1 --port 8000.",
  );
  assert.equal(
    fraseDelHost("http://10.77.0.1/", 9999),
    "--host es solo la dirección del equipo, no una dirección web: escribe --host 10.77.0.1 " +
      "--port 9999.",
  );
  const sinEspacios = "--host es el nombre o la dirección de un equipo, sin espacios: escribe, " +
    "por ejemplo, --host 192.168.1.20 o --host localhost.";
  for (const mal of ["", " ", "10.77.0.1 ", "mi portátil"]) {
    assert.equal(fraseDelHost(mal, 9999), sinEspacios, `«${mal}»`);
  }
});

Deno.test("red: las órdenes llevan / en todos los sistemas; Docker, VPN y máquinas virtuales no son la red de clase", () => {
  assert.equal(rutaDesde("C:\\curso\\sockets", "C:\\curso", "x.ts"), "sockets/x.ts");
  assert.equal(rutaDesde("C:\\curso\\sockets", "C:\\", "x.ts"), "curso/sockets/x.ts");
  assert.equal(rutaDesde("/home/a/curso/sockets", "/home/a/curso", "x.ts"), "sockets/x.ts");
  assert.equal(
    rutaDesde("/home/a/mi curso/sockets", "/tmp", "x.ts"),
    '"/home/a/mi curso/sockets/x.ts"',
  );
  for (const nombre of ["docker0", "br-1a2b", "veth12ab", "virbr0", "tun0", "wg0", "utun3"]) {
    assert.ok(esVirtual(nombre), nombre);
  }
  for (const nombre of ["eth0", "wlan0", "enp3s0", "wlp2s0", "en0", "Wi-Fi", "Ethernet"]) {
    assert.ok(!esVirtual(nombre), nombre);
  }
  assert.ok(esVirtual("vEthernet (WSL)"));
});

/** Copia `scripts` de sockets/ (y red.ts) a una carpeta vacía: en sockets/, o sueltos. */
async function copiar(scripts: string[], sueltos: boolean): Promise<string> {
  const carpeta = await Deno.makeTempDir({ prefix: "copia_de_clase_" });
  const destino = sueltos ? carpeta : `${carpeta}/sockets`;
  await Deno.mkdir(destino, { recursive: true });
  for (const script of [...scripts, "red.ts"]) {
    await Deno.copyFile(`${raiz}sockets/${script}`, `${destino}/${script}`);
  }
  return carpeta;
}

Deno.test("red: copiados con red.ts, en sockets/ o sueltos, servidor y cliente conversan y sugieren órdenes que se pueden pegar", async () => {
  for (const sueltos of [false, true]) {
    const carpeta = await copiar(["servidor.ts", "cliente.ts"], sueltos);
    const sitio = sueltos ? "" : "sockets/";
    try {
      const servidor = new EnMarcha(
        ["run", "--allow-net", `${sitio}servidor.ts`, "--host", "127.0.0.1", "--port", "0"],
        "null",
        { cwd: carpeta },
      );
      const port = puertoDe(await servidor.linea());
      assert.ok(port, "el servidor copiado no arrancó");
      const cliente = await ejecutar(
        ["run", "--allow-net", `${sitio}cliente.ts`, "--port", String(port)],
        "hola\ncerrar\n",
        { cwd: carpeta },
      );
      assert.equal(cliente.code, 0, cliente.stderr);
      assert.match(cliente.stdout, /El servidor responde: hola\n/);
      const { code, lineas } = await servidor.fin();
      assert.equal(code, 0);
      assert.deepEqual(lineas.slice(1), ["127.0.0.1 dice: hola", "Taluego, cliente!"]);

      const [sinPermiso, sinServidor] = await Promise.all([
        ejecutar(["run", `${sitio}servidor.ts`, "--port", "8000"], undefined, { cwd: carpeta }),
        ejecutar(["run", "--allow-net", `${sitio}cliente.ts`, "--port", "1"], "", {
          cwd: carpeta,
        }),
      ]);
      assert.equal(sinPermiso.code, 1);
      assert.equal(
        sinPermiso.stderr,
        "No hay permiso para escuchar en 0.0.0.0:8000. Ejecuta: deno run --allow-net " +
          `--allow-sys=networkInterfaces ${sitio}servidor.ts --port 8000\n`,
      );
      assert.equal(sinServidor.code, 1);
      assert.match(
        sinServidor.stderr,
        new RegExp(
          `otra terminal: deno run --allow-net --allow-sys=networkInterfaces ${sitio}servidor\\.ts --port 1\\n$`,
        ),
      );
    } finally {
      await Deno.remove(carpeta, { recursive: true });
    }
  }
});

Deno.test("red: cada script de sockets/ importa solo ./red.ts y lo de Deno (node:...)", () => {
  for (const { name } of Deno.readDirSync(`${raiz}sockets`)) {
    const codigo = Deno.readTextFileSync(`${raiz}sockets/${name}`);
    for (const [, desde] of codigo.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+"([^"]+)"/gm)) {
      assert.ok(
        desde === "./red.ts" && name !== "red.ts" || desde.startsWith("node:"),
        `${name} importa ${desde}`,
      );
    }
  }
});

Deno.test("red: el bloque de opciones es el de threads/threading.ts, letra a letra", () => {
  /** El bloque: desde su comentario hasta el final de leerOpciones(). */
  const bloque = (ruta: string) => {
    const codigo = Deno.readTextFileSync(`${raiz}${ruta}`);
    const inicio = codigo.indexOf("// Opciones de la línea de órdenes. Este bloque es el mismo");
    assert.ok(inicio >= 0, `${ruta}: sin el comentario del bloque de opciones`);
    const fin = codigo.indexOf("\n}\n", codigo.indexOf("export function leerOpciones", inicio));
    return codigo.slice(inicio, fin);
  };
  assert.equal(bloque("sockets/red.ts"), bloque("threads/threading.ts"));
});
