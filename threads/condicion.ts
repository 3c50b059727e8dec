/**
 * Condition (un monitor): retiradas que esperan a que el saldo alcance, ingresos que avisan.
 *
 * Una cuenta compartida empieza a 0. Tres clientes quieren retirar 50, 30 y 70; el sueldo
 * llega en 5 ingresos de 40. `wait()` suelta el lock de la cuenta y duerme hasta que un
 * ingreso llama a `notify_all()`; al despertar vuelve a tener el lock y mira otra vez el
 * saldo: por eso va dentro de un `while` y no de un `if` (junto al código, por qué). Sin
 * Condition, un cliente sin saldo miraría el saldo una y otra vez, gastando CPU.
 *
 * @python Apartado 2 «Threads», más allá del capítulo: threading.Condition, wait() en un while,
 *   notify_all()
 * @ejecutar deno run --allow-read threads/condicion.ts
 * @copiar también threading.ts y traza.ts, a su lado: los importa de allí
 * @salida
 *   Ingreso de 40 (saldo: 40)
 *   Cliente 2 retira 30 (esperas: 1; saldo: 10)
 *   Ingreso de 40 (saldo: 50)
 *   Cliente 1 retira 50 (esperas: 2; saldo: 0)
 *   Ingreso de 40 (saldo: 40)
 *   Ingreso de 40 (saldo: 80)
 *   Cliente 3 retira 70 (esperas: 4; saldo: 10)
 *   Ingreso de 40 (saldo: 50)
 *   Saldo final: 50 (ingresado 200, retirado 150)
 * @cambia En un equipo tranquilo sale casi siempre igual: un ingreso llega cada 20 ms, de sobra
 *   para que los despertados miren el saldo. Con el equipo ocupado, un cliente puede despertar
 *   tarde, y cambian qué cliente retira antes, sus esperas y los saldos de en medio; el saldo nunca
 *   baja de 0 y el final es siempre 50.
 */

import { Condition, leerOpciones, sleep, terminarConError, Thread, Value } from "./threading.ts";

const saldo = new Value(0);
const cuenta = new Condition(); // el lock de la cuenta, con su sala de espera

export function retirar(cliente: number, cantidad: number) {
  cuenta.acquire();
  let esperas = 0;
  // No basta un if: despertar no quiere decir que haya saldo. notify_all() despierta a todos
  // y el primero en coger el lock puede llevarse el dinero; el ingreso pudo no bastar (40 no
  // da para 70); y en POSIX o Java un thread puede despertar sin que nadie le avise
  // (despertar espurio). `esperas` cuenta cuántas veces durmió.
  while (saldo.value < cantidad) {
    esperas++;
    cuenta.wait(); // suelta el lock, duerme hasta un notify y lo vuelve a coger
  }
  saldo.value -= cantidad;
  console.log(`Cliente ${cliente} retira ${cantidad} (esperas: ${esperas}; saldo: ${saldo.value})`);
  cuenta.release();
}

export function ingresar(veces: number, cantidad: number) {
  for (let i = 0; i < veces; i++) {
    sleep(0.02); // el dinero llega poco a poco
    cuenta.acquire();
    saldo.value += cantidad;
    console.log(`Ingreso de ${cantidad} (saldo: ${saldo.value})`);
    // Que todos los que esperan miren otra vez. Con notify() (uno solo) podría despertar el
    // que quiere 70 cuando hay 40 y dejar dormido al de 30, que sí podía.
    cuenta.notify_all();
    cuenta.release();
  }
}

if (import.meta.main) {
  leerOpciones({}); // sin opciones: solo -h y los errores de uso

  const retiradas = [50, 30, 70];
  const ingresos = { veces: 5, cantidad: 40 };
  const threads = [
    ...retiradas.map((cantidad, i) => new Thread({ target: retirar, args: [i + 1, cantidad] })),
    new Thread({ target: ingresar, args: [ingresos.veces, ingresos.cantidad] }),
  ];

  // Lo que cuadra, de lo que de verdad se pidió: saldo final = ingresado - retirado.
  const ingresado = ingresos.veces * ingresos.cantidad;
  const retirado = retiradas.reduce((a, b) => a + b);
  if (retirado > ingresado) { // alguien esperaría para siempre un ingreso que no llega
    terminarConError(`Las retiradas (${retirado}) superan lo ingresado (${ingresado}).`);
  }

  for (const t of threads) t.start();
  for (const t of threads) await t.join();

  console.log(`Saldo final: ${saldo.value} (ingresado ${ingresado}, retirado ${retirado})`);
}
