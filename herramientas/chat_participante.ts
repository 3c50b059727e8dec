// Un participante del chat hecho a mano (una conexión TCP real, sin el cliente): lo usan los
// tests del chat y bench/chat_bench.ts.

/** Espera una promesa como mucho `ms` milisegundos: un test que espera algo que no llega falla. */
export async function aTiempo<T>(promesa: Promise<T>, ms: number, que: string): Promise<T> {
  let limite: ReturnType<typeof setTimeout> | undefined;
  const tarde = new Promise<never>((_, fallar) => {
    limite = setTimeout(() => fallar(new Error(`no llegó a tiempo: ${que}`)), ms);
  });
  try {
    return await Promise.race([promesa, tarde]);
  } finally {
    clearTimeout(limite);
  }
}

/** Una conexión al chat: lee sin parar y guarda cada línea que le llega. */
export class Participante {
  readonly lineas: string[] = [];
  readonly conexion: Deno.TcpConn;
  /**
   * Termina cuando el servidor cierra la conexión (true: y la cerramos también) o la corta
   * (false: un reset, con lo que aún no se había leído perdido).
   */
  readonly cerrada: Promise<boolean>;
  #novedad = Promise.withResolvers<void>();

  constructor(conexion: Deno.TcpConn, leer = true) {
    this.conexion = conexion;
    this.cerrada = leer ? this.#leer() : Promise.resolve(true);
  }

  /** Se conecta, sin decir nada todavía (si `leer`, lee todo lo que le llega). */
  static async conectar(port: number, leer = true): Promise<Participante> {
    return new Participante(await Deno.connect({ hostname: "127.0.0.1", port }), leer);
  }

  /** Se conecta y dice su nombre; espera al saludo (si `leer`; si no, no lee nunca). */
  static async entrar(port: number, nombre: string, leer = true): Promise<Participante> {
    const participante = await Participante.conectar(port, leer);
    await participante.decir(nombre);
    if (leer) await participante.hasta((linea) => linea.startsWith("Hola, "));
    return participante;
  }

  async #leer(): Promise<boolean> {
    const decoder = new TextDecoder();
    let pendiente = "";
    try {
      for await (const trozo of this.conexion.readable) {
        pendiente += decoder.decode(trozo, { stream: true });
        const partes = pendiente.split("\n");
        pendiente = partes.pop()!;
        this.lineas.push(...partes);
        this.#novedad.resolve();
        this.#novedad = Promise.withResolvers();
      }
      this.cerrar(); // como un cliente de verdad: el servidor ha terminado, cerramos también
      return true;
    } catch {
      return false;
    } finally {
      this.#novedad.resolve();
    }
  }

  async decir(texto: string): Promise<void> {
    const bytes = new TextEncoder().encode(texto + "\n");
    for (let enviados = 0; enviados < bytes.length;) {
      enviados += await this.conexion.write(bytes.subarray(enviados));
    }
  }

  /** Espera (3 s como mucho) a una línea que cumpla `cumple` y la devuelve. */
  hasta(cumple: string | ((linea: string) => boolean), ms = 3000): Promise<string> {
    const es = typeof cumple === "string" ? (linea: string) => linea === cumple : cumple;
    let terminado = false;
    this.cerrada.then(() => terminado = true);
    return aTiempo(
      (async () => {
        while (true) {
          const linea = this.lineas.find(es);
          if (linea !== undefined) return linea;
          if (terminado) throw new Error(`se cerró sin llegar: ${cumple}\n${this.lineas}`);
          await Promise.race([this.#novedad.promise, this.cerrada]);
        }
      })(),
      ms,
      `${cumple}`,
    );
  }

  /** Espera a tener `n` líneas que cumplan `cumple` (contando desde el principio). */
  async hastaTener(n: number, cumple: (linea: string) => boolean, ms = 10_000): Promise<void> {
    let vistas = 0;
    let cuantas = 0;
    let terminado = false;
    this.cerrada.then(() => terminado = true);
    await aTiempo(
      (async () => {
        while (true) {
          for (; vistas < this.lineas.length; vistas++) if (cumple(this.lineas[vistas])) cuantas++;
          if (cuantas >= n) return;
          if (terminado) throw new Error(`se cerró con ${cuantas} de ${n} líneas`);
          await Promise.race([this.#novedad.promise, this.cerrada]);
        }
      })(),
      ms,
      `${n} líneas`,
    );
  }

  cerrar(): void {
    try {
      this.conexion.close();
    } catch {
      // ya estaba cerrada
    }
  }
}
