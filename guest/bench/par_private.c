/*
 * A parallel loop with little sharing: N threads (argv[1], default 8) each fill and hash an array
 * of their own (64 KiB, on pages no other thread touches) ROUNDS times (argv[2], default 24), then
 * publish one number. The result is
 * the same however the threads are placed. PopcornJ's scripts/bench-dsm times it on one SMP kernel
 * and spread over kernels.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { WORDS = 8192 };

static int rounds = 24; /* argv[2] */

static uint64_t results[64];

static void *work(void *arg) {
  intptr_t id = (intptr_t)arg;
  uint64_t *a = malloc(WORDS * sizeof *a);
  uint64_t x = 0x9e3779b97f4a7c15ULL * (uint64_t)(id + 1);
  for (int i = 0; i < WORDS; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    a[i] = x;
  }
  uint64_t h = 1469598103934665603ULL;
  for (int r = 0; r < rounds; r++) {
    for (int i = 0; i < WORDS; i++) {
      h = (h ^ a[i]) * 1099511628211ULL;
      a[i] = h + (uint64_t)r;
    }
  }
  free(a);
  results[id] = h;
  return NULL;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 8;
  if (argc > 2) rounds = atoi(argv[2]);
  if (n < 1 || n > 64 || rounds < 1) {
    fprintf(stderr, "usage: par_private [THREADS 1..64] [ROUNDS]\n");
    return 2;
  }
  pthread_t t[64];
  for (intptr_t i = 0; i < n; i++) {
    if (pthread_create(&t[i], NULL, work, (void *)i) != 0) {
      perror("pthread_create");
      return 1;
    }
  }
  uint64_t sum = 0;
  for (int i = 0; i < n; i++) {
    pthread_join(t[i], NULL);
    sum ^= results[i];
  }
  printf("threads %d, checksum %016llx\n", n, (unsigned long long)sum);
  return 0;
}
