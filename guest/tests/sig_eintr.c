/* A read blocked on an empty pipe and a signal from a child: without SA_RESTART the read fails
 * with EINTR after the handler ran; with SA_RESTART it resumes and returns the byte the child
 * writes after signalling. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "usr1.h"

/* The child waits until the parent is (very likely) blocked, signals it, waits, then writes. */
static void run(int flags) {
  handle_usr1(flags);
  int data[2], go[2];
  pipe(data);
  pipe(go);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    close(go[1]);
    read(go[0], &c, 1); /* the parent is about to block in read */
    usleep(50000);
    kill(parent, SIGUSR1);
    usleep(50000);
    write(data[1], "z", 1);
    _exit(0);
  }
  close(go[0]);
  write(go[1], "g", 1);
  char c = 0;
  errno = 0;
  ssize_t r = read(data[0], &c, 1);
  if (r < 0) {
    printf("%s: read -> -1 %s, handler ran %d\n", flags ? "SA_RESTART" : "no SA_RESTART",
           errno == EINTR ? "EINTR" : "other", handled);
    r = read(data[0], &c, 1); /* the byte still comes */
  } else {
    printf("%s: read -> %zd '%c', handler ran %d\n", flags ? "SA_RESTART" : "no SA_RESTART", r, c, handled);
  }
  waitpid(pid, NULL, 0);
  close(data[0]), close(data[1]), close(go[1]);
}

int main(void) {
  run(0);
  run(SA_RESTART);
  return 0;
}
