// servidor_chat.ts de verdad: clientes por TCP real en 127.0.0.1, que se hablan, se cortan,
// dejan de leer, y un SIGTERM que cierra a todos.
import assert from "node:assert/strict";
import { arrancarServidor, ejecutar, enviar, ordenServidor } from "./ayuda.ts";
import { ejecutarCabecera, leerCabecera } from "./cabeceras.ts";
import { aTiempo, Participante } from "./chat_participante.ts";

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
  assert.match(lineas[0] ?? "", /^Servidor de chat escuchando en [\w.:]+:\d+$/);
  const dentro = new Set<string>();
  const fin = lineas.findIndex((linea) => linea.startsWith("Cerrando el chat con "));
  assert.ok(fin > 0, "falta «Cerrando el chat con ...»");
  for (const linea of lineas.slice(1, fin)) {
    assert.doesNotMatch(linea, /\p{Cc}/u, `sin caracteres de control: ${JSON.stringify(linea)}`);
    if (linea === "^C") continue;
    const entra = linea.match(/^(.+) \([\d.:a-f]+:\d+\) entra en el chat \((\d+) dentro\)$/);
    const sale = linea.match(/^(.+) sale del chat(?:: [^()]+)? \(quedan (\d+)\)$/);
    if (entra) {
      assert.ok(!dentro.has(entra[1]), `${entra[1]} ya estaba dentro`);
      dentro.add(entra[1]);
      assert.equal(Number(entra[2]), dentro.size, linea);
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
    // tenga cada lote, como en una conversación. Eva no lee: cuando su cola en el servidor pasa
    // de 1 MiB (más lo que cabe en los búferes del sistema), sale. A Berta le llega todo.
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
  "servidor_chat: nombres que se ven igual son el mismo; lo que no se ve no cuenta; 20 caracteres enteros",
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
      await otro.decir("\u200b\u2060 \t\u200d\u3164\ufe0f"); // \u3164: relleno que no se ve
      await otro.hasta("Hola, Cliente 2. En el chat: José, Cliente 2. Para salir, «cerrar».");

      // Cortados a 20 caracteres enteros: el emoji del final no se parte, y dos emoji distintos
      // son dos nombres distintos. Una letra con su tilde aparte (NFC) es un carácter.
      const largos = ["a".repeat(19) + "😀", "a".repeat(19) + "😁", "e\u0301".repeat(25)];
      for (const nombre of largos) {
        const p = await Participante.entrar(port, nombre);
        todos.push(p);
        assert.match(p.lineas[1], /^Hola, [^,]+\. /);
      }
      assert.deepEqual(
        todos.slice(2).map((p) => p.lineas[1].match(/^Hola, ([^,]+)\. /)?.[1]),
        ["a".repeat(19) + "😀", "a".repeat(19) + "😁", "é".repeat(20)],
      );

      const { code, lineas } = await servidor.parar("SIGTERM");
      assert.equal(code, 0);
      comprobarServidorChat(lineas);
      assert.ok(
        lineas.every((l) => !l.includes("\ufffd") && !l.includes("\\u")),
        lineas.join("\n"),
      );
      assert.equal(lineas.at(-2), "Cerrando el chat con 5 clientes dentro.");
    } finally {
      for (const p of todos) p.cerrar();
      await servidor.parar("SIGKILL");
    }
  },
);

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
    assert.match(fuera.stderr, /^--port debe ser un número de 0 a 65535 \(no "-1"\)\.\nUso: /);
    assert.equal(ayuda.code, 0);
    assert.match(ayuda.stdout, /--port N .*por defecto 9999/);
    assert.equal(sinPermiso.code, 1);
    assert.equal(
      sinPermiso.stderr,
      "No hay permiso para escuchar en 0.0.0.0:9999. Ejecuta: deno run --allow-net sockets/servidor_chat.ts\n",
    );
    assert.equal(enUso.code, 1);
    assert.match(enUso.stderr, /^El puerto \d+ ya está en uso/);
  } finally {
    ocupado.close();
  }
});
