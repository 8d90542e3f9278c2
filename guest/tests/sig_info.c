/* Signal delivery with SA_SIGINFO: si_signo and si_code for kill (SI_USER), raise (SI_TKILL) and
 * sigqueue (SI_QUEUE, carrying its value); si_pid is our own pid for signals we sent; kill with
 * signal 0 probes; an invalid signal number gives EINVAL; SA_RESETHAND restores the default
 * after one delivery; the handler's own signal is blocked while it runs unless SA_NODEFER. */
#define _GNU_SOURCE
#include <signal.h>
#include <unistd.h>
#include "check.h"

static volatile sig_atomic_t last_signo, last_code, last_value, same_pid, calls, blocked_inside;

static void handler(int sig, siginfo_t *si, void *ctx) {
  (void)ctx;
  last_signo = si->si_signo;
  last_code = si->si_code;
  last_value = si->si_value.sival_int;
  same_pid = si->si_pid == getpid();
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  blocked_inside = sigismember(&now, sig);
  calls++;
}

static void install(int sig, int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO | flags;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

int main(void) {
  install(SIGUSR1, 0);
  CHECK(kill(getpid(), SIGUSR1) == 0);
  printf("kill: signo %d code %d (SI_USER %d) own pid %d blocked in handler %d\n", last_signo, last_code, SI_USER,
         same_pid, blocked_inside);
  CHECK(raise(SIGUSR1) == 0);
  printf("raise: signo %d code %d (SI_TKILL %d) own pid %d\n", last_signo, last_code, SI_TKILL, same_pid);
  CHECK(sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 1234}) == 0);
  printf("sigqueue: signo %d code %d (SI_QUEUE %d) value %d\n", last_signo, last_code, SI_QUEUE, last_value);
  CHECK(calls == 3);

  install(SIGUSR2, SA_NODEFER);
  raise(SIGUSR2);
  printf("SA_NODEFER: blocked in handler %d\n", blocked_inside);

  CHECK(kill(getpid(), 0) == 0);
  CHECK(kill(getpid(), 65) == -1 && errno == EINVAL);
  CHECK(sigaction(SIGKILL, &(struct sigaction){.sa_handler = SIG_IGN}, NULL) == -1 && errno == EINVAL);

  install(SIGUSR1, SA_RESETHAND);
  calls = 0;
  raise(SIGUSR1);
  struct sigaction now;
  sigaction(SIGUSR1, NULL, &now);
  CHECK(calls == 1 && now.sa_handler == SIG_DFL);
  fflush(stdout);
  raise(SIGUSR1); /* default action now: terminate; the exit status says SIGUSR1 */
  printf("not reached\n");
  return 1;
}
