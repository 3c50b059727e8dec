# Referencia de bench/lock_bench.ts: 2 threads x N veces acquire / += 1 / release con el
# threading.Lock de Python. Mide desde que la barrera suelta a los dos hasta que acaban los
# dos y escribe los milisegundos.
import sys
import time
from threading import Barrier, Lock, Thread

veces = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
lock = Lock()
salida = Barrier(2)
contador = 0
inicio = [0.0, 0.0]
fin = [0.0, 0.0]


def sumar(yo):
    global contador
    salida.wait()
    inicio[yo] = time.perf_counter()
    for _ in range(veces):
        lock.acquire()
        contador += 1
        lock.release()
    fin[yo] = time.perf_counter()


if __name__ == "__main__":
    hilos = [Thread(target=sumar, args=(yo,)) for yo in range(2)]
    for h in hilos:
        h.start()
    for h in hilos:
        h.join()
    assert contador == 2 * veces, contador
    print(f"{(max(fin) - min(inicio)) * 1000:.1f}")
