// Generador de carga para bench/servidor_bench.ts: N clientes a la vez en un solo hilo
// (epoll), cada uno envía M mensajes de 16 bytes, de uno en uno, esperando cada eco.
// Al acabar, cada cliente envía «cerrar» y cierra. Imprime: mensajes/s, mediana y p99 (µs).
//
// Uso: carga <puerto> <clientes> <mensajes por cliente>
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

static double ahora(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static int comparar(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

typedef struct {
  int fd, hechos, recibidos;
  double inicio;
} Cliente;

static const char MENSAJE[16] = "0123456789abcdef";

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "Uso: carga <puerto> <clientes> <mensajes por cliente>\n");
    return 2;
  }
  int puerto = atoi(argv[1]), n = atoi(argv[2]), m = atoi(argv[3]);
  struct sockaddr_in dir = {.sin_family = AF_INET, .sin_port = htons(puerto)};
  inet_pton(AF_INET, "127.0.0.1", &dir.sin_addr);

  Cliente *clientes = calloc(n, sizeof(Cliente));
  double *tiempos = malloc(sizeof(double) * n * m);
  int ep = epoll_create1(0);
  for (int i = 0; i < n; i++) {
    // El servidor puede tardar en arrancar: reintentamos durante 10 s como mucho.
    for (int intento = 0;; intento++) {
      int fd = socket(AF_INET, SOCK_STREAM, 0);
      if (connect(fd, (struct sockaddr *)&dir, sizeof dir) == 0) {
        clientes[i].fd = fd;
        break;
      }
      close(fd);
      if (intento == 1000) {
        perror("connect");
        return 1;
      }
      usleep(10000);
    }
    int uno = 1;
    setsockopt(clientes[i].fd, IPPROTO_TCP, TCP_NODELAY, &uno, sizeof uno);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
    epoll_ctl(ep, EPOLL_CTL_ADD, clientes[i].fd, &ev);
  }

  double inicio = ahora();
  for (int i = 0; i < n; i++) {
    clientes[i].inicio = ahora();
    if (write(clientes[i].fd, MENSAJE, 16) != 16) { perror("write"); return 1; }
  }
  int activos = n, medidos = 0;
  struct epoll_event eventos[256];
  char buffer[4096];
  while (activos > 0) {
    int listos = epoll_wait(ep, eventos, 256, 10000);
    if (listos <= 0) { fprintf(stderr, "el servidor no responde\n"); return 1; }
    for (int e = 0; e < listos; e++) {
      Cliente *c = &clientes[eventos[e].data.u32];
      ssize_t leidos = read(c->fd, buffer, sizeof buffer);
      if (leidos <= 0) { fprintf(stderr, "el servidor cerró la conexión\n"); return 1; }
      c->recibidos += leidos;
      if (c->recibidos < 16) continue;
      c->recibidos -= 16;
      double t = ahora();
      tiempos[medidos++] = t - c->inicio;
      if (++c->hechos == m) {
        activos--;
        continue;
      }
      c->inicio = t;
      if (write(c->fd, MENSAJE, 16) != 16) { perror("write"); return 1; }
    }
  }
  double total = ahora() - inicio;
  for (int i = 0; i < n; i++) {
    if (write(clientes[i].fd, "cerrar", 6) != 6) { perror("write"); return 1; }
    shutdown(clientes[i].fd, SHUT_WR);
  }
  // Esperamos a que cada servidor cierre (lee hasta el final), sin dejar nada a medias.
  for (int i = 0; i < n; i++) {
    while (read(clientes[i].fd, buffer, sizeof buffer) > 0) {}
    close(clientes[i].fd);
  }
  qsort(tiempos, medidos, sizeof(double), comparar);
  printf("%.0f %.1f %.1f\n", medidos / total, tiempos[medidos / 2] * 1e6,
         tiempos[(int)(medidos * 0.99)] * 1e6);
  return 0;
}
