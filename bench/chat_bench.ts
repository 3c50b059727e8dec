// Medida del chat: N clientes en 127.0.0.1 que hablan a la vez; cuánto tarda en llegarle a cada
// uno todo lo de los demás, con y sin un cliente más que no lee nunca (no debe frenar a nadie).
//   deno run --allow-run --allow-read --allow-net bench/chat_bench.ts [clientes] [mensajes]
import { EnMarcha } from "../herramientas/procesos.ts";
import { Participante } from "../herramientas/chat_participante.ts";

const clientes = Number(Deno.args[0] ?? 50);
const mensajes = Number(Deno.args[1] ?? 20);

async function medir(conUnoQueNoLee: boolean): Promise<number> {
  const servidor = new EnMarcha([
    ...["run", "--allow-net", "sockets/servidor_chat.ts", "--host", "127.0.0.1", "--port", "0"],
  ]);
  const port = Number((await servidor.linea())?.match(/:(\d+)$/)?.[1]);
  const todos: Participante[] = [];
  try {
    if (conUnoQueNoLee) todos.push(await Participante.entrar(port, "Lento", false));
    const hablan: Participante[] = [];
    for (let i = 0; i < clientes; i++) hablan.push(await Participante.entrar(port, `P${i}`));
    todos.push(...hablan);
    const inicio = performance.now();
    await Promise.all(hablan.map(async (p, i) => {
      for (let m = 0; m < mensajes; m++) await p.decir(`mensaje ${m} de ${i} ${"x".repeat(100)}`);
    }));
    const esMensaje = (linea: string) => /^P\d+: mensaje /.test(linea);
    await Promise.all(
      hablan.map((p) => p.hastaTener((clientes - 1) * mensajes, esMensaje, 60_000)),
    );
    return performance.now() - inicio;
  } finally {
    for (const p of todos) p.cerrar();
    await servidor.parar("SIGKILL");
  }
}

const entregas = clientes * (clientes - 1) * mensajes;
for (const conUnoQueNoLee of [false, true, false, true]) {
  const ms = await medir(conUnoQueNoLee);
  console.log(
    `${clientes} clientes × ${mensajes} mensajes${conUnoQueNoLee ? " + 1 que no lee" : ""}: ` +
      `${entregas} entregas en ${ms.toFixed(0)} ms (${(entregas / ms * 1000).toFixed(0)}/s)`,
  );
}
