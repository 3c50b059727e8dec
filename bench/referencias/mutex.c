// Referencia de bench/lock_bench.ts: 2 hilos x N veces lock / += 1 / unlock con el
// pthread_mutex de glibc. Mide desde que la barrera suelta a los dos hasta que acaban los dos
// y escribe los milisegundos. Compilar: cc -O2 -pthread mutex.c -o mutex
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t salida;
static volatile long contador = 0;
static long veces = 1000000;
static double inicio[2], fin[2];

static double ahora(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void *sumar(void *arg) {
  long i, yo = (long)arg;
  pthread_barrier_wait(&salida);
  inicio[yo] = ahora();
  for (i = 0; i < veces; i++) {
    pthread_mutex_lock(&mutex);
    contador += 1;
    pthread_mutex_unlock(&mutex);
  }
  fin[yo] = ahora();
  return NULL;
}

int main(int argc, char **argv) {
  pthread_t hilos[2];
  long i;
  if (argc > 1) veces = atol(argv[1]);
  pthread_barrier_init(&salida, NULL, 2);
  for (i = 0; i < 2; i++) pthread_create(&hilos[i], NULL, sumar, (void *)i);
  for (i = 0; i < 2; i++) pthread_join(hilos[i], NULL);
  if (contador != 2 * veces) {
    fprintf(stderr, "contador %ld\n", contador);
    return 1;
  }
  double desde = inicio[0] < inicio[1] ? inicio[0] : inicio[1];
  double hasta = fin[0] > fin[1] ? fin[0] : fin[1];
  printf("%.1f\n", hasta - desde);
  return 0;
}
