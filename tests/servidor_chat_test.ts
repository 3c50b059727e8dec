// servidor_chat.ts de verdad: clientes por TCP real en 127.0.0.1, que se hablan, se cortan,
// dejan de leer, y un SIGTERM que cierra a todos.
import assert from "node:assert/strict";
import {
  arrancarServidor,
  bytesDe,
  ejecutar,
  EnMarcha,
  enviar,
  ordenServidor,
  puertoDe,
  raiz,
} from "./ayuda.ts";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";
import { SOLO_ESTE_EQUIPO } from "./sockets_ayuda.ts";
import { aTiempo, Participante } from "../herramientas/chat_participante.ts";

/**
 * En Windows, `kill()` termina un proceso en seco (no hay SIGTERM, SIGINT ni SIGSTOP que
 * manejar): los tests que envían una señal y esperan una salida limpia se saltan allí.
 */
const enWindows = Deno.build.os === "windows";

/**
 * La regla del registro del servidor: "Servidor de chat escuchando en ..." primero; cada
 * línea después es una entrada "<nombre> (<ip>:<puerto>) entra en el chat (<n> dentro)", un
 * mensaje "<nombre>: <texto>" de alguien que está dentro, o una salida
 * "<nombre> sale del chat[: <motivo>] (quedan <n>)"; las cuentas cuadran, nadie entra dos
 * veces con el mismo nombre, no hay caracteres de control; al final, ^C si se pulsó,
 * "Cerrando el chat con <n> clientes dentro." y "Taluego, clientes!".
 */
export function comprobarServidorChat(lineas: string[]): void {
  assert.match(lineas[0] ?? "", /^Servidor de chat escuchando en ([\d.]+|\[[\da-f:]+\]):\d+$/);
  const dentro = new Set<string>();
  const fin = lineas.findIndex((linea) => linea.startsWith("Cerrando el chat con "));
  assert.ok(fin > 0, "falta «Cerrando el chat con ...»");
  for (const linea of lineas.slice(1, fin)) {
    assert.doesNotMatch(linea, /\p{Cc}/u, `sin caracteres de control: ${JSON.stringify(linea)}`);
    if (linea === "^C") continue;
    const entra = linea.match(
      /^(.+) \(([\d.]+|\[[\da-f:]+\]):\d+\) entra en el chat \((\d+) dentro\)$/,
    );
    const sale = linea.match(/^(.+) sale del chat(?:: [^()]+)? \(quedan (\d+)\)$/);
    if (entra) {
      assert.ok(!dentro.has(entra[1]), `${entra[1]} ya estaba dentro`);
      dentro.add(entra[1]);
      assert.equal(Number(entra[3]), dentro.size, linea);
    } else if (sale) {
      assert.ok(dentro.delete(sale[1]), `${sale[1]} sale sin haber entrado`);
      assert.equal(Number(sale[2]), dentro.size, linea);
    } else {
      const [, nombre] = linea.match(/^(.+?): /) ?? [];
      assert.ok(nombre && dentro.has(nombre), `mensaje de alguien que no está dentro: ${linea}`);
    }
  }
  const n = dentro.size;
  assert.deepEqual(lineas.slice(fin), [
    `Cerrando el chat con ${n} ${n === 1 ? "cliente" : "clientes"} dentro.`,
    "Taluego, clientes!",
  ]);
}

const arrancarChat = () => arrancarServidor("sockets/servidor_chat.ts");

const BIENVENIDA = "Bienvenido al chat. ¿Cómo te llamas?";
const ocupado = (nombre: string) => `«${nombre}» ya está en el chat: escribe otro nombre.`;
const delServidor = (nombre: string) =>
  `«${nombre}» es un nombre que pone el servidor: escribe otro nombre.`;

Deno.test("servidor_chat: la muestra de la cabecera cumple la regla", () => {
  const { salida } = leerCabecera("sockets/servidor_chat.ts");
  comprobarServidorChat(salida);
  assert.throws(() => comprobarServidorChat(salida.toSpliced(2, 0, "Berta: hola")));
  assert.throws(() => comprobarServidorChat(salida.toSpliced(3, 1)));
});

Deno.test({
  name: "servidor_chat: la orden de la cabecera, con cliente_chat.ts y Ctrl+C, cumple la regla",
  ignore: Deno.build.os === "windows", // allí no se puede enviar Ctrl+C a otro proceso
  async fn() {
    const lineas = await ejecutarCabecera("sockets/servidor_chat.ts");
    comprobarServidorChat(lineas);
    assert.ok(lineas.includes("Ana: hola a todos"), lineas.join("\n"));
  },
});

Deno.test("servidor_chat: tres clientes; cada uno recibe lo de los demás, no lo suyo", {
  ignore: enWindows,
}, async () => {
  const { servidor, port } = await arrancarChat();
  const todos: Participante[] = [];
  try {
    const ana = await Participante.entrar(port, "Ana");
    const berta = await Participante.entrar(port, "Berta");
    const carlos = await Participante.entrar(port, "Carlos");
    // Dos que aún eligen nombre cuando el servidor se cierra: uno callado, otro a medias.
    const callado = await Participante.conectar(port);
    const aMedias = await Participante.conectar(port);
    todos.push(ana, berta, carlos, callado, aMedias);
    await callado.hasta(BIENVENIDA);
    await aMedias.hasta(BIENVENIDA);
    await aMedias.conexion.write(new TextEncoder().encode("Dan")); // sin \n: aún no es un nombre
    assert.equal(
      carlos.lineas[1],
      "Hola, Carlos. En el chat: Ana, Berta, Carlos. Para salir, «cerrar».",
    );
    await ana.hasta("Berta entra en el chat.");
    await ana.hasta("Carlos entra en el chat.");
    await berta.hasta("Carlos entra en el chat.");

    await ana.decir("hola");
    await berta.hasta("Ana: hola");
    await carlos.hasta("Ana: hola");
    await berta.decir("¿qué tal?\x1b[2J\rTaluego, clientes!\u2028fin");
    const escapado = "Berta: ¿qué tal?\\x1b[2J\\rTaluego, clientes!\\u2028fin";
    await ana.hasta(escapado);
    await carlos.hasta(escapado);
    await carlos.decir("cerrar");
    assert.equal(await carlos.cerrada, true, "Carlos: conexión cerrada limpia");
    await ana.hasta("Carlos sale del chat.");

    // Nadie recibe su propio mensaje, y cada uno lo de los demás, en orden.
    const mensajes = (p: Participante) => p.lineas.filter((l) => /^(Ana|Berta|Carlos): /.test(l));
    assert.deepEqual(mensajes(ana), [escapado]);
    assert.deepEqual(mensajes(berta), ["Ana: hola"]);
    assert.deepEqual(mensajes(carlos), ["Ana: hola", escapado]);
    assert.deepEqual(carlos.lineas.slice(-1), ["Taluego, Carlos!"]);

    const { code, lineas } = await servidor.parar("SIGTERM");
    assert.equal(code, 0);
    comprobarServidorChat(lineas);
    assert.ok(lineas.includes(escapado), "una línea de registro por mensaje, escapada");
    assert.deepEqual(lineas.slice(-2), [
      "Cerrando el chat con 2 clientes dentro.",
      "Taluego, clientes!",
    ]);
    // Todos reciben el aviso, también quien aún elegía nombre; y el servidor cierra.
    for (const p of [ana, berta, callado, aMedias]) {
      assert.equal(await aTiempo(p.cerrada, 3000, "el servidor cierra"), true);
      assert.equal(p.lineas.at(-1), "El chat se cierra.");
    }
    assert.deepEqual(callado.lineas, [BIENVENIDA, "El chat se cierra."]);
  } finally {
    for (const p of todos) p.cerrar();
    await servidor.parar("SIGKILL");
  }
});

Deno.test(
  "servidor_chat: un nombre ocupado se pide otra vez; quien se va mientras elige no deja rastro",
  {
    ignore: enWindows,
  },
  async () => {
    const { servidor, port } = await arrancarChat();
    const todos: Participante[] = [];
    try {
      const ana = await Participante.entrar(port, "Ana");
      todos.push(ana);
      // Otra Ana: el servidor le pide otro nombre, y la línea siguiente vuelve a ser un nombre.
      const luis = await Participante.conectar(port);
      todos.push(luis);
      await luis.decir("Ana");
      await luis.hasta(ocupado("Ana"));
      await luis.decir("Cliente 9"); // ese nombre solo lo pone el servidor
      await luis.hasta(delServidor("Cliente 9"));
      // Mil nombres ocupados seguidos: una línea de respuesta por cada uno, y nada más.
      await luis.decir(" Ana \n".repeat(1000) + "Luis");
      await luis.hasta("Hola, Luis. En el chat: Ana, Luis. Para salir, «cerrar».", 10_000);
      assert.deepEqual(luis.lineas.slice(3, -1), Array(1000).fill(ocupado("Ana")));
      await ana.hasta("Luis entra en el chat.");
      // Una línea vacía: «Cliente N», con N el número de conexión.
      const tercero = await Participante.entrar(port, "");
      todos.push(tercero);
      assert.equal(
        tercero.lineas[1],
        "Hola, Cliente 3. En el chat: Ana, Luis, Cliente 3. Para salir, «cerrar».",
      );

      // Se van mientras eligen: con «cerrar», cerrando su lado, y de golpe (un reset, con
      // respuestas sin leer). Ninguno llega a entrar: ni el registro ni los demás lo ven.
      const [conCerrar, cerrando, deGolpe] = await Promise.all(
        [0, 1, 2].map(() => Participante.conectar(port)),
      );
      todos.push(conCerrar, cerrando, deGolpe);
      await Promise.all([
        conCerrar.decir("Ana"),
        cerrando.decir("Luis"),
        deGolpe.decir("Ana\n".repeat(999) + "Ana"),
      ]);
      await conCerrar.hasta(ocupado("Ana"));
      await conCerrar.decir("cerrar");
      await cerrando.hasta(ocupado("Luis"));
      await cerrando.conexion.closeWrite();
      await deGolpe.hasta(ocupado("Ana"));
      deGolpe.cerrar();
      for (const p of [conCerrar, cerrando]) {
        assert.equal(await aTiempo(p.cerrada, 3000, "el servidor cierra"), true);
        assert.equal(p.lineas.at(-1), "Taluego, cliente!");
      }
      const marta = await Participante.entrar(port, "Marta");
      todos.push(marta);
      assert.equal(
        marta.lineas[1],
        "Hola, Marta. En el chat: Ana, Luis, Cliente 3, Marta. Para salir, «cerrar».",
      );
      await ana.hasta("Marta entra en el chat.");
      assert.deepEqual(ana.lineas.slice(2), [
        "Luis entra en el chat.",
        "Cliente 3 entra en el chat.",
        "Marta entra en el chat.",
      ]);

      const { code, lineas } = await servidor.parar("SIGTERM");
      assert.equal(code, 0);
      comprobarServidorChat(lineas);
      assert.deepEqual(
        lineas.filter((l) => / entra en el chat | sale del chat/.test(l)).map((l) =>
          l.split(" (")[0]
        ),
        ["Ana", "Luis", "Cliente 3", "Marta"],
      );
      assert.equal(lineas.at(-2), "Cerrando el chat con 4 clientes dentro.");
    } finally {
      for (const p of todos) p.cerrar();
      await servidor.parar("SIGKILL");
    }
  },
);

Deno.test(
  "servidor_chat: dos clientes que eligen a la vez el mismo nombre libre nunca lo tienen los dos",
  {
    ignore: enWindows,
  },
  async () => {
    const { servidor, port } = await arrancarChat();
    const todos: Participante[] = [];
    try {
      for (let ronda = 0; ronda < 30; ronda++) {
        const pareja = await Promise.all([
          Participante.conectar(port),
          Participante.conectar(port),
        ]);
        todos.push(...pareja);
        await Promise.all(pareja.map((p) => p.hasta(BIENVENIDA)));
        // Los dos piden el nombre en el mismo instante (las dos escrituras, antes de esperar).
        const nombre = `N${ronda}`;
        await Promise.all(pareja.map((p) => p.decir(nombre)));
        const respuestas = await Promise.all(
          pareja.map((p) => p.hasta((l) => l.startsWith("Hola, ") || l.startsWith("«"))),
        );
        const entra = respuestas.filter((r) => r.startsWith(`Hola, ${nombre}. `));
        assert.equal(entra.length, 1, `ronda ${ronda}: ${respuestas.join(" | ")}`);
        assert.ok(respuestas.includes(ocupado(nombre)), respuestas.join(" | "));
        pareja[respuestas.indexOf(ocupado(nombre))].cerrar(); // el otro se va sin entrar
      }
      const { code, lineas } = await servidor.parar("SIGTERM");
      assert.equal(code, 0);
      comprobarServidorChat(lineas); // nadie entra dos veces con el mismo nombre
      assert.equal(lineas.at(-2), "Cerrando el chat con 30 clientes dentro.");
    } finally {
      for (const p of todos) p.cerrar();
      await servidor.parar("SIGKILL");
    }
  },
);

Deno.test("servidor_chat: quien se corta de golpe o deja de leer sale, y los demás ni lo notan", {
  ignore: enWindows,
}, async () => {
  const { servidor, port } = await arrancarChat();
  const todos: Participante[] = [];
  try {
    const ana = await Participante.entrar(port, "Ana");
    const berta = await Participante.entrar(port, "Berta");
    const dani = await Participante.entrar(port, "Dani", false); // no lee nunca
    const eva = await Participante.entrar(port, "Eva", false); // no lee nunca
    todos.push(ana, berta, dani, eva);
    await ana.hasta("Eva entra en el chat.");

    // Dani cierra con datos sin leer (el saludo): el sistema envía un reset, no un cierre.
    dani.cerrar();
    // (Deno lee el reset como un fin de conexión: para el servidor, Dani simplemente sale.)
    await ana.hasta((linea) => linea.startsWith("Dani sale del chat"));

    // Ana envía lotes de 64 líneas de 4000 letras (32 MiB como mucho), y espera a que Berta
    // tenga cada lote, como en una conversación. Eva no lee: cuando lo que cabe en los búferes
    // del sistema y su cola en el servidor están llenos, Ana espera; y como en 2 s Eva no lee
    // nada, sale. A Berta le llega todo.
    const linea = "x".repeat(3990);
    const evaSale = "Eva sale del chat: no lee lo que le llega.";
    let enviadas = 0;
    for (let lote = 0; lote < 128 && !berta.lineas.includes(evaSale); lote++) {
      for (let i = 0; i < 64; i++) await ana.decir(`${enviadas++} ${linea}`);
      await berta.hasta(`Ana: ${enviadas - 1} ${linea}`, 10_000);
    }
    await berta.hasta(evaSale, 10_000);
    await ana.decir("fin");
    await aTiempo(berta.hasta("Ana: fin"), 10_000, "Berta recibe todo");
    const recibidas = berta.lineas.filter((l) => l.startsWith("Ana: "));
    assert.equal(recibidas.length, enviadas + 1);
    recibidas.slice(0, -1).forEach((l, i) => assert.ok(l.startsWith(`Ana: ${i} x`), l));
    console.log(
      `(Eva salió tras ${enviadas} líneas, ${(enviadas * 4001 / 2 ** 20).toFixed(1)} MiB)`,
    );

    const { code, lineas } = await servidor.parar("SIGTERM");
    assert.equal(code, 0);
    comprobarServidorChat(lineas);
  } finally {
    for (const p of todos) p.cerrar();
    await servidor.parar("SIGKILL");
  }
});

Deno.test(
  "servidor_chat: quien escribe sin parar va al paso de los demás; nadie que lee sale del chat",
  {
    ignore: enWindows,
  },
  async () => {
    const { servidor, port } = await arrancarChat();
    const todos: Participante[] = [];
    const SPAM = "SpamSpamSpamSpamSpam";
    try {
      const ana = await Participante.entrar(port, "Ana");
      const berta = await Participante.entrar(port, "Berta");
      const spam = await Participante.entrar(port, SPAM, false); // escribe, y no lee nunca
      todos.push(ana, berta, spam);
      await ana.hasta(`${SPAM} entra en el chat.`);
      // `yes spam | nc ...`: medio MiB de líneas de 10 bytes, tan deprisa como el servidor las lea
      // (a cada uno de los demás le llegan 1,5 MiB).
      const LINEAS = 50_000;
      const trozo = bytesDe("spam spam\n".repeat(LINEAS / 20));
      for (let i = 0; i < 20; i++) await enviar(spam.conexion, trozo);
      await ana.decir("sigo aquí");
      const esSpam = (linea: string) => linea === `${SPAM}: spam spam`;
      await Promise.all([ana, berta].map((p) => p.hastaTener(LINEAS, esSpam, 20_000)));
      await berta.hasta("Ana: sigo aquí");
      // A Ana y Berta les llega todo (nada se pierde, nadie se queda fuera).
      for (const p of [ana, berta]) {
        assert.equal(p.lineas.filter(esSpam).length, LINEAS);
        assert.deepEqual(p.lineas.filter((l) => / sale del chat/.test(l)), []);
      }
      const { code, lineas } = await servidor.parar("SIGTERM");
      assert.equal(code, 0);
      assert.equal(lineas.at(-2), "Cerrando el chat con 3 clientes dentro.");
    } finally {
      for (const p of todos) p.cerrar();
      await servidor.parar("SIGKILL");
    }
  },
);

Deno.test(
  "servidor_chat: SIGTERM mientras todos escriben: a cada uno le llega «El chat se cierra.» y un cierre limpio",
  {
    ignore: enWindows,
  },
  async () => {
    const { servidor, port } = await arrancarChat();
    const todos: Participante[] = [];
    const clientes: EnMarcha[] = [];
    try {
      // Dos cliente_chat.ts con una tubería que no para de escribir, y 40 conexiones hechas a
      // mano que tampoco paran (10 de ellas aún sin nombre: cada línea es un nombre ocupado).
      const teclados: WritableStreamDefaultWriter<Uint8Array>[] = [];
      for (let i = 0; i < 2; i++) {
        const cliente = new EnMarcha(
          ["run", "--allow-net", "sockets/cliente_chat.ts", "--port", `${port}`],
          "piped",
        );
        clientes.push(cliente);
        teclados.push(cliente.proceso.stdin.getWriter());
        await teclados[i].write(bytesDe(`Cliente_chat ${i}\n`));
      }
      for (let i = 0; i < 40; i++) {
        todos.push(
          await (i < 30 ? Participante.entrar(port, `P${i}`) : Participante.conectar(port)),
        );
      }
      await Promise.all(clientes.map((c) => c.hastaTexto("Hola, Cliente_chat")));
      // Todos dentro (o eligiendo nombre): ahora escriben sin parar, hasta que se les cierre.
      for (const teclado of teclados) {
        (async () => {
          while (true) await teclado.write(bytesDe("bla bla\n".repeat(100)));
        })().catch(() => {});
      }
      for (const [i, p] of todos.entries()) {
        (async () => {
          while (true) await p.decir(i < 30 ? "bla bla" : "P0");
        })().catch(() => {});
      }
      await servidor.hastaLineas(100); // ya hablan
      const { code, lineas } = await servidor.parar("SIGTERM");
      assert.equal(code, 0);
      comprobarServidorChat(lineas);
      for (const p of todos) {
        assert.equal(await aTiempo(p.cerrada, 3000, "el servidor cierra"), true, "sin reset");
        assert.equal(p.lineas.at(-1), "El chat se cierra.");
      }
      for (const cliente of clientes) {
        const { code, lineas, stderr } = await cliente.fin();
        assert.equal(stderr, "");
        assert.equal(code, 0);
        assert.deepEqual(lineas.slice(-2), [
          "El chat se cierra.",
          "(el servidor ha cerrado la conexión)",
        ]);
      }
    } finally {
      for (const p of todos) p.cerrar();
      for (const c of clientes) await c.parar("SIGKILL");
      await servidor.parar("SIGKILL");
    }
  },
);

Deno.test(
  "servidor_chat: 400 clientes dicen «cerrar» a la vez, y a cada uno le llega su despedida",
  {
    ignore: enWindows,
  },
  async () => {
    const { servidor, port } = await arrancarChat();
    const todos: Participante[] = [];
    try {
      for (let i = 0; i < 400; i += 50) {
        const grupo = Array.from({ length: 50 }, (_, j) => Participante.entrar(port, `P${i + j}`));
        todos.push(...await Promise.all(grupo));
      }
      await Promise.all(todos.map((p) => p.decir("cerrar")));
      for (const [i, p] of todos.entries()) {
        assert.equal(await aTiempo(p.cerrada, 10_000, "el servidor cierra"), true, "sin reset");
        assert.equal(p.lineas.at(-1), `Taluego, P${i}!`);
      }
      const { code, lineas } = await servidor.parar("SIGTERM");
      assert.equal(code, 0);
      comprobarServidorChat(lineas);
      assert.equal(lineas.at(-2), "Cerrando el chat con 0 clientes dentro.");
    } finally {
      for (const p of todos) p.cerrar();
      await servidor.parar("SIGKILL");
    }
  },
);

Deno.test(
  "servidor_chat: nombres que se ven igual son el mismo; lo que no se ve no cuenta; 20 letras como se ven, y se dice",
  {
    ignore: enWindows,
  },
  async () => {
    const { servidor, port } = await arrancarChat();
    const todos: Participante[] = [];
    try {
      const jose = await Participante.entrar(port, "Jos\u00e9"); // «é» de una sola vez
      todos.push(jose);
      assert.equal(jose.lineas[1], "Hola, José. En el chat: José. Para salir, «cerrar».");
      const otro = await Participante.conectar(port);
      todos.push(otro);
      // Cada nombre que no vale, y su respuesta: lo que el cliente reconoce.
      const respuestas: [string, string][] = [
        ["Jose\u0301", ocupado("José")], // «e» + tilde: la misma «é» (NFC)
        ["  JOSÉ\t", ocupado("José")], // solo cambian las mayúsculas: el mismo nombre
        ["J\u200bos\u00e9\u202e", ocupado("José")], // con invisibles: el mismo nombre
        ["jos\u00e9\ufe0f", ocupado("José")], // un selector de variante: tampoco se ve
        ["J\u034fos\u00e9", ocupado("José")], // ni el «unidor de grafemas»
        ["\uff2a\uff4f\uff53\u00e9", ocupado("José")], // letras de ancho completo (NFKC)
        ["J\u043es\u00e9", ocupado("José")], // una «о» cirílica se ve como la latina
        ["\u0408\u039f\u0405\u00c9", ocupado("José")], // «ЈΟЅ»: cirílica, griega, cirílica
        ["cliente 1", delServidor("cliente 1")],
        ["Cliente\t 1\u200b", delServidor("Cliente 1")],
        ["Cliente \uff13", delServidor("Cliente \uff13")], // «３» de ancho completo es un 3
        ["Cliente \u0661", delServidor("Cliente \u0661")], // y «١» también es una cifra
      ];
      for (const [nombre, respuesta] of respuestas) {
        await otro.decir(nombre);
        await otro.hasta(respuesta);
      }
      assert.deepEqual(otro.lineas.slice(1), respuestas.map(([, respuesta]) => respuesta));
      // Sin nada que se vea: como una línea vacía, «Cliente N» (N, el número de conexión).
      // (\u3164 es un relleno que no se ve; \u2800, el braille sin puntos, un blanco.)
      await otro.decir("\u200b\u2060 \t\u200d\u3164\ufe0f\u2800\u2800");
      await otro.hasta("Hola, Cliente 2. En el chat: José, Cliente 2. Para salir, «cerrar».");

      // 20 letras como mucho, contadas como se ven: un emoji (también uno compuesto, 👩‍👩‍👧‍👦 o 👍🏽)
      // no se parte, y dos emoji distintos son dos nombres distintos. Una letra con su tilde
      // aparte (NFC) es una letra. A quien se le acorta el nombre, se le dice.
      const familia = "👩\u200d👩\u200d👧\u200d👦";
      const largos: [string, string][] = [
        ["a".repeat(19) + "😀", "a".repeat(19) + "😀"],
        ["a".repeat(19) + "😁", "a".repeat(19) + "😁"],
        ["a".repeat(19) + familia, "a".repeat(19) + familia],
        ["e\u0301".repeat(25), "é".repeat(20)],
        ["👍🏽".repeat(25), "👍🏽".repeat(20)],
        ["Un nombre larguísimo de más de veinte letras", "Un nombre larguísimo"],
      ];
      for (const [nombre, queda] of largos) {
        const p = await Participante.entrar(port, nombre);
        todos.push(p);
        const aviso = `Tu nombre pasa de 20 letras: te quedas con «${queda}».`;
        const hola = p.lineas.findIndex((l) => l.startsWith("Hola, "));
        assert.equal(p.lineas[hola].match(/^Hola, ([^,]+)\. /)?.[1], queda);
        assert.deepEqual(p.lineas.slice(1, hola), nombre === queda ? [] : [aviso]);
      }

      const { code, lineas } = await servidor.parar("SIGTERM");
      assert.equal(code, 0);
      comprobarServidorChat(lineas);
      assert.ok(
        lineas.every((l) => !l.includes("\ufffd") && !l.includes("\\u")),
        lineas.join("\n"),
      );
      assert.equal(lineas.at(-2), "Cerrando el chat con 8 clientes dentro.");
    } finally {
      for (const p of todos) p.cerrar();
      await servidor.parar("SIGKILL");
    }
  },
);

Deno.test({
  name:
    "servidor_chat: sin descriptores libres (ulimit -n), una frase en español, una vez, y sigue cuando sale alguien",
  ignore: Deno.build.os !== "linux", // prlimit es de util-linux
  async fn() {
    // El servidor con 50 ficheros abiertos como mucho (Deno ya usa la mitad).
    const servidor = new Deno.Command("prlimit", {
      args: ["--nofile=50:50", Deno.execPath(), ...ordenServidor("sockets/servidor_chat.ts")],
      cwd: raiz,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const salida = servidor.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const errores = servidor.stderr.pipeThrough(new TextDecoderStream()).getReader();
    const todos: Participante[] = [];
    let stderr = "";
    try {
      const port = puertoDe((await salida.read()).value?.split("\n")[0]);
      assert.ok(port, "el servidor arranca");
      for (let i = 0; i < 40; i++) todos.push(await Participante.conectar(port));
      await aTiempo(
        (async () => {
          while (!stderr.includes("Demasiadas conexiones abiertas")) {
            const { value, done } = await errores.read();
            assert.ok(!done, stderr);
            stderr += value;
          }
        })(),
        10_000,
        `el aviso (llegó: ${stderr.slice(0, 300)})`,
      );
      // Se van todos: entra el siguiente (el servidor lo vuelve a intentar, sin agobiarse).
      for (const p of todos) p.cerrar();
      const nuevo = await Participante.conectar(port);
      todos.push(nuevo);
      await nuevo.hasta(BIENVENIDA, 10_000);
      servidor.kill("SIGTERM");
      assert.equal((await servidor.status).code, 0);
      for (let leido; !(leido = await errores.read()).done;) stderr += leido.value;
      // Una vez, en español. (Deno avisa por su cuenta, «Warning: ...», de que no pudo leer
      // los certificados: eso no es nuestro.)
      const nuestras = stderr.split("\n").filter((l) => l !== "" && !l.startsWith("Warning: "));
      assert.deepEqual(nuestras, [
        SOLO_ESTE_EQUIPO.trim(),
        "Demasiadas conexiones abiertas: el sistema no deja abrir más ficheros a este " +
        "programa. Los nuevos clientes esperan a que se vaya alguno; para admitir más, " +
        "sube el límite antes de arrancar el servidor (en Linux y macOS, ulimit -n 4096).",
      ]);
    } finally {
      for (const p of todos) p.cerrar();
      try {
        servidor.kill("SIGKILL");
      } catch {
        // ya había terminado
      }
      await servidor.status;
      await salida.cancel();
      await errores.cancel().catch(() => {});
    }
  },
});

Deno.test("servidor_chat: las direcciones IPv6, entre corchetes", {
  ignore: enWindows,
}, async () => {
  const servidor = new EnMarcha([
    "run",
    "--allow-net",
    "sockets/servidor_chat.ts",
    "--host",
    "::1",
    "--port",
    "0",
  ]);
  try {
    const primera = await servidor.linea();
    const port = Number(primera?.match(/^Servidor de chat escuchando en \[::1\]:(\d+)$/)?.[1]);
    assert.ok(port, `${primera}`);
    const ana = new Participante(await Deno.connect({ hostname: "::1", port }));
    await ana.decir("Ana");
    await ana.hasta((l) => l.startsWith("Hola, Ana."));
    const { lineas } = await servidor.parar("SIGTERM");
    assert.match(lineas[1], /^Ana \(\[::1\]:\d+\) entra en el chat \(1 dentro\)$/);
    comprobarServidorChat(lineas);
    ana.cerrar();
  } finally {
    await servidor.parar("SIGKILL");
  }
});

/**
 * Una línea, resumida si es larga, para que un fallo se pueda leer: sus primeros caracteres,
 * los últimos, cuántos tiene y qué caracteres distintos hay entre medias.
 */
function resumir(linea: string): string {
  const caracteres = [...linea];
  if (caracteres.length <= 60) return linea;
  const medio = [...new Set(caracteres.slice(10, -3))].join("");
  const [inicio, fin] = [caracteres.slice(0, 10).join(""), caracteres.slice(-3).join("")];
  return `${inicio}[${medio}]${fin} (${caracteres.length} caracteres)`;
}

/** Envía `megas` MiB de `letra` sin salto de línea, por trozos (sin un texto de MB en memoria). */
async function enviarMegas(p: Participante, letra: string, megas: number): Promise<void> {
  const trozo = new TextEncoder().encode(letra.repeat(1024 * 1024));
  for (let i = 0; i < megas; i++) await enviar(p.conexion, trozo);
}

/** La memoria que ocupa un proceso (VmRSS, en KiB), o null si no hay /proc (fuera de Linux). */
function memoriaDe(pid: number): number | null {
  try {
    return Number(Deno.readTextFileSync(`/proc/${pid}/status`).match(/VmRSS:\s+(\d+)/)?.[1]);
  } catch {
    return null;
  }
}

Deno.test(
  "servidor_chat: una línea es un mensaje, mida lo que mida: cortada a 4096 caracteres enteros, con «…», sin guardar el resto",
  {
    ignore: enWindows,
  },
  async () => {
    const { servidor, port } = await arrancarChat();
    const todos: Participante[] = [];
    try {
      const ana = await Participante.entrar(port, "Ana");
      const berta = await Participante.entrar(port, "Berta");
      todos.push(ana, berta);
      // Un nombre de 3 MiB: sus 20 primeros caracteres son el nombre, y lo demás no llega a nadie.
      const largo = await Participante.conectar(port);
      todos.push(largo);
      await enviar(largo.conexion, "N".repeat(19) + "😀");
      await enviarMegas(largo, "N", 3);
      await largo.decir("");
      const nombre = "N".repeat(19) + "😀";
      await largo.hasta(
        `Hola, ${nombre}. En el chat: Ana, Berta, ${nombre}. Para salir, «cerrar».`,
      );
      await largo.decir("hola");

      // Un mensaje que pasa de 4096 caracteres justo en un emoji: el emoji entero, y «…».
      await ana.decir("a".repeat(4095) + "😀fin");
      // Uno de 64 MiB sin salto de línea: un solo mensaje, y el servidor no lo guarda entero.
      const antes = memoriaDe(servidor.proceso.pid);
      await enviarMegas(ana, "b", 64);
      await ana.decir("\ndespués");
      await berta.hasta("Ana: después", 10_000);
      const despues = memoriaDe(servidor.proceso.pid);
      // Lo que le llega a Berta tras su saludo: cada línea, un mensaje.
      assert.deepEqual(berta.lineas.slice(2).map(resumir), [
        `${nombre} entra en el chat.`,
        `${nombre}: hola`,
        resumir(`Ana: ${"a".repeat(4095)}😀…`),
        resumir(`Ana: ${"b".repeat(4096)}…`),
        "Ana: después",
      ]);
      if (antes !== null && despues !== null) {
        // Guardar la línea entera serían 64 MiB más; leerla por trozos, unos pocos.
        assert.ok(despues - antes < 32 * 1024, `memoria: de ${antes} KiB a ${despues} KiB`);
      }

      const { code, lineas } = await servidor.parar("SIGTERM");
      assert.equal(code, 0);
      comprobarServidorChat(lineas);
      // El registro: las tres entradas y los tres mensajes de antes, sin ningún trozo de más.
      assert.deepEqual(lineas.slice(1, -2).map((l) => resumir(l.replace(/ \(127.+:\d+\)/, ""))), [
        "Ana entra en el chat (1 dentro)",
        "Berta entra en el chat (2 dentro)",
        `${nombre} entra en el chat (3 dentro)`,
        `${nombre}: hola`,
        resumir(`Ana: ${"a".repeat(4095)}😀…`),
        resumir(`Ana: ${"b".repeat(4096)}…`),
        "Ana: después",
      ]);
    } finally {
      for (const p of todos) p.cerrar();
      await servidor.parar("SIGKILL");
    }
  },
);

Deno.test("servidor_chat: opciones mal puestas, sin permiso o con el puerto ocupado: una frase, sin traza", async () => {
  const ocupado = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const script = "sockets/servidor_chat.ts";
    const [fuera, ayuda, sinPermiso, enUso] = await Promise.all([
      ejecutar(["run", "--allow-net", script, "--port", "-1"]),
      ejecutar(["run", "--allow-net", script, "--help"]),
      ejecutar(["run", script]),
      ejecutar(ordenServidor(script, ocupado.addr.port)),
    ]);
    assert.equal(fuera.code, 2);
    assert.match(fuera.stderr, /^--port debe estar entre 0 y 65535 \(no «-1»\)\.\nUso: /);
    assert.equal(ayuda.code, 0);
    assert.match(ayuda.stdout, /^ {2}--port N +puerto \(por defecto: 9999; de 0 a 65535\)$/m);
    assert.equal(sinPermiso.code, 1);
    assert.equal(
      sinPermiso.stderr,
      "No hay permiso para escuchar en 0.0.0.0:9999. Ejecuta: deno run --allow-net --allow-sys=networkInterfaces sockets/servidor_chat.ts\n",
    );
    assert.equal(enUso.code, 1);
    assert.match(enUso.stderr, /^El puerto \d+ ya está en uso/);
  } finally {
    ocupado.close();
  }
});
