/* Job-control signals: SIGSTOP stops a child (waitpid WUNTRACED reports it), SIGCONT continues
 * it (WCONTINUED reports that), a stopped child still dies of SIGKILL, SIGTSTP with a handler is
 * caught instead of stopping, and the parent's SIGCHLD handler sees CLD_STOPPED and
 * CLD_CONTINUED. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static volatile sig_atomic_t chld_codes[8];
static volatile sig_atomic_t chld_count;
static volatile sig_atomic_t tstp_caught;

static void on_chld(int sig, siginfo_t *info, void *ctx) {
  (void)sig;
  (void)ctx;
  if (chld_count < 8) chld_codes[chld_count++] = info->si_code;
}

static void on_tstp(int sig) {
  (void)sig;
  tstp_caught = 1;
}

static int saw(int code) {
  for (int i = 0; i < chld_count; i++)
    if (chld_codes[i] == code) return 1;
  return 0;
}

int main(void) {
  struct sigaction sa = {0};
  sa.sa_sigaction = on_chld;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGCHLD, &sa, NULL);

  int p[2];
  pipe(p);
  pid_t pid = fork();
  if (pid == 0) {
    close(p[1]);
    char c;
    while (read(p[0], &c, 1) == 1) {
    }
    _exit(3);
  }
  close(p[0]);
  int st;
  CHECK(kill(pid, SIGSTOP) == 0);
  CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
  CHECK(kill(pid, SIGCONT) == 0);
  CHECK(waitpid(pid, &st, WCONTINUED) == pid && WIFCONTINUED(st));
  CHECK(kill(pid, SIGSTOP) == 0);
  CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st));
  CHECK(kill(pid, SIGKILL) == 0);
  CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  CHECK(saw(CLD_STOPPED) && saw(CLD_CONTINUED) && saw(CLD_KILLED));
  close(p[1]);

  pid = fork();
  if (pid == 0) {
    signal(SIGTSTP, on_tstp);
    raise(SIGTSTP);
    _exit(tstp_caught ? 4 : 5);
  }
  CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 4);
  return check_failures;
}
