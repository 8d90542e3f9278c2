/* A handled signal raised many times in a row is handled every time: raise, kill of our own pid,
 * sigqueue of SIGRTMIN with its value, and an unblock of a pending signal, each 10000 times. Every
 * delivery must come back through sigreturn with the mask restored, so after each storm the
 * signal is not blocked and nothing is left pending. */
#define _GNU_SOURCE
#include <signal.h>
#include <unistd.h>
#include "check.h"

#define ROUNDS 10000

static volatile sig_atomic_t calls;
static volatile long value_sum;

static void handler(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)ctx;
  value_sum += si->si_value.sival_int;
  calls++;
}

static void install(int sig) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

static int clean_after(int sig) {
  sigset_t now, pending;
  sigprocmask(SIG_BLOCK, NULL, &now);
  sigpending(&pending);
  return !sigismember(&now, sig) && !sigismember(&pending, sig);
}

static void report(const char *what, int sig) {
  printf("%-24s handled %d of %d\n", what, (int)calls, ROUNDS);
  check(what, calls == ROUNDS && clean_after(sig));
  calls = 0;
}

int main(void) {
  install(SIGUSR1);
  for (int i = 0; i < ROUNDS; i++) {
    raise(SIGUSR1);
  }
  report("raise(SIGUSR1)", SIGUSR1);

  for (int i = 0; i < ROUNDS; i++) {
    kill(getpid(), SIGUSR1);
  }
  report("kill(getpid(), SIGUSR1)", SIGUSR1);

  install(SIGRTMIN);
  value_sum = 0;
  for (int i = 0; i < ROUNDS; i++) {
    sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = i % 7});
  }
  long expected = 0;
  for (int i = 0; i < ROUNDS; i++) {
    expected += i % 7;
  }
  printf("sigqueue values sum %ld (expected %ld)\n", value_sum, expected);
  report("sigqueue(SIGRTMIN)", SIGRTMIN);

  /* Queued while blocked, delivered at the unblock: 3 real-time signals each round. */
  sigset_t rt;
  sigemptyset(&rt);
  sigaddset(&rt, SIGRTMIN);
  for (int i = 0; i < ROUNDS / 3 + 1; i++) {
    sigprocmask(SIG_BLOCK, &rt, NULL);
    for (int k = 0; k < 3 && i * 3 + k < ROUNDS; k++) {
      sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 0});
    }
    sigprocmask(SIG_UNBLOCK, &rt, NULL);
  }
  report("unblock of queued RT", SIGRTMIN);
  return check_failures;
}
