/* fork and wait: the child's copy of memory is its own, exit codes 0..255 come back through
 * WEXITSTATUS (256 wraps to 0), a child killed by a signal shows WTERMSIG, waitpid with WNOHANG
 * on a running child returns 0, several children are all collected by wait() in any order, and
 * ECHILD once none are left. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

int main(void) {
  int shared = 1;
  pid_t pid = fork();
  if (pid == 0) {
    shared = 99;
    _exit(shared == 99 ? 7 : 1);
  }
  int st;
  CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7 && shared == 1);

  int codes[] = {0, 1, 42, 255, 256};
  for (int i = 0; i < 5; i++) {
    pid = fork();
    if (pid == 0) _exit(codes[i]);
    waitpid(pid, &st, 0);
    printf("_exit(%d) -> exited %d status %d\n", codes[i], WIFEXITED(st), WEXITSTATUS(st));
  }

  int sigs[] = {SIGKILL, SIGTERM, SIGUSR1, SIGABRT};
  for (int i = 0; i < 4; i++) {
    pid = fork();
    if (pid == 0) {
      raise(sigs[i]);
      _exit(0);
    }
    waitpid(pid, &st, 0);
    printf("raise(%d) -> signaled %d termsig %d\n", sigs[i], WIFSIGNALED(st), WTERMSIG(st));
  }

  int p[2];
  pipe(p);
  pid = fork();
  if (pid == 0) {
    char c;
    close(p[1]);
    read(p[0], &c, 1); /* until the parent lets go */
    _exit(3);
  }
  close(p[0]);
  CHECK(waitpid(pid, &st, WNOHANG) == 0);
  close(p[1]);
  CHECK(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 3);

  enum { N = 8 };
  for (int i = 0; i < N; i++) {
    if (fork() == 0) _exit(10 + i);
  }
  int got[N], n = 0;
  pid_t r;
  while ((r = wait(&st)) > 0) got[n++] = WEXITSTATUS(st);
  CHECK(r == -1 && errno == ECHILD);
  qsort(got, (size_t)n, sizeof got[0], cmp);
  printf("collected %d:", n);
  for (int i = 0; i < n; i++) printf(" %d", got[i]);
  printf("\n");
  CHECK(waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD);
  return check_failures;
}
