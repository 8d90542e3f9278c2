/* sigaltstack: a handler installed with SA_ONSTACK runs on the alternate stack (a local variable's
 * address lies inside it) and sigaltstack reports SS_ONSTACK there; without SA_ONSTACK it runs on
 * the normal stack; and a child that overflows its stack by unbounded recursion still catches the
 * SIGSEGV on the alternate stack and leaves with siglongjmp, exiting normally. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static char *alt_base;
static size_t alt_size;
static volatile int on_alt, flags_onstack;

static void where(int sig) {
  (void)sig;
  char local;
  on_alt = &local >= alt_base && &local < alt_base + alt_size;
  stack_t now;
  sigaltstack(NULL, &now);
  flags_onstack = (now.ss_flags & SS_ONSTACK) != 0;
}

static sigjmp_buf escape;
static void on_segv(int sig) {
  char local;
  int alt = &local >= alt_base && &local < alt_base + alt_size;
  siglongjmp(escape, alt ? sig : -1);
}

static int depth;
static int recurse(volatile char *prev) {
  volatile char frame[1024];
  frame[0] = prev != NULL ? prev[0] + 1 : 0;
  if (++depth > (1 << 30)) return 0; /* never: the stack runs out long before */
  return recurse(frame) + frame[1];
}

int main(void) {
  alt_size = 64 * 1024;
  alt_base = malloc(alt_size);
  stack_t ss = {.ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 0};
  CHECK(sigaltstack(&ss, NULL) == 0);
  stack_t cur;
  CHECK(sigaltstack(NULL, &cur) == 0 && cur.ss_sp == alt_base && cur.ss_size == alt_size && cur.ss_flags == 0);
  stack_t tiny = {.ss_sp = alt_base, .ss_size = 16, .ss_flags = 0};
  CHECK(sigaltstack(&tiny, NULL) == -1 && errno == ENOMEM);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = where;
  sa.sa_flags = SA_ONSTACK;
  sigaction(SIGUSR1, &sa, NULL);
  raise(SIGUSR1);
  printf("SA_ONSTACK: on alternate stack %d, SS_ONSTACK %d\n", on_alt, flags_onstack);
  sa.sa_flags = 0;
  sigaction(SIGUSR2, &sa, NULL);
  raise(SIGUSR2);
  printf("no SA_ONSTACK: on alternate stack %d, SS_ONSTACK %d\n", on_alt, flags_onstack);

  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    sa.sa_handler = on_segv;
    sa.sa_flags = SA_ONSTACK | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    int r = sigsetjmp(escape, 1);
    if (r == 0) {
      recurse(NULL);
      _exit(1);
    }
    printf("overflow caught: signal %d on the alternate stack, depth > 100: %d\n", r, depth > 100);
    fflush(stdout);
    _exit(0);
  }
  int st;
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  return check_failures;
}
