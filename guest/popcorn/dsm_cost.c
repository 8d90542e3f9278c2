/*
 * Virtual-time cost of the distributed shared memory's basic steps, for scripts/bench-dsm. Run on
 * 4 kernels (popcorn run --kernels 4): the main thread stays at home (kernel 0) and three helper
 * threads move to kernels 1, 2 and 3 with popcorn_migrate. Prints, in nanoseconds of the run's
 * virtual clock (CLOCK_MONOTONIC, which PopcornJ keeps in virtual time):
 *   read_fault      a thread on kernel 1 reads a page home wrote (a remote read fault)
 *   write_inval_N   home writes a page that N other kernels read (it invalidates N copies)
 *   futex_wake      one way of a futex ping-pong between kernel 0 and kernel 1
 * Usage: dsm_cost [PAGES] [ROUNDS]   (defaults 64 and 200)
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "popcorn.h"

enum { PAGE = 4096 };

static int pages = 64, rounds = 200;
static volatile char *area;
static pthread_barrier_t barrier;
static volatile long readers_wanted; /* how many helpers read in the current phase */
static uint32_t ping, pong;
static long read_fault_ns;

static long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000L + t.tv_nsec;
}

static void fwait(uint32_t *w, uint32_t v) {
  while (__atomic_load_n(w, __ATOMIC_SEQ_CST) == v) syscall(SYS_futex, w, FUTEX_WAIT, v, NULL, NULL, 0);
}

static void fwake(uint32_t *w) {
  __atomic_add_fetch(w, 1, __ATOMIC_SEQ_CST);
  syscall(SYS_futex, w, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static void *helper(void *arg) {
  int k = (int)(intptr_t)arg;
  if (popcorn_migrate(k, 0) != 0) {
    perror("popcorn_migrate");
    exit(1);
  }
  pthread_barrier_wait(&barrier); /* phase 1: remote read faults, kernel 1 only */
  if (k == 1) {
    long t0 = now_ns();
    long sum = 0;
    for (int i = 0; i < pages; i++) sum += area[(long)i * PAGE];
    read_fault_ns = (now_ns() - t0) / pages + (sum & 0);
  }
  pthread_barrier_wait(&barrier);
  for (int n = 1; n <= 3; n++) { /* phase 2: N readers, then home writes */
    pthread_barrier_wait(&barrier);
    if (k <= n) {
      long sum = 0;
      for (int i = 0; i < pages; i++) sum += area[(long)i * PAGE];
      (void)sum;
    }
    pthread_barrier_wait(&barrier);
    pthread_barrier_wait(&barrier);
  }
  if (k == 1) { /* phase 3: futex ping-pong with home */
    for (int r = 0; r < rounds; r++) {
      fwait(&ping, (uint32_t)r);
      fwake(&pong);
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc > 1) pages = atoi(argv[1]);
  if (argc > 2) rounds = atoi(argv[2]);
  if (pages < 1 || rounds < 1) {
    fprintf(stderr, "usage: dsm_cost [PAGES] [ROUNDS]\n");
    return 2;
  }
  area = mmap(NULL, (size_t)pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  for (int i = 0; i < pages; i++) area[(long)i * PAGE] = (char)i;
  pthread_barrier_init(&barrier, NULL, 4);
  pthread_t t[3];
  for (intptr_t k = 1; k <= 3; k++) pthread_create(&t[k - 1], NULL, helper, (void *)k);
  pthread_barrier_wait(&barrier);
  pthread_barrier_wait(&barrier);
  printf("read_fault %ld\n", read_fault_ns);
  for (int n = 1; n <= 3; n++) {
    for (int i = 0; i < pages; i++) area[(long)i * PAGE] = (char)(i + n); /* all copies back home */
    pthread_barrier_wait(&barrier);
    pthread_barrier_wait(&barrier); /* N kernels now read every page */
    long t0 = now_ns();
    for (int i = 0; i < pages; i++) area[(long)i * PAGE] = (char)(i + 2 * n);
    printf("write_inval_%d %ld\n", n, (now_ns() - t0) / pages);
    pthread_barrier_wait(&barrier);
  }
  long t0 = now_ns();
  for (int r = 0; r < rounds; r++) {
    fwake(&ping);
    fwait(&pong, (uint32_t)r);
  }
  printf("futex_wake %ld\n", (now_ns() - t0) / rounds / 2);
  for (int k = 0; k < 3; k++) pthread_join(t[k], NULL);
  return 0;
}
