/* Faults as signals: writing through NULL, reading an unmapped page (SEGV_MAPERR) and writing a
 * read-only page (SEGV_ACCERR) each raise SIGSEGV with si_addr the faulting address (printed
 * relative to the mapping), and siglongjmp leaves the handler each time with the signal mask
 * restored, so the next fault is caught as well. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "check.h"

static sigjmp_buf env;
static void *volatile fault_addr;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)ctx;
  fault_addr = si->si_addr;
  fault_code = si->si_code;
  siglongjmp(env, 1);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);
  long page = sysconf(_SC_PAGESIZE);
  char *base = mmap(NULL, 4 * (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(base != MAP_FAILED);
  CHECK(munmap(base + 3 * page, (size_t)page) == 0);
  CHECK(mprotect(base + page, (size_t)page, PROT_READ) == 0);
  CHECK(mprotect(base + 2 * page, (size_t)page, PROT_NONE) == 0);

  if (sigsetjmp(env, 1) == 0) {
    *(volatile int *)NULL = 1;
  } else {
    printf("NULL write: addr %p code %d (SEGV_MAPERR %d)\n", fault_addr, fault_code, SEGV_MAPERR);
  }
  if (sigsetjmp(env, 1) == 0) {
    (void)*(volatile char *)(base + 3 * page + 100);
  } else {
    printf("unmapped read: base+%ld code %d (SEGV_MAPERR %d)\n", (long)((char *)fault_addr - base), fault_code, SEGV_MAPERR);
  }
  if (sigsetjmp(env, 1) == 0) {
    base[page + 8] = 1;
  } else {
    printf("read-only write: base+%ld code %d (SEGV_ACCERR %d)\n", (long)((char *)fault_addr - base), fault_code, SEGV_ACCERR);
  }
  CHECK(base[page + 8] == 0);
  if (sigsetjmp(env, 1) == 0) {
    (void)*(volatile char *)(base + 2 * page + 5);
  } else {
    printf("PROT_NONE read: base+%ld code %d (SEGV_ACCERR %d)\n", (long)((char *)fault_addr - base), fault_code, SEGV_ACCERR);
  }
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  CHECK(!sigismember(&now, SIGSEGV));
  CHECK(mprotect(base + page, (size_t)page, PROT_READ | PROT_WRITE) == 0);
  base[page + 8] = 7;
  CHECK(base[page + 8] == 7);
  return check_failures;
}
