/* SIGCHLD: a handler with SA_SIGINFO learns of a child's exit (CLD_EXITED with its status) and of
 * a child killed by a signal (CLD_KILLED with the signal), before we reap them; with SIGCHLD
 * ignored (SIG_IGN) children are reaped by the kernel and wait finds none (ECHILD). */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static volatile sig_atomic_t got, code, status;

static void on_chld(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)ctx;
  got++;
  code = si->si_code;
  status = si->si_status;
}

static void wait_for_signal(void) {
  sigset_t empty;
  sigemptyset(&empty);
  while (got == 0) sigsuspend(&empty);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_chld;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGCHLD, &sa, NULL);
  sigset_t chld, old;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, &old); /* no race between fork and sigsuspend */

  pid_t pid = fork();
  if (pid == 0) _exit(17);
  wait_for_signal();
  printf("exit: signals %d code %d (CLD_EXITED %d) status %d\n", got, code, CLD_EXITED, status);
  int st;
  CHECK(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 17);

  got = 0;
  pid = fork();
  if (pid == 0) {
    pause();
    _exit(0);
  }
  kill(pid, SIGTERM);
  wait_for_signal();
  printf("kill: signals %d code %d (CLD_KILLED %d) status %d\n", got, code, CLD_KILLED, status);
  CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
  sigprocmask(SIG_SETMASK, &old, NULL);

  signal(SIGCHLD, SIG_IGN);
  pid = fork();
  if (pid == 0) _exit(1);
  CHECK(waitpid(pid, &st, 0) == -1 && errno == ECHILD);
  return check_failures;
}
