// Servidor eco de referencia en C, para bench/servidor_bench.ts.
//   eco <puerto>        un cliente, como el del capítulo: read() y write() hasta el final
//   eco <puerto> epoll  muchos clientes a la vez, un solo hilo con epoll
#define _GNU_SOURCE
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static int escribirTodo(int fd, const char *datos, ssize_t n) {
  while (n > 0) {
    ssize_t escritos = write(fd, datos, n);
    if (escritos <= 0) return -1;
    datos += escritos;
    n -= escritos;
  }
  return 0;
}

int main(int argc, char **argv) {
  int server = socket(AF_INET, SOCK_STREAM, 0), uno = 1;
  setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &uno, sizeof uno);
  struct sockaddr_in dir = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
  dir.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(server, (struct sockaddr *)&dir, sizeof dir) || listen(server, 4096)) {
    perror("bind");
    return 1;
  }
  char buffer[65536];
  if (argc < 3) {
    int conn = accept(server, NULL, NULL);
    setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &uno, sizeof uno);
    ssize_t leidos;
    while ((leidos = read(conn, buffer, sizeof buffer)) > 0) {
      if (leidos == 6 && memcmp(buffer, "cerrar", 6) == 0) break;
      if (escribirTodo(conn, buffer, leidos)) break;
    }
    close(conn);
    return 0;
  }
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = server}, eventos[256];
  epoll_ctl(ep, EPOLL_CTL_ADD, server, &ev);
  for (;;) {
    int listos = epoll_wait(ep, eventos, 256, -1);
    for (int e = 0; e < listos; e++) {
      int fd = eventos[e].data.fd;
      if (fd == server) {
        int conn = accept(server, NULL, NULL);
        if (conn < 0) continue;
        setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &uno, sizeof uno);
        struct epoll_event nuevo = {.events = EPOLLIN, .data.fd = conn};
        epoll_ctl(ep, EPOLL_CTL_ADD, conn, &nuevo);
        continue;
      }
      ssize_t leidos = read(fd, buffer, sizeof buffer);
      if (leidos <= 0 || (leidos == 6 && memcmp(buffer, "cerrar", 6) == 0) ||
          escribirTodo(fd, buffer, leidos)) {
        close(fd);
      }
    }
  }
}
