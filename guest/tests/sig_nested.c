/* Several signals unblocked at once each get a frame before user code runs again, as Linux delivers
 * them: the first taken (the lowest number) is the outermost frame, so the last taken runs first,
 * and each earlier handler starts when the one above it returns. A handler entered only at the
 * next trap would run in the order taken instead (and could be interrupted anywhere by the next).
 * (sa_mask is not tested: qemu-riscv64 7.2 ignores it.) */
#define _GNU_SOURCE
#include <signal.h>
#include "check.h"

static volatile int order[8], n;
static void record(int sig) {
  if (n < 8) order[n++] = sig;
}

static void print_order(const char *what) {
  printf("%s:", what);
  for (int i = 0; i < n; i++) printf(" %d", order[i]);
  printf("\n");
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = record;
  CHECK(sigaction(SIGHUP, &sa, NULL) == 0);
  CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
  CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGHUP);
  sigaddset(&block, SIGUSR1);
  sigaddset(&block, SIGUSR2);
  CHECK(sigprocmask(SIG_BLOCK, &block, &old) == 0);
  raise(SIGUSR2);
  raise(SIGUSR1);
  raise(SIGHUP);
  CHECK(n == 0);
  CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
  print_order("three unblocked at once");
  return check_failures;
}
