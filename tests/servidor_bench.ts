// Ida y vuelta de mensajes de 16 bytes a través de sockets/servidor.ts.
//
// Ejecutar: deno run --allow-run --allow-read --allow-net tests/servidor_bench.ts [--mensajes 20000]
//
// Arranca servidor.ts (su salida la lee este script y la descarta),
// envía los mensajes uno a uno esperando cada eco y muestra mensajes por segundo, mediana y
// p99 del tiempo de ida y vuelta. Con --port N mide en cambio un servidor que ya esté en
// marcha en 127.0.0.1:N (por ejemplo el de Python del capítulo, para comparar).

import { leerOpciones } from "../opciones.ts";
import { raiz } from "./ayuda.ts";

const { mensajes, port } = leerOpciones(
  "deno run --allow-run --allow-read --allow-net tests/servidor_bench.ts [--mensajes N] [--port N]",
  {
    mensajes: { defecto: 20_000, min: 100, max: 10_000_000 },
    port: { defecto: 0, min: 0, max: 65535 },
  },
);

let servidor: Deno.ChildProcess | undefined;
let puerto = port;
if (puerto === 0) {
  servidor = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "sockets/servidor.ts", "--host", "127.0.0.1", "--port", "0"],
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

const conexion = await Deno.connect({ hostname: "127.0.0.1", port: puerto });
conexion.setNoDelay(true);

const mensaje = new TextEncoder().encode("0123456789abcdef");
const eco = new Uint8Array(16);
const tiempos = new Float64Array(mensajes);
const inicio = performance.now();
for (let i = 0; i < mensajes; i++) {
  const t0 = performance.now();
  await conexion.write(mensaje);
  for (let recibidos = 0; recibidos < 16;) {
    const leidos = await conexion.read(eco.subarray(recibidos));
    if (leidos === null) throw new Error("el servidor cerró la conexión");
    recibidos += leidos;
  }
  tiempos[i] = performance.now() - t0;
}
const total = performance.now() - inicio;
await conexion.write(new TextEncoder().encode("cerrar"));
conexion.close();
await servidor?.status;

tiempos.sort();
const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
console.log(
  `${port === 0 ? "servidor.ts" : `servidor en el puerto ${port}`}: ${mensajes} mensajes`,
);
console.log(`  ${Math.round(mensajes / (total / 1000))} mensajes/s`);
console.log(
  `  ida y vuelta: mediana ${us(tiempos[Math.floor(mensajes / 2)])}, p99 ${
    us(tiempos[Math.floor(mensajes * 0.99)])
  }`,
);
