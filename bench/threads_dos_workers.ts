// Referencia del arranque (bench/threads_arranque_bench.ts): dos workers que solo envían un
// mensaje, lo mínimo que cuesta en Deno un programa con 2 threads.
// Ejecutar: deno run --allow-read bench/threads_dos_workers.ts
if ("WorkerGlobalScope" in globalThis) {
  (self as unknown as { postMessage(m: string): void }).postMessage("hola");
} else {
  const workers = [1, 2].map(() => new Worker(import.meta.url, { type: "module" }));
  await Promise.all(workers.map((w) =>
    new Promise<void>((listo) => {
      w.onmessage = () => {
        w.terminate();
        listo();
      };
    })
  ));
}
