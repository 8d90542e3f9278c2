/*
 * Virtual-time cost of fork + _exit + waitpid by a process that runs away from home. Run on two
 * kernels (popcorn run --kernels 2): the process touches a 1 MiB buffer at home, moves to kernel 1
 * with popcorn_migrate, and forks there, where the child is made (its origin kernel 1). Prints, in
 * microseconds of the run's virtual clock (CLOCK_MONOTONIC, in virtual time), the mean of ROUNDS
 * rounds:
 *   cold   the buffer was last written at home: its pages go to kernel 1 in every fork's image
 *   warm   the buffer was written again on kernel 1 first: kernel 1 copies its own pages
 *   home   the same fork made at home, after moving back (kernel 0)
 * Usage: fork_cost [ROUNDS]   (default 20)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "popcorn.h"

enum { BUFFER = 1 << 20 };

static long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000L + t.tv_nsec;
}

/* The mean virtual time of one fork, exit and wait, in microseconds; -1 when a fork failed. */
static long forks(int rounds) {
  long start = now_ns();
  for (int i = 0; i < rounds; i++) {
    pid_t c = fork();
    if (c < 0) {
      perror("fork");
      return -1;
    }
    if (c == 0) {
      _exit(0);
    }
    int status;
    if (waitpid(c, &status, 0) != c || status != 0) {
      return -1;
    }
  }
  return (now_ns() - start) / rounds / 1000;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 20;
  if (rounds <= 0) {
    fprintf(stderr, "usage: fork_cost [ROUNDS]\n");
    return 2;
  }
  char *buffer = malloc(BUFFER);
  memset(buffer, 1, BUFFER);
  if (popcorn_migrate(1, 0) != 0) {
    perror("popcorn_migrate");
    return 1;
  }
  long cold = forks(rounds);
  memset(buffer, 2, BUFFER);
  long warm = forks(rounds);
  if (popcorn_migrate(0, 0) != 0) {
    perror("popcorn_migrate");
    return 1;
  }
  long home = forks(rounds);
  printf("cold %ld\nwarm %ld\nhome %ld\n", cold, warm, home);
  return cold < 0 || warm < 0 || home < 0;
}
