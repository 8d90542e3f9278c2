/*
 * A parallel loop with heavy sharing: N threads (argv[1], default 8) take TURNS turns (argv[2],
 * default 400) on one mutex to
 * update a shared table and counter, with a little private work between turns, and add to an
 * atomic counter. Every update moves the shared pages between the threads' CPUs (or kernels). The
 * result is the same however the threads are placed. PopcornJ's scripts/bench-dsm times it on one
 * SMP kernel and spread over kernels.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { SLOTS = 512 };

static int turns = 400; /* argv[2] */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t table[SLOTS];
static uint64_t counter;
static uint64_t atomic_total;

static void *work(void *arg) {
  intptr_t id = (intptr_t)arg;
  uint64_t x = (uint64_t)id * 2654435761u + 1;
  for (int turn = 0; turn < turns; turn++) {
    for (int i = 0; i < 200; i++) {  /* private work between turns */
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    }
    pthread_mutex_lock(&lock);
    counter++;
    table[(x >> 33) % SLOTS] += (uint64_t)id + 1;
    pthread_mutex_unlock(&lock);
    __atomic_add_fetch(&atomic_total, 1, __ATOMIC_SEQ_CST);
  }
  return NULL;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 8;
  if (argc > 2) turns = atoi(argv[2]);
  if (n < 1 || n > 64 || turns < 1) {
    fprintf(stderr, "usage: par_shared [THREADS 1..64] [TURNS]\n");
    return 2;
  }
  pthread_t t[64];
  for (intptr_t i = 0; i < n; i++) {
    if (pthread_create(&t[i], NULL, work, (void *)i) != 0) {
      perror("pthread_create");
      return 1;
    }
  }
  for (int i = 0; i < n; i++) {
    pthread_join(t[i], NULL);
  }
  uint64_t sum = 0;
  for (int i = 0; i < SLOTS; i++) {
    sum += table[i];
  }
  printf("threads %d, counter %llu, atomic %llu, table sum %llu\n", n, (unsigned long long)counter,
         (unsigned long long)atomic_total, (unsigned long long)sum);
  return 0;
}
