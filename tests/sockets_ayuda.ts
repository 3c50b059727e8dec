// Ayudas de los tests de sockets/: los fallos que trae una red de verdad.

import net from "node:net";

/** Lo que dice en stderr un servidor en 127.0.0.1, como los de los tests: nada más. */
export const SOLO_ESTE_EQUIPO = "Solo este equipo puede conectarse (escucha en 127.0.0.1). " +
  "Para que se conecte la clase, arráncalo con --host 0.0.0.0.\n";

/**
 * Conecta y corta de golpe con un reset (SO_LINGER 0), como hace un escáner de puertos.
 * Termina cuando la conexión ya está cortada.
 */
export function resetear(port: number): Promise<void> {
  return new Promise((hecho, fallo) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.resetAndDestroy());
    socket.on("close", () => hecho());
    socket.on("error", fallo);
  });
}

/**
 * Un servidor eco hecho en el test, para los tests del cliente: acepta clientes, devuelve
 * cada trozo que recibe (menos «cerrar») y anota lo que recibe cada uno.
 */
export class ServidorEco implements Disposable {
  readonly listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  readonly port = this.listener.addr.port;
  /** Lo que ha recibido cada cliente, un trozo por elemento, cuando se va. */
  readonly conversaciones: Promise<string[]>[] = [];
  readonly #aceptando: Promise<void>;

  constructor() {
    this.#aceptando = (async () => {
      for await (const conexion of this.listener) {
        this.conversaciones.push(this.#conversar(conexion));
      }
    })().catch(() => {});
  }

  async #conversar(conexion: Deno.Conn): Promise<string[]> {
    const recibidos: string[] = [];
    const buffer = new Uint8Array(64 * 1024);
    const escritor = conexion.writable.getWriter();
    try {
      while (true) {
        const leidos = await conexion.read(buffer);
        if (leidos === null) break;
        const texto = new TextDecoder().decode(buffer.subarray(0, leidos));
        recibidos.push(texto);
        if (texto === "cerrar") break;
        await escritor.write(buffer.slice(0, leidos));
      }
    } catch {
      // el cliente cortó
    }
    conexion.close();
    return recibidos;
  }

  [Symbol.dispose]() {
    this.listener.close();
  }
}

/**
 * La variable de entorno `nombre`, sin pedir --allow-env: la lee un proceso hijo, que hereda
 * el entorno. En CI (CI=true), un test que se salta por falta de una herramienta falla.
 */
export const enCI: boolean = (() => {
  try {
    const { stdout } = new Deno.Command("printenv", { args: ["CI"], stderr: "null" }).outputSync();
    return new TextDecoder().decode(stdout).trim() === "true";
  } catch {
    return false;
  }
})();

/**
 * ¿Se puede forjar un datagrama con un socket crudo? Hace falta ser root (Linux) y tener
 * python3. Se mira sin arrancar nada (cada proceso cuesta): solo root puede listar /root (Deno
 * no deja leer /proc/self sin -A), y python3 en las carpetas de programas de siempre.
 */
export const puedeForjar: boolean = (() => {
  try {
    Deno.readDirSync("/root").next(); // falla si no somos root
    return ["/usr/bin", "/usr/local/bin", "/bin"].some((carpeta) => {
      try {
        return Deno.statSync(`${carpeta}/python3`).isFile;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
})();

/**
 * Envía a 127.0.0.1:`port` un datagrama UDP forjado con `origen` como puerto de origen (el
 * puerto 0, que nadie puede usar de verdad): un socket crudo escribe la cabecera UDP a mano.
 */
export async function forjarDatagrama(port: number, origen: number, texto: string) {
  const python = "import socket,struct,sys\n" +
    "s=socket.socket(socket.AF_INET,socket.SOCK_RAW,socket.IPPROTO_UDP)\n" +
    "d=sys.argv[3].encode()\n" +
    "s.sendto(struct.pack('!HHHH',int(sys.argv[2]),int(sys.argv[1]),8+len(d),0)+d,('127.0.0.1',0))\n";
  const { success, stderr } = await new Deno.Command("python3", {
    args: ["-c", python, String(port), String(origen), texto],
  }).output();
  if (!success) throw new Error(new TextDecoder().decode(stderr));
}
