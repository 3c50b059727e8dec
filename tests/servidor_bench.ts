// Mensajes de 16 bytes, ida y vuelta, a través de un servidor eco de sockets/.
//
// Ejecutar:
//   deno run --allow-run --allow-read --allow-net tests/servidor_bench.ts
//   deno run --allow-run --allow-read --allow-net tests/servidor_bench.ts --script sockets/servidor_multicliente.ts --clientes 200
//
// Arranca el servidor (su salida la lee este script y la descarta), conecta --clientes
// clientes a la vez y cada uno envía su parte de los --mensajes, uno a uno, esperando cada
// eco. Muestra mensajes por segundo y la mediana y el p99 del tiempo de ida y vuelta. Con
// --port N mide en cambio un servidor que ya esté en marcha en 127.0.0.1:N (por ejemplo el
// de Python del capítulo, para comparar).

import { leerOpciones } from "../opciones.ts";
import { raiz } from "./ayuda.ts";

const { mensajes, clientes, port, script } = leerOpciones(
  "deno run --allow-run --allow-read --allow-net tests/servidor_bench.ts " +
    "[--mensajes N] [--clientes N] [--script sockets/servidor.ts] [--port N]",
  {
    mensajes: { defecto: 20_000, min: 100, max: 10_000_000 },
    clientes: { defecto: 1, min: 1, max: 1000 },
    port: { defecto: 0, min: 0, max: 65535 },
  },
  { script: "sockets/servidor.ts" },
);

let servidor: Deno.ChildProcess | undefined;
let puerto = port;
if (puerto === 0) {
  servidor = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", script, "--host", "127.0.0.1", "--port", "0"],
    cwd: raiz,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  // Su primera línea dice el puerto; el resto de su salida se lee y se descarta.
  const lineas = servidor.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const { value: lista = "" } = await lineas.read();
  puerto = Number(lista.match(/:(\d+)\n/)?.[1]);
  (async () => {
    while (!(await lineas.read()).done);
  })();
}

const mensaje = new TextEncoder().encode("0123456789abcdef");
const porCliente = Math.ceil(mensajes / clientes);
const tiempos = new Float64Array(porCliente * clientes);

/** Un cliente: conecta y envía sus mensajes uno a uno, anotando cada ida y vuelta. */
async function cliente(c: number, conexion: Deno.TcpConn) {
  conexion.setNoDelay(true);
  const eco = new Uint8Array(16);
  for (let i = 0; i < porCliente; i++) {
    const t0 = performance.now();
    await conexion.write(mensaje);
    for (let recibidos = 0; recibidos < 16;) {
      const leidos = await conexion.read(eco.subarray(recibidos));
      if (leidos === null) throw new Error("el servidor cerró la conexión");
      recibidos += leidos;
    }
    tiempos[c * porCliente + i] = performance.now() - t0;
  }
}

const conexiones = await Promise.all(
  Array.from({ length: clientes }, () => Deno.connect({ hostname: "127.0.0.1", port: puerto })),
);
const inicio = performance.now();
await Promise.all(conexiones.map((conexion, c) => cliente(c, conexion)));
const total = performance.now() - inicio;
for (const conexion of conexiones) {
  await conexion.write(new TextEncoder().encode("cerrar"));
  conexion.close();
}
try {
  servidor?.kill("SIGTERM"); // el multicliente sigue en marcha hasta una señal
} catch {
  // servidor.ts ya terminó con «cerrar»
}
await servidor?.status;

tiempos.sort();
const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
console.log(
  `${
    port === 0 ? script : `servidor en el puerto ${port}`
  }: ${clientes} cliente(s), ${tiempos.length} mensajes`,
);
console.log(`  ${Math.round(tiempos.length / (total / 1000))} mensajes/s`);
console.log(
  `  ida y vuelta: mediana ${us(tiempos[Math.floor(tiempos.length / 2)])}, p99 ${
    us(tiempos[Math.floor(tiempos.length * 0.99)])
  }`,
);
