/* sigwait, sigwaitinfo and sigtimedwait: a pending signal of the set is taken without running its
 * handler, with its siginfo; the thread's own pending signals come before the process's; with none
 * pending the call waits for one, fails with EAGAIN when its timeout passes (at once for zero) and
 * with EINTR when a signal outside the set is handled; a bad timeout is EINVAL. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

static volatile sig_atomic_t handled;
static void on_signal(int sig) { handled = sig; }

int main(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGRTMIN);
  sigprocmask(SIG_BLOCK, &set, NULL);
  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigaction(SIGUSR1, &sa, NULL);

  int sig = 0;
  raise(SIGUSR1);
  CHECK(sigwait(&set, &sig) == 0 && sig == SIGUSR1 && handled == 0);

  struct timespec zero = {0, 0};
  errno = 0;
  CHECK(sigtimedwait(&set, NULL, &zero) == -1 && errno == EAGAIN);
  struct timespec short_wait = {0, 50 * 1000 * 1000};
  errno = 0;
  CHECK(sigtimedwait(&set, NULL, &short_wait) == -1 && errno == EAGAIN);
  struct timespec bad = {0, 1000000000};
  errno = 0;
  CHECK(sigtimedwait(&set, NULL, &bad) == -1 && errno == EINVAL);

  /* Queued real-time signals come one at a time, in order, with their values. */
  union sigval v1 = {.sival_int = 41}, v2 = {.sival_int = 42};
  CHECK(sigqueue(getpid(), SIGRTMIN, v1) == 0 && sigqueue(getpid(), SIGRTMIN, v2) == 0);
  siginfo_t info;
  CHECK(sigwaitinfo(&set, &info) == SIGRTMIN && info.si_code == SI_QUEUE);
  CHECK(info.si_value.sival_int == 41 && info.si_pid == getpid());
  CHECK(sigwaitinfo(&set, &info) == SIGRTMIN && info.si_value.sival_int == 42);

  /* The thread's own pending signal first, though the process's has a lower number. */
  sigaddset(&set, SIGUSR2);
  sigprocmask(SIG_BLOCK, &set, NULL);
  CHECK(kill(getpid(), SIGUSR1) == 0);
  CHECK(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR2) == 0);
  /* (glibc's sigwaitinfo reports tkill's SI_TKILL as SI_USER.) */
  CHECK(sigwaitinfo(&set, &info) == SIGUSR2 && info.si_code == SI_USER);
  CHECK(sigwaitinfo(&set, &info) == SIGUSR1 && info.si_code == SI_USER);

  /* Waiting: a child's signal ends the wait, with the child's pid in the siginfo. */
  pid_t child = fork();
  if (child == 0) {
    usleep(50000);
    kill(getppid(), SIGUSR2);
    _exit(0);
  }
  struct timespec long_wait = {10, 0};
  CHECK(sigtimedwait(&set, &info, &long_wait) == SIGUSR2 && info.si_pid == child);
  waitpid(child, NULL, 0);

  /* A handled signal outside the set cuts the wait short with EINTR. */
  sigaction(SIGTERM, &sa, NULL);
  child = fork();
  if (child == 0) {
    usleep(50000);
    kill(getppid(), SIGTERM);
    _exit(0);
  }
  errno = 0;
  CHECK(sigtimedwait(&set, NULL, &long_wait) == -1 && errno == EINTR && handled == SIGTERM);
  waitpid(child, NULL, 0);
  return check_failures;
}
