/* Writing to a pipe whose read end is closed: with SIGPIPE at its default the writer dies of
 * SIGPIPE (seen by the parent through WTERMSIG), with SIGPIPE ignored write fails with EPIPE, and
 * with a handler the handler runs and write still fails with EPIPE. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static volatile sig_atomic_t got_sigpipe;
static void on_sigpipe(int sig) { got_sigpipe = sig; }

int main(void) {
  int p[2];
  CHECK(pipe(p) == 0);
  close(p[0]);
  pid_t pid = fork();
  if (pid == 0) {
    write(p[1], "x", 1);
    _exit(0); /* not reached: SIGPIPE kills */
  }
  int st;
  CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);

  signal(SIGPIPE, SIG_IGN);
  CHECK(write(p[1], "x", 1) == -1 && errno == EPIPE);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigpipe;
  sigaction(SIGPIPE, &sa, NULL);
  CHECK(write(p[1], "x", 1) == -1 && errno == EPIPE);
  CHECK(got_sigpipe == SIGPIPE);
  close(p[1]);
  return check_failures;
}
