import assert from "node:assert/strict";
import net from "node:net";
import { arrancarServidor, ejecutar, lineasDe, raiz } from "./ayuda.ts";
import { leerCabecera } from "./cabeceras.ts";
import { ServidorEco } from "./sockets_ayuda.ts";
import { CTRL_C, CTRL_D, ENTER, hayTerminal, Terminal } from "./terminal.ts";
import { analizarOpciones } from "../sockets/red.ts";
import { OPCIONES_DEL_CLIENTE as OPCIONES } from "../sockets/red.ts";

const CLIENTE = ["run", "--allow-net", "sockets/cliente.ts"];

/**
 * La regla del cliente: cada «Mensaje a enviar: X» va seguido de «El servidor responde: X»
 * (el eco es lo enviado), hasta el «cerrar» final, y «Taluego, servidor!» es la última línea.
 */
function comprobar(lineas: string[]) {
  // Las líneas, para el mensaje de un fallo: solo entonces (una puede tener 10 MB).
  const todas = () => lineas.map((linea) => linea.slice(0, 100)).join("\n");
  if (lineas.at(-1) !== "Taluego, servidor!") assert.fail(`la última línea:\n${todas()}`);
  assert.equal(lineas.at(-2), "Mensaje a enviar: cerrar");
  const conversacion = lineas.slice(0, -2);
  if (conversacion.length % 2 !== 0) assert.fail(`una línea sin su pareja:\n${todas()}`);
  for (let i = 0; i < conversacion.length; i += 2) {
    const enviado = conversacion[i].match(/^Mensaje a enviar: (.+)$/)?.[1];
    assert.ok(enviado !== undefined && enviado !== "cerrar", conversacion[i]);
    assert.equal(conversacion[i + 1], `El servidor responde: ${enviado}`);
  }
}

/** Ejecuta cliente.ts contra un servidor eco del test, con `entrada` por una tubería. */
async function conversar(entrada: string) {
  using servidor = new ServidorEco();
  // Con el permiso justo (solo localhost), como pide el mínimo privilegio: también funciona.
  const justo = ["run", "--allow-net=localhost", "sockets/cliente.ts"];
  const cliente = await ejecutar([...justo, "--port", String(servidor.port)], entrada);
  return { ...cliente, recibidos: await servidor.conversaciones[0] ?? [] };
}

Deno.test("cliente: la regla vale para la cabecera y rechaza conversaciones imposibles", () => {
  // La orden de la cabecera, copiada sola y con servidor.ts o el multicliente, la ejecutan
  // (una vez cada una) los tests de esos servidores; aquí, la regla en la muestra.
  comprobar(leerCabecera("sockets/cliente.ts").salida);
  assert.throws(() => comprobar(["Mensaje a enviar: hola", "Taluego, servidor!"]));
  assert.throws(() =>
    comprobar([
      "Mensaje a enviar: hola",
      "El servidor responde: hol",
      "Mensaje a enviar: cerrar",
      "Taluego, servidor!",
    ])
  );
});

Deno.test("cliente: envía los bytes UTF-8 de cada línea, sin \\r ni \\n; Ctrl+D (fin de la entrada) envía «cerrar»", async () => {
  // Una línea de Windows (\r\n), una vacía (no se envía) y el final sin «cerrar».
  const { code, stderr, lineas, recibidos } = await conversar("hola\r\n\nqué tal, señor 😀");
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "");
  assert.deepEqual(recibidos, ["hola", "qué tal, señor 😀", "cerrar"]);
  assert.deepEqual(lineas, [
    "Mensaje a enviar: hola",
    "El servidor responde: hola",
    "Mensaje a enviar: ",
    "Mensaje a enviar: qué tal, señor 😀",
    "El servidor responde: qué tal, señor 😀",
    "Mensaje a enviar: (fin de la entrada: se envía «cerrar»)",
    "Taluego, servidor!",
  ]);
});

Deno.test("cliente: una línea de 10 MB llega entera y el eco es exacto", async () => {
  // Más que los buffers del sistema (unos 4 MB), con letras de varios bytes: escribir la línea
  // entera antes de leer el eco se quedaba bloqueado. (El multicliente lee y escribe igual que
  // servidor.ts: con uno basta, y cada MB cuesta.)
  const linea = `ñ${"0123456789".repeat(1_000_000)}€`;
  const { servidor, port } = await arrancarServidor("sockets/servidor.ts");
  const cliente = await ejecutar([...CLIENTE, "--port", String(port)], `${linea}\ncerrar\n`);
  assert.equal(cliente.code, 0, cliente.stderr);
  assert.equal(cliente.stderr, "");
  assert.equal(cliente.lineas.length, 4);
  assert.ok(cliente.lineas[1] === `El servidor responde: ${linea}`, "eco distinto");
  comprobar(cliente.lineas);
  await servidor.fin(); // servidor.ts ya terminó con «cerrar»
});

Deno.test("cliente: sin servidor, con un nombre que no existe o un --host mal escrito: una frase cada uno", async () => {
  const libre = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = libre.addr.port;
  libre.close(); // ahora nadie escucha en ese puerto
  const [sinServidor, sinNombre, conPuerto, web, v6] = await Promise.all([
    ejecutar([...CLIENTE, "--port", String(port)], "hola\n"),
    ejecutar([...CLIENTE, "--host", "no-existe.invalid"], "hola\n"),
    ejecutar([...CLIENTE, "--host", "127.0.0.1:9999"], "hola\n"),
    ejecutar([...CLIENTE, "--host", "http://127.0.0.1:8000/"], "hola\n"),
    ejecutar([...CLIENTE, "--host", "::1", "--port", String(port)], "hola\n"),
  ]);
  assert.equal(sinServidor.code, 1);
  assert.equal(sinServidor.stdout, "");
  assert.equal(
    sinServidor.stderr,
    `No se pudo conectar con localhost:${port}: nada escucha en ese puerto de este equipo. ` +
      "Arranca antes el servidor en otra terminal: deno run --allow-net " +
      `--allow-sys=networkInterfaces sockets/servidor.ts --port ${port}\n`,
  );
  assert.equal(v6.code, 1);
  assert.match(v6.stderr, new RegExp(`^No se pudo conectar con \\[::1\\]:${port}: `));
  assert.match(
    v6.stderr,
    /este equipo por IPv6\. Un servidor en 0\.0\.0\.0 solo escucha por IPv4: escribe --host 127\.0\.0\.1\. /,
  );
  assert.equal(sinNombre.code, 1);
  assert.equal(
    sinNombre.stderr,
    "No se encuentra el equipo «no-existe.invalid»: ese nombre no existe. Revisa --host (o " +
      "escribe su dirección, la que dice el servidor al arrancar).\n",
  );
  const uso = "Uso: deno run --allow-net sockets/cliente.ts [--host X] [--port N]";
  assert.equal(conPuerto.code, 2);
  assert.equal(
    conPuerto.stderr,
    `--host lleva la dirección sin el puerto: escribe --host 127.0.0.1 --port 9999.\n${uso}\n`,
  );
  assert.equal(web.code, 2);
  assert.equal(
    web.stderr,
    "--host es solo la dirección del equipo, no una dirección web: escribe --host 127.0.0.1 " +
      `--port 8000.\n${uso}\n`,
  );
});

Deno.test("cliente: si el servidor se va a mitad de la conversación, lo dice y sale con 1", async () => {
  using servidor = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const cliente = ejecutar([...CLIENTE, "--port", String(servidor.addr.port)], "hola\ncerrar\n");
  const conexion = await aTiempo(servidor.accept(), 5000, "el cliente no se conectó");
  await conexion.read(new Uint8Array(16)); // recibe «hola»...
  conexion.close(); // ...y se va sin devolver el eco: el cliente lo esperaba
  const { code, stderr } = await cliente;
  assert.equal(code, 1);
  assert.equal(stderr, "El servidor ha cerrado la conexión: no se puede seguir.\n");
});

Deno.test("cliente: los bytes de un servidor que habla sin que le pregunten salen todos y en orden", async () => {
  // Saluda nada más aceptar y después hace de eco: el saludo va delante de los ecos, y
  // vigilar la conexión mientras se espera al teclado no debe perder ni cambiar de sitio nada.
  using servidor = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const entrada = ["uno", "dos", "tres", "cuatro", "cinco"];
  const cliente = ejecutar(
    [...CLIENTE, "--port", String(servidor.addr.port)],
    `${entrada.join("\n")}\ncerrar\n`,
  );
  const conexion = await aTiempo(servidor.accept(), 5000, "el cliente no se conectó");
  const escritor = conexion.writable.getWriter();
  await escritor.write(new TextEncoder().encode("[hola]"));
  const buffer = new Uint8Array(1024);
  for (let leidos; (leidos = await conexion.read(buffer)) !== null;) {
    const trozo = buffer.slice(0, leidos);
    if (new TextDecoder().decode(trozo).endsWith("cerrar")) break;
    await escritor.write(trozo);
  }
  conexion.close();
  const { code, stderr, lineas } = await cliente;
  assert.equal(code, 0, stderr);
  const ecos = lineas.filter((linea) => linea.startsWith("El servidor responde: "))
    .map((linea) => linea.slice("El servidor responde: ".length));
  assert.equal(ecos.join(""), `[hola]${entrada.join("")}`.slice(0, entrada.join("").length));
});

Deno.test("cliente: con la salida cortada (| head -c 5) termina sin traza, con «cerrar» al servidor", async () => {
  using servidor = new ServidorEco();
  const cliente = new Deno.Command(Deno.execPath(), {
    args: [...CLIENTE, "--port", String(servidor.port)],
    cwd: raiz,
    env: { NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(10_000), // si no termina, se le mata: el test no se cuelga
  }).spawn();
  // Como head -c 5: lee 5 bytes y cierra su lado de la tubería. Después, el cliente tiene algo
  // que hacer: un mensaje y su eco, y otra vez el aviso, que ya no tiene dónde escribirse.
  const lector = cliente.stdout.getReader();
  for (let leidos = 0; leidos < 5;) leidos += (await lector.read()).value?.length ?? 5;
  await lector.cancel();
  // La entrada sigue abierta (no hay Ctrl+D que envíe «cerrar»): el cliente sale por el aviso.
  const teclado = cliente.stdin.getWriter();
  await teclado.write(new TextEncoder().encode("hola\n"));
  const [{ code, signal }, stderr] = await Promise.all([
    cliente.status,
    new Response(cliente.stderr).text(),
  ]);
  await teclado.close().catch(() => {});
  assert.equal(signal, null, "el cliente no terminó en 10 s");
  assert.equal(stderr, "");
  assert.equal(code, 0);
  // Sin «cerrar», el servidor del capítulo se quedaría repitiendo «127.0.0.1 dice: » sin fin.
  assert.deepEqual(await servidor.conversaciones[0], ["hola", "cerrar"]);
});

Deno.test("cliente: opciones (--port -1 y 0 fuera de rango, -h, --help con los valores por defecto)", async () => {
  const leer = (args: string[]) =>
    analizarOpciones(OPCIONES, "deno run --allow-net sockets/cliente.ts", args);
  assert.deepEqual(leer([]), { valores: { host: "localhost", port: 9999 } });
  assert.deepEqual(leer(["--host", "10.0.0.2", "--port", "1234"]), {
    valores: { host: "10.0.0.2", port: 1234 },
  });
  const uso = "deno run --allow-net sockets/cliente.ts [--host X] [--port N]";
  const malas: [string[], string][] = [
    [["--port", "-1"], "--port debe estar entre 1 y 65535 (no «-1»)."],
    [["--port", "0"], "--port debe estar entre 1 y 65535 (no «0»)."],
    [["--port", "x"], "--port debe ser un número entero (no «x»)."],
    [["--port"], "Falta el valor de --port."],
    [["--servidor", "a"], "Opción desconocida: --servidor."],
    [["9999"], "Argumento inesperado: «9999» (las opciones empiezan por --)."],
  ];
  for (const [args, error] of malas) {
    assert.deepEqual(leer(args), { error, uso }, args.join(" "));
  }
  for (const ayuda of [["-h"], ["--help"]]) {
    assert.deepEqual(leer(ayuda), {
      ayuda: `Uso: ${uso}
Opciones:
  --host X                    equipo del servidor, nombre o dirección (por defecto: localhost)
  --port N                    puerto del servidor (por defecto: 9999; de 1 a 65535)
  -h, --help                  muestra esta ayuda`,
    });
  }
  // De punta a punta: la frase y el uso en stderr, código 2, sin traza.
  const mal = await ejecutar([...CLIENTE, "--port", "-1"]);
  assert.equal(mal.code, 2);
  assert.equal(mal.stdout, "");
  assert.equal(mal.stderr, `--port debe estar entre 1 y 65535 (no «-1»).\nUso: ${uso}\n`);
});

Deno.test({
  name: "cliente: en una terminal, «cerrar», Ctrl+D y Ctrl+C terminan en menos de un segundo",
  ignore: !hayTerminal,
  async fn() {
    using servidor = new ServidorEco();
    const teclas = { cerrar: "cerrar" + ENTER, "Ctrl+D": CTRL_D, "Ctrl+C": CTRL_C };
    await Promise.all(
      Object.entries(teclas).map(async ([nombre, tecla]) => {
        await using terminal = new Terminal([...CLIENTE, "--port", String(servidor.port)]);
        await terminal.esperar("Mensaje a enviar: ");
        await terminal.teclear("hola" + ENTER);
        await terminal.esperar("El servidor responde: hola\r\nMensaje a enviar: ");
        await terminal.teclear(tecla);
        const code = await terminal.fin(1000);
        assert.notEqual(code, null, `${nombre}: el cliente sigue en marcha:\n${terminal.salida}`);
        assert.equal(code, 0, `${nombre}:\n${terminal.salida}`);
        // Ctrl+C también se despide, en su línea (no tras el aviso, donde la terminal puso ^C).
        const antes = nombre === "Ctrl+C" ? "Mensaje a enviar: (\\^C)?\r\n" : "";
        assert.match(terminal.salida, new RegExp(`${antes}Taluego, servidor!\r\n$`));
      }),
    );
    // Los tres se despiden del servidor con «cerrar»: Ctrl+C también, porque el servidor del
    // capítulo, si el cliente se va sin «cerrar», se queda repitiendo «127.0.0.1 dice: » sin fin.
    const conversaciones = await Promise.all(servidor.conversaciones);
    assert.deepEqual(conversaciones.map((c) => c.join("|")), Array(3).fill("hola|cerrar"));
  },
});

/** Espera `promesa` como mucho `ms`; si no llega a tiempo, falla diciendo `que`. */
async function aTiempo<T>(promesa: Promise<T>, ms: number, que: string): Promise<T> {
  let reloj: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promesa,
      new Promise<never>((_, mal) => reloj = setTimeout(() => mal(new Error(que)), ms)),
    ]);
  } finally {
    clearTimeout(reloj);
  }
}

Deno.test({
  name: "cliente: en una terminal, Ctrl+C mientras espera un eco no añade «cerrar» al mensaje",
  ignore: !hayTerminal,
  async fn() {
    // Un servidor que recibe y nunca responde: el cliente se queda esperando el eco de «hola».
    // Un «cerrar» enviado ahora podría llegar pegado a «hola» en el mismo recv() del servidor.
    using servidor = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    await using terminal = new Terminal([...CLIENTE, "--port", String(servidor.addr.port)]);
    await terminal.esperar("Mensaje a enviar: "); // ya conectado: accept() no espera
    using conexion = await servidor.accept();
    await terminal.teclear("hola" + ENTER);
    let recibido = "";
    const buffer = new Uint8Array(1024);
    const leer = async (hasta: () => boolean) => {
      for (let leidos; !hasta() && (leidos = await conexion.read(buffer)) !== null;) {
        recibido += new TextDecoder().decode(buffer.subarray(0, leidos));
      }
    };
    await aTiempo(leer(() => recibido === "hola"), 10_000, `solo llegó «${recibido}»`);
    await terminal.teclear(CTRL_C);
    assert.equal(await terminal.fin(5000), 0, terminal.salida);
    assert.match(terminal.salida, /Taluego, servidor!\r\n$/);
    await aTiempo(leer(() => false), 5000, "la conexión sigue abierta"); // hasta el final
    assert.equal(recibido, "hola");
  },
});

Deno.test({
  name: "cliente: sin --allow-net, en una terminal, una frase en español y no la pregunta de Deno",
  ignore: !hayTerminal,
  async fn() {
    await using terminal = new Terminal(["run", "sockets/cliente.ts"]);
    assert.equal(await terminal.fin(5000), 1);
    assert.deepEqual(lineasDe(terminal.salida.replaceAll("\r\n", "\n")), [
      "No hay permiso para conectar con localhost:9999. Ejecuta: deno run --allow-net sockets/cliente.ts",
    ]);
  },
});

/**
 * Un servidor eco que, cuando se le pide, corta de golpe (reset) a los clientes que tiene,
 * como un equipo que se apaga o un cortafuegos: el cliente no lee un final, sino un error.
 */
async function servidorQueCorta() {
  const conexiones = new Set<net.Socket>();
  const servidor = net.createServer((conexion) => {
    conexiones.add(conexion);
    conexion.on("data", (datos) => conexion.write(datos));
    conexion.on("error", () => {});
    conexion.on("close", () => conexiones.delete(conexion));
  });
  await new Promise<void>((listo) => servidor.listen(0, "127.0.0.1", listo));
  return {
    port: (servidor.address() as net.AddressInfo).port,
    parar: () => {
      for (const conexion of conexiones) conexion.resetAndDestroy();
      servidor.close();
    },
  };
}

Deno.test({
  name:
    "cliente: en una terminal, sin teclear nada, si el servidor se para (Ctrl+C, SIGTERM, muerto o un reset) lo dice y termina ya",
  ignore: !hayTerminal,
  async fn() {
    // El cliente envía «hola», recibe su eco y se queda esperando al teclado. Entonces se para
    // el servidor. Antes, el cliente no se enteraba hasta el siguiente Enter.
    const cierreNormal =
      /Mensaje a enviar: \r\nEl servidor ha cerrado la conexión: la conversación ha terminado\.\r\nTaluego, servidor!\r\n$/;
    const casos = [
      { script: "sockets/servidor_multicliente.ts", senal: "SIGINT" },
      { script: "sockets/servidor_multicliente.ts", senal: "SIGTERM" },
      { script: "sockets/servidor.ts", senal: "SIGINT" }, // sin manejador: muere y el sistema cierra
      { script: "", senal: "reset" },
    ] as const;
    await Promise.all(casos.map(async ({ script, senal }) => {
      const nombre = `${script || "servidor que corta"} con ${senal}`;
      const servidor = script ? await arrancarServidor(script) : undefined;
      const cortador = script ? undefined : await servidorQueCorta();
      const port = servidor?.port ?? cortador!.port;
      try {
        await using terminal = new Terminal([...CLIENTE, "--port", String(port)]);
        await terminal.esperar("Mensaje a enviar: ");
        await terminal.teclear("hola" + ENTER);
        await terminal.esperar("El servidor responde: hola\r\nMensaje a enviar: ");
        if (servidor) servidor.servidor.senal(senal as Deno.Signal);
        else cortador!.parar();
        // El servidor tarda hasta 0,3 s en cerrar (espera a que callen los clientes); 5 s solo
        // evita colgar el test: sin vigilar la conexión, el cliente no termina nunca.
        const code = await terminal.fin(5000);
        assert.notEqual(code, null, `${nombre}: el cliente sigue esperando:\n${terminal.salida}`);
        if (senal === "reset") {
          assert.equal(code, 1, nombre);
          assert.match(
            terminal.salida,
            /Mensaje a enviar: \r\nSe ha cortado la conexión con el servidor: no se puede seguir\.\r\n$/,
          );
        } else {
          assert.equal(code, 0, nombre);
          assert.match(terminal.salida, cierreNormal, nombre);
        }
        if (script === "sockets/servidor_multicliente.ts") {
          const { code, lineas } = await servidor!.servidor.fin();
          assert.equal(code, 0);
          assert.deepEqual(lineas.slice(-3), [
            "Cerrando el servidor y 1 conexión abierta.",
            "Taluego, cliente 1!",
            "Taluego, clientes!",
          ]);
        }
      } finally {
        await servidor?.servidor.parar("SIGKILL");
        cortador?.parar();
      }
    }));
  },
});

Deno.test({
  name:
    "cliente: en una terminal, Ctrl+D tras escribir algo envía lo escrito y el eco sale en su línea",
  ignore: !hayTerminal,
  async fn() {
    using servidor = new ServidorEco();
    await using terminal = new Terminal([...CLIENTE, "--port", String(servidor.port)]);
    await terminal.esperar("Mensaje a enviar: ");
    // El primer Ctrl+D entrega «abc» sin salto de línea; el segundo, el fin de la entrada.
    await terminal.teclear("abc" + CTRL_D + CTRL_D);
    assert.equal(await terminal.fin(5000), 0, terminal.salida);
    assert.deepEqual(lineasDe(terminal.salida.replaceAll("\r\n", "\n")), [
      "Mensaje a enviar: abc",
      "El servidor responde: abc",
      "Mensaje a enviar: (fin de la entrada: se envía «cerrar»)",
      "Taluego, servidor!",
    ]);
    assert.deepEqual(await Promise.all(servidor.conversaciones), [["abc", "cerrar"]]);
  },
});
