/* Blocking signals: a blocked signal stays pending (sigpending) and is delivered when unblocked,
 * standard signals pending twice are delivered once, real-time signals queue and arrive in the
 * order sent, sigsuspend waits for one, and SIGKILL cannot be blocked (the mask silently drops
 * it). Only counts and same-signal order are printed: which of two different pending signals runs
 * first is a detail of frame stacking. (sa_mask is not tested: qemu-riscv64 7.2 ignores it.) */
#define _GNU_SOURCE
#include <signal.h>
#include <unistd.h>
#include "check.h"

static volatile int order[16], n; /* volatile: handlers change them behind the compiler's back */
static volatile int rt_values[8], n_rt;
static void record(int sig) {
  if (n < 16) order[n++] = sig;
}
static void record_rt(int sig, siginfo_t *si, void *ctx) {
  (void)ctx;
  record(sig);
  if (n_rt < 8) rt_values[n_rt++] = si->si_value.sival_int;
}
int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = record;
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGUSR2, &sa, NULL);
  struct sigaction rt;
  memset(&rt, 0, sizeof rt);
  rt.sa_sigaction = record_rt;
  rt.sa_flags = SA_SIGINFO;
  sigaction(SIGRTMIN, &rt, NULL);

  sigset_t block, pending, old;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigaddset(&block, SIGRTMIN);
  sigaddset(&block, SIGKILL);
  CHECK(sigprocmask(SIG_BLOCK, &block, &old) == 0);
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  CHECK(sigismember(&now, SIGUSR1) && !sigismember(&now, SIGKILL));
  raise(SIGUSR1);
  raise(SIGUSR1);
  for (int i = 0; i < 3; i++) sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = i});
  CHECK(n == 0);
  CHECK(sigpending(&pending) == 0 && sigismember(&pending, SIGUSR1) && sigismember(&pending, SIGRTMIN));
  CHECK(!sigismember(&pending, SIGUSR2));
  CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
  getppid(); /* a system call: qemu-user delivers what became pending only at one */
  int usr1 = 0, rtmin = 0;
  for (int i = 0; i < n; i++) {
    usr1 += order[i] == SIGUSR1;
    rtmin += order[i] == SIGRTMIN;
  }
  printf("after unblock: USR1 x%d, RTMIN x%d, values", usr1, rtmin);
  for (int i = 0; i < n_rt; i++) printf(" %d", rt_values[i]);
  printf("\n");

  n = 0;
  sa.sa_handler = record;
  sigaction(SIGUSR1, &sa, NULL);
  sigprocmask(SIG_BLOCK, &block, &old);
  raise(SIGUSR1);
  sigset_t wait_mask;
  sigfillset(&wait_mask);
  sigdelset(&wait_mask, SIGUSR1);
  CHECK(sigsuspend(&wait_mask) == -1 && errno == EINTR && n == 1);
  sigprocmask(SIG_BLOCK, NULL, &now);
  CHECK(sigismember(&now, SIGUSR1)); /* sigsuspend restored the mask */
  sigprocmask(SIG_SETMASK, &old, NULL);
  return check_failures;
}
