// cliente_chat.ts de verdad, contra servidor_chat.ts: recibe mientras espera al teclado,
// tecleando en una terminal y con una tubería, y los errores de siempre en español.
import assert from "node:assert/strict";
import { arrancarServidor, ejecutar, EnMarcha } from "./ayuda.ts";
import { leerCabecera } from "./cabeceras.ts";
import { aTiempo, Participante } from "../herramientas/chat_participante.ts";
import { CTRL_C, CTRL_D, ENTER, hayTerminal, Terminal } from "./terminal.ts";

const CLIENTE = ["run", "--allow-net", "sockets/cliente_chat.ts"];

/**
 * La regla de lo que muestra el cliente: la pregunta del nombre, otra petición de nombre por
 * cada nombre que no valía, si se acortó el nombre, el aviso; el saludo con quién está, lo que dicen y hacen los demás (sin
 * caracteres de control) y, al final, la despedida del servidor o el aviso de que cerró.
 */
export function comprobarClienteChat(lineas: string[]): void {
  assert.equal(lineas[0], "Bienvenido al chat. ¿Cómo te llamas?");
  let i = 1;
  const otroNombre =
    /^«.+» (ya está en el chat|es un nombre que pone el servidor): escribe otro nombre\.$/;
  while (otroNombre.test(lineas[i] ?? "")) i++;
  if (/^Tu nombre pasa de 20 letras: te quedas con «.+»\.$/.test(lineas[i] ?? "")) i++;
  const [, nombre] = lineas[i]?.match(/^Hola, (.+)\. En el chat: .+\. Para salir, «cerrar»\.$/) ??
    [];
  assert.ok(nombre, `el saludo: ${lineas[i]}`);
  for (const linea of lineas.slice(i + 1, -1)) {
    assert.match(linea, /^(.+: |.+ (entra en|sale de)l chat|El chat se cierra\.$)/, linea);
    assert.doesNotMatch(linea, /\p{Cc}/u);
    assert.ok(!linea.startsWith(`${nombre}: `), `su propio mensaje no vuelve: ${linea}`);
  }
  assert.ok(
    [`Taluego, ${nombre}!`, "(el servidor ha cerrado la conexión)"].includes(lineas.at(-1)!),
    `la última línea: ${lineas.at(-1)}`,
  );
}

async function arrancarChat() {
  const { servidor, port } = await arrancarServidor("sockets/servidor_chat.ts");
  return { servidor, port: String(port) };
}

Deno.test("cliente_chat: la muestra de la cabecera cumple la regla", () => {
  const { salida } = leerCabecera("sockets/cliente_chat.ts");
  comprobarClienteChat(salida);
  assert.throws(() => comprobarClienteChat(salida.toSpliced(2, 0, "Ana: hola a todos")));
  // Con un nombre ocupado antes, también vale; un mensaje antes del saludo, no.
  comprobarClienteChat(salida.toSpliced(1, 0, "«Ana» ya está en el chat: escribe otro nombre."));
  assert.throws(() => comprobarClienteChat(salida.toSpliced(1, 0, "Berta: hola")));
});

Deno.test("cliente_chat: muestra lo que llega mientras espera al teclado, y envía lo que se escribe", async () => {
  const { servidor, port } = await arrancarChat();
  const berta = await Participante.entrar(Number(port), "Berta");
  const cliente = new EnMarcha([...CLIENTE, "--port", port], "piped");
  const teclado = cliente.proceso.stdin.getWriter();
  const teclear = (texto: string) => teclado.write(new TextEncoder().encode(texto));
  try {
    await teclear("Ana\n");
    await berta.hasta("Ana entra en el chat.");
    // El cliente espera al teclado, y aun así muestra lo que dice Berta.
    /** La siguiente línea que muestra el cliente con un mensaje de Berta (3 s como mucho). */
    const deBerta = () =>
      aTiempo(
        (async () => {
          let linea;
          while ((linea = await cliente.linea()) !== null && !linea.startsWith("Berta: "));
          return linea;
        })(),
        3000,
        "el mensaje de Berta",
      );
    await berta.decir("hola, Ana \x1b]0;título\x07");
    assert.equal(await deBerta(), "Berta: hola, Ana \\x1b]0;título\\x07");
    // Un mensaje que escapado pasa de 4096 caracteres (\x01 se ve como \\x01): una línea entera.
    await berta.decir("\x01".repeat(2000));
    assert.equal(await deBerta(), `Berta: ${"\\x01".repeat(2000)}`);
    // Una línea tecleada de 10 000 caracteres es un mensaje, cortado como lo cortaría el servidor.
    await teclear("x".repeat(10_000) + "\nhola, Berta\n");
    await berta.hasta("Ana: hola, Berta");
    const deAna = berta.lineas.filter((linea) => linea.startsWith("Ana: "));
    assert.deepEqual(deAna.map((l) => `${l.slice(0, 8)}… (${[...l].length} caracteres)`), [
      `Ana: xxx… (${"Ana: ".length + 4096 + 1} caracteres)`,
      `Ana: hol… (${"Ana: hola, Berta".length} caracteres)`,
    ]);
    assert.equal(deAna[0], `Ana: ${"x".repeat(4096)}…`);
    await teclado.close(); // Ctrl+D: fin de la entrada
    const { code, lineas, stderr } = await cliente.fin();
    assert.equal(code, 0, stderr);
    comprobarClienteChat(lineas);
    assert.equal(lineas.at(-1), "Taluego, Ana!");
    await berta.hasta("Ana sale del chat.");
  } finally {
    berta.cerrar();
    await cliente.parar("SIGKILL");
    await servidor.parar("SIGKILL");
  }
});

Deno.test({
  name:
    "cliente_chat: tecleando en una terminal, un nombre ocupado se pide otra vez; «cerrar», Ctrl+D, Ctrl+C y el cierre del servidor lo terminan en menos de un segundo",
  ignore: !hayTerminal,
  fn: async () => {
    const { servidor, port } = await arrancarChat();
    const terminales: Terminal[] = [];
    try {
      const entrar = async (nombre: string) => {
        const terminal = new Terminal([...CLIENTE, "--port", port]);
        terminales.push(terminal);
        await terminal.esperar("¿Cómo te llamas?");
        await terminal.teclear(nombre + ENTER);
        await terminal.esperar(`Hola, ${nombre}.`);
        return terminal;
      };
      const [ana, berta, carlos] = await Promise.all(["Ana", "Berta", "Carlos"].map(entrar));
      // Dani teclea un nombre que ya está: se le pide otro, y lo siguiente es su nombre.
      const dani = new Terminal([...CLIENTE, "--port", port]);
      terminales.push(dani);
      await dani.esperar("¿Cómo te llamas?");
      await dani.teclear("Ana" + ENTER);
      await dani.esperar("Ana\r\n«Ana» ya está en el chat: escribe otro nombre.\r\n");
      await dani.teclear("Dani" + ENTER);
      await dani.esperar("Dani\r\nHola, Dani. En el chat: "); // los tres, en el orden en que entraron
      await ana.esperar("Dani entra en el chat.");
      assert.doesNotMatch(ana.salida, /Cliente|: Dani/, "Dani no entra como «Cliente N»");
      /** Teclea y espera a que termine: su código, o null si sigue en marcha 1 s después. */
      const sale = async (terminal: Terminal, teclas: string) => {
        await terminal.teclear(teclas);
        return await terminal.fin(1000);
      };
      const [cerrar, ctrlD, ctrlC] = await Promise.all([
        sale(ana, "cerrar" + ENTER),
        sale(berta, CTRL_D),
        sale(carlos, CTRL_C),
      ]);
      // Dani sigue dentro: el servidor se cierra (SIGTERM) y Dani termina solo.
      await servidor.parar("SIGTERM");
      const cierre = await dani.fin(1000);
      assert.equal(cerrar, 0, ana.salida);
      assert.match(ana.salida, /Taluego, Ana!\r\n$/);
      assert.equal(ctrlD, 0, berta.salida);
      assert.match(berta.salida, /Taluego, Berta!\r\n$/);
      assert.equal(ctrlC, 0, carlos.salida); // Ctrl+C se despide y sale, sin esperar al servidor
      assert.match(carlos.salida, /Taluego!\r\n$/);
      assert.equal(cierre, 0, dani.salida);
      assert.match(
        dani.salida,
        /El chat se cierra\.\r\n\(el servidor ha cerrado la conexión\)\r\n$/,
      );
      for (const terminal of terminales) assert.doesNotMatch(terminal.salida, /error|Uncaught/);
    } finally {
      for (const terminal of terminales) await terminal[Symbol.asyncDispose]();
      await servidor.parar("SIGKILL");
    }
  },
});

Deno.test("cliente_chat: sin servidor, opciones mal puestas, nombre que no existe o sin permiso: sin traza", async () => {
  const libre = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = `${libre.addr.port}`;
  libre.close(); // un puerto donde ya no escucha nadie
  const [sinServidor, fuera, nombre, sinPermiso, otroPermiso] = await Promise.all([
    ejecutar([...CLIENTE, "--port", port], "Ana\n"),
    ejecutar([...CLIENTE, "--port", "-1"]),
    ejecutar([...CLIENTE, "--host", "no-existe.invalid"]),
    ejecutar(["run", "sockets/cliente_chat.ts"]),
    ejecutar(["run", `--allow-net=127.0.0.2:${port}`, "sockets/cliente_chat.ts", "--port", port]),
  ]);
  assert.equal(sinServidor.code, 1);
  assert.equal(
    sinServidor.stderr,
    `No se pudo conectar con localhost:${port}: nada escucha en ese puerto de este equipo. ` +
      "Arranca antes el servidor en otra terminal: deno run --allow-net " +
      `--allow-sys=networkInterfaces sockets/servidor_chat.ts --port ${port}\n`,
  );
  assert.equal(fuera.code, 2);
  assert.match(fuera.stderr, /^--port debe estar entre 1 y 65535 \(no «-1»\)\.\nUso: /);
  assert.equal(nombre.code, 1);
  assert.match(nombre.stderr, /^No se encuentra el equipo «no-existe\.invalid»/);
  assert.equal(sinPermiso.code, 1);
  assert.equal(
    sinPermiso.stderr,
    "No hay permiso para conectar con localhost:9999. Ejecuta: deno run --allow-net sockets/cliente_chat.ts\n",
  );
  assert.equal(otroPermiso.code, 1);
  assert.equal(
    otroPermiso.stderr,
    `No hay permiso para conectar con localhost:${port}. Ejecuta: deno run --allow-net ` +
      `sockets/cliente_chat.ts --port ${port}\n`,
  );
});
