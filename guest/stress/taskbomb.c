/*
 * A bounded fork or thread bomb: makes up to MAX processes (fork) or threads (thread), each of
 * which sleeps reading a pipe, until the kernel refuses one; prints how many it got and the errno
 * of the refusal, then lets them all go and reaps them.
 *
 *   taskbomb fork|thread MAX [SPIN]
 *
 * SPIN > 0 makes the parent spin that many million loop turns while they all sleep, so a host
 * can look at the kernel's memory then. Exits 0 when the tasks were made and reaped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int gate[2];

static void sleep_on_gate(void) {
  char c;
  while (read(gate[0], &c, 1) < 0 && errno == EINTR) {
  }
}

static void *thread_main(void *arg) {
  (void)arg;
  sleep_on_gate();
  return NULL;
}

static void spin(long millions) {
  volatile long sink = 0;
  for (long i = 0; i < millions * 1000000L; i++) {
    sink += i;
  }
}

int main(int argc, char **argv) {
  if (argc < 3 || (strcmp(argv[1], "fork") && strcmp(argv[1], "thread"))) {
    fprintf(stderr, "usage: taskbomb fork|thread MAX [SPIN]\n");
    return 2;
  }
  int threads = strcmp(argv[1], "thread") == 0;
  long max = atol(argv[2]);
  long spinMillions = argc > 3 ? atol(argv[3]) : 0;
  if (pipe(gate) < 0) {
    perror("pipe");
    return 1;
  }
  pthread_t *ids = threads ? calloc(max > 0 ? max : 1, sizeof *ids) : NULL;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  long made = 0;
  int err = 0;
  while (made < max) {
    if (threads) {
      err = pthread_create(&ids[made], &attr, thread_main, NULL);
      if (err != 0) {
        break;
      }
    } else {
      pid_t pid = fork();
      if (pid < 0) {
        err = errno;
        break;
      }
      if (pid == 0) {
        close(gate[1]);
        sleep_on_gate();
        _exit(0);
      }
    }
    made++;
  }
  printf("%s: made %ld, then %s\n", argv[1], made, err ? strerrorname_np(err) : "stopped at MAX");
  fflush(stdout);
  spin(spinMillions);
  close(gate[1]);
  long reaped = 0;
  if (threads) {
    for (long i = 0; i < made; i++) {
      reaped += pthread_join(ids[i], NULL) == 0;
    }
  } else {
    while (wait(NULL) > 0) {
      reaped++;
    }
  }
  printf("%s: reaped %ld\n", argv[1], reaped);
  return reaped == made ? 0 : 1;
}
