// El servidor eco más corto posible en Deno, para bench/servidor_bench.ts: el suelo de lo que
// puede dar un script con Deno.listen, read() y write(). Sin imprimir, sin decodificar, sin
// opciones ni mensajes de error: si ni este llega a una meta, ningún script de sockets/ llegará.
//   deno run --allow-net bench/referencias/eco_minimo.ts <puerto>          un cliente
//   deno run --allow-net bench/referencias/eco_minimo.ts <puerto> muchos   muchos a la vez
// Termina (un cliente) o cierra esa conexión (muchos) al recibir «cerrar».

const server = Deno.listen({ hostname: "127.0.0.1", port: Number(Deno.args[0]) });

async function atender(conexion: Deno.TcpConn) {
  conexion.setNoDelay(true);
  const buffer = new Uint8Array(16 * 1024);
  try {
    while (true) {
      const leidos = await conexion.read(buffer);
      // Fin, o «cerrar»: la carga envía mensajes de 16 bytes, así que 6 bytes solo son «cerrar».
      if (leidos === null || leidos === 6) break;
      await conexion.write(buffer.subarray(0, leidos)); // 16 bytes: write() los envía todos
    }
  } catch {
    // reset
  }
  conexion.close();
}

if (Deno.args[1] === "muchos") {
  for await (const conexion of server) atender(conexion);
} else {
  await atender(await server.accept());
  server.close();
}
