/*
 * popcorn_migrate's errors, as guest/include/popcorn.h documents them. Usage: migrate_errors K
 * (the number of kernels booted). Prints one line per case; exit 0 when every case holds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "popcorn.h"

static int bad;

static void expect(const char *what, int r, int err) {
  int ok = err == 0 ? r == 0 : r == -1 && errno == err;
  printf("%-40s %s\n", what, ok ? "ok" : strerror(errno));
  bad |= !ok;
}

static int rest(void *arg) {
  (void)arg;
  for (;;) pause();
  return 0;
}

static void *park(void *arg) {
  (void)arg;
  pause();
  return NULL;
}

int main(int argc, char **argv) {
  int kernels = argc > 1 ? atoi(argv[1]) : 1;
  expect("to itself", popcorn_migrate(0, 0), 0);
  expect("to a kernel that does not exist", popcorn_migrate(kernels + 5, 0), EINVAL);
  expect("to a negative kernel", popcorn_migrate(-1, 0), EINVAL);
  expect("with unknown flags", popcorn_migrate(0, 1), EINVAL);
  expect("a process that does not exist", popcorn_migrate_process(4000000, 0, 0), ESRCH);
  if (kernels > 1) {
    expect("to kernel 1 and back", popcorn_migrate(1, 0) || popcorn_migrate(0, 0), 0);
    pthread_t t;
    pthread_create(&t, NULL, park, NULL);
    expect("with two threads, there and back", popcorn_migrate(1, 0) || popcorn_migrate(0, 0), 0);
    int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    *shared = 1;
    expect("with a shared mapping, there and back",
           popcorn_migrate(1, 0) || (*shared += 1, popcorn_migrate(0, 0)) || *shared != 2, 0);
    munmap(shared, 4096);
    static char stack[64 * 1024];
    pid_t twin = clone(rest, stack + sizeof stack, CLONE_VM | SIGCHLD, NULL);
    expect("sharing its memory with another process", popcorn_migrate(1, 0), EBUSY);
    kill(twin, SIGKILL);
    waitpid(twin, NULL, 0);
  }
  return bad;
}
