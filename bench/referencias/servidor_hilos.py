# El servidor del capítulo para muchos clientes, como se hace en Python: un thread por
# cliente (para bench/servidor_bench.ts). Uso: python3 servidor_hilos.py <puerto>
import sys
from socket import socket
from threading import Thread


def conversar(serverConnection, addresses):
  while True:
    receivedInBytes = serverConnection.recv(1024)
    received = receivedInBytes.decode()

    if received == "cerrar" or received == "":
      break

    print(f"{addresses[0]} dice: {received}")

    serverConnection.send(receivedInBytes)

  serverConnection.close()


server = socket()
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen(4096)

while True:
  serverConnection, addresses = server.accept()
  Thread(target=conversar, args=(serverConnection, addresses), daemon=True).start()
