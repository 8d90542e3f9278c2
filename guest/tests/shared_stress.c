/* Contention over shared memory: six threads and two forked children (two threads each) add to
 * counters on sixteen pages of MAP_SHARED|MAP_ANONYMOUS memory with atomics, picking pages at
 * random; every few rounds a thread also reads the file with pread, or maps it MAP_SHARED, adds
 * to a counter in it and unmaps it again, while the main thread writes the file and shrinks and
 * regrows its tail. With --spread the threads and the children's threads run on every kernel and
 * fight over the same pages; no update may be lost. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#define PATH "/tmp/pj_shared_stress.dat"
enum { PAGES = 16, THREADS = 6, CHILDREN = 2, CHILD_THREADS = 2, ROUNDS = 1500, MAP_EVERY = 211 };

static long *counters;
static long page;
static int fd;

static void *work(void *arg) {
  unsigned s = (unsigned)(intptr_t)arg * 2654435761u + 1;
  for (int i = 0; i < ROUNDS; i++) {
    s = s * 1103515245u + 12345u;
    __atomic_fetch_add(&counters[((s >> 16) % PAGES) * (page / 8)], 1, __ATOMIC_SEQ_CST);
    if (i % 97 == 0) {
      char b[8];
      if (pread(fd, b, 8, (s >> 8) % (4 * page)) < 0) return (void *)1;
    }
    if (i % MAP_EVERY == 0) {
      char *m = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      if (m == MAP_FAILED) return (void *)1;
      __atomic_fetch_add((long *)(m + 64), 1, __ATOMIC_SEQ_CST);
      munmap(m, 2 * (size_t)page);
    }
  }
  return NULL;
}

static int run_threads(int n, int base) {
  pthread_t t[THREADS];
  int bad = 0;
  for (int i = 0; i < n; i++) pthread_create(&t[i], NULL, work, (void *)(intptr_t)(base + i));
  for (int i = 0; i < n; i++) {
    void *r;
    pthread_join(t[i], &r);
    bad |= r != NULL;
  }
  return bad;
}

int main(void) {
  page = sysconf(_SC_PAGESIZE);
  counters = mmap(NULL, PAGES * (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  CHECK(counters != MAP_FAILED);
  fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
  CHECK(fd >= 0 && ftruncate(fd, 4 * page) == 0);
  pid_t kids[CHILDREN];
  for (int k = 0; k < CHILDREN; k++) {
    kids[k] = fork();
    if (kids[k] == 0) _exit(run_threads(CHILD_THREADS, 100 + k * CHILD_THREADS));
  }
  int main_ok = 1;
  int threads_bad = 0;
  pthread_t ts[THREADS];
  for (int i = 0; i < THREADS; i++) pthread_create(&ts[i], NULL, work, (void *)(intptr_t)i);
  for (int i = 0; i < 200; i++) {
    main_ok &= pwrite(fd, "abcdefghijklmnop", 16, page + (i % 8) * 16) == 16;
    if (i % 50 == 0) main_ok &= ftruncate(fd, 3 * page) == 0 && ftruncate(fd, 4 * page) == 0;
  }
  for (int i = 0; i < THREADS; i++) {
    void *r;
    pthread_join(ts[i], &r);
    threads_bad |= r != NULL;
  }
  CHECK(main_ok);
  CHECK(!threads_bad);
  int kids_ok = 1;
  for (int k = 0; k < CHILDREN; k++) {
    int status;
    kids_ok &= waitpid(kids[k], &status, 0) == kids[k] && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  CHECK(kids_ok);
  long total = 0;
  for (int p = 0; p < PAGES; p++) total += counters[p * (page / 8)];
  CHECK(total == (long)(THREADS + CHILDREN * CHILD_THREADS) * ROUNDS); /* no atomic lost */
  long adds = 0;
  CHECK(pread(fd, &adds, 8, 64) == 8);
  CHECK(adds == (long)(THREADS + CHILDREN * CHILD_THREADS) * ((ROUNDS + MAP_EVERY - 1) / MAP_EVERY));
  unlink(PATH);
  return check_failures;
}
