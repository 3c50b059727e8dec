# El servidor del capítulo, tal cual, con el puerto como argumento (para bench/servidor_bench.ts).
import sys
from socket import socket

server = socket()

server.bind(("", int(sys.argv[1])))
server.listen(1)

serverConnection, addresses = server.accept()

while True:
  receivedInBytes = serverConnection.recv(1024)
  received = receivedInBytes.decode()

  if received == "cerrar":
    break

  print(f"{addresses[0]} dice: {received}")

  serverConnection.send(receivedInBytes)

print("Taluego, cliente!")

serverConnection.close()
server.close()
