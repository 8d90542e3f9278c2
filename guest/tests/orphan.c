/* Orphans: a child forks a grandchild and exits at once; the grandchild, once its parent is gone,
 * has been re-parented (getppid changes away from the dead parent) and still runs to completion,
 * telling the original process through a pipe. Also: a zombie stays until reaped, then
 * waitpid says ECHILD. */
#define _GNU_SOURCE
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

int main(void) {
  int p[2];
  CHECK(pipe(p) == 0);
  pid_t child = fork();
  if (child == 0) {
    pid_t me = getpid();
    if (fork() == 0) {
      close(p[0]);
      /* wait for the parent to die: poll getppid with a yield between */
      for (int i = 0; i < 100000 && getppid() == me; i++) usleep(100);
      char msg[64];
      int n = snprintf(msg, sizeof msg, "grandchild reparented: %d\n", getppid() != me);
      write(p[1], msg, (size_t)n);
      _exit(0);
    }
    _exit(5);
  }
  close(p[1]);
  int st;
  CHECK(waitpid(child, &st, 0) == child && WEXITSTATUS(st) == 5);
  char buf[64] = {0};
  ssize_t n = 0, r;
  while ((r = read(p[0], buf + n, sizeof buf - 1 - (size_t)n)) > 0) n += r;
  printf("%s", buf);
  CHECK(n > 0);
  CHECK(waitpid(child, &st, 0) == -1 && errno == ECHILD);

  pid_t z = fork();
  if (z == 0) _exit(9);
  usleep(20000); /* the child is a zombie now or soon; either way it waits for us */
  CHECK(waitpid(z, &st, 0) == z && WEXITSTATUS(st) == 9);
  CHECK(waitpid(z, &st, 0) == -1 && errno == ECHILD);
  return check_failures;
}
