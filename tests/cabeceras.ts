// La comprobación que hace el test de cada ejemplo con su cabecera (`ejecutarCabecera`). Leer
// una cabecera y ejecutar su orden son herramientas (herramientas/cabeceras.ts, que también
// usa la visita guiada); se reexportan aquí para que cada test importe de un solo sitio.

import { compararSalida, ejecutarEjemplo } from "../herramientas/cabeceras.ts";

export {
  type Cabecera,
  compararSalida,
  ejecutarEjemplo,
  enmascarar,
  leerCabecera,
  PROSA_MAXIMA,
} from "../herramientas/cabeceras.ts";

/**
 * La comprobación de la cabecera de un ejemplo, que hace el test de cada script: lo ejecuta
 * como en clase, una vez (`ejecutarEjemplo` con `aParte`: copiado solo a una carpeta vacía,
 * con la orden de su cabecera; un servidor, con su cliente y el ^C de su `@salida`), y falla
 * si algo no termina bien o si su salida (o la de su cliente) no tiene las líneas que promete
 * la `@salida` (`compararSalida`). Devuelve las líneas reales del script, con `^C` donde se
 * pulsó Ctrl+C, para que el test les aplique su regla. En Windows no se puede enviar Ctrl+C:
 * el test de un servidor con ^C se salta allí.
 */
export async function ejecutarCabecera(script: string): Promise<string[]> {
  const ejecuciones = await ejecutarEjemplo(script, { aParte: true });
  const fallos = ejecuciones.flatMap(({ cabecera, problema, aviso, lineas }) => {
    if (problema || aviso) return [problema ?? `${cabecera.script}: ${aviso}`];
    const diferencia = compararSalida(cabecera.salida, lineas);
    return diferencia ? [`${cabecera.script}: ${diferencia}`] : [];
  });
  if (fallos.length > 0) throw new Error(fallos.join("\n"));
  return ejecuciones[0].lineas;
}
