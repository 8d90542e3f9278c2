/* futex(2) directly: FUTEX_WAIT on a changed value fails with EAGAIN, a timed wait times out with
 * ETIMEDOUT, FUTEX_WAKE with nobody waiting wakes 0, and a thread blocked in FUTEX_WAIT is woken
 * by FUTEX_WAKE after the value changes (the private variants too). */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

static long futex(uint32_t *addr, int op, uint32_t val, const struct timespec *timeout) {
  return syscall(SYS_futex, addr, op, val, timeout, NULL, 0);
}

static uint32_t word;
static uint32_t ready;

static void *waiter(void *arg) {
  (void)arg;
  __atomic_store_n(&ready, 1, __ATOMIC_SEQ_CST);
  while (__atomic_load_n(&word, __ATOMIC_SEQ_CST) == 0) {
    long r = futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL);
    if (r != 0 && errno != EAGAIN && errno != EINTR) return (void *)1;
  }
  return (void *)(intptr_t)(word == 1 ? 0 : 2);
}

int main(void) {
  uint32_t v = 5;
  CHECK(futex(&v, FUTEX_WAIT, 4, NULL) == -1 && errno == EAGAIN);
  struct timespec ts = {0, 10 * 1000 * 1000};
  CHECK(futex(&v, FUTEX_WAIT, 5, &ts) == -1 && errno == ETIMEDOUT);
  CHECK(futex(&v, FUTEX_WAKE, 1, NULL) == 0);
  CHECK(futex(&v, FUTEX_WAKE_PRIVATE, 10, NULL) == 0);
  CHECK(futex((uint32_t *)((char *)&v + 1), FUTEX_WAIT, 0, NULL) == -1 && errno == EINVAL);

  pthread_t t;
  CHECK(pthread_create(&t, NULL, waiter, NULL) == 0);
  while (!__atomic_load_n(&ready, __ATOMIC_SEQ_CST)) sched_yield();
  for (int i = 0; i < 50; i++) sched_yield(); /* give it time to block; correct either way */
  __atomic_store_n(&word, 1, __ATOMIC_SEQ_CST);
  long woke = futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL);
  CHECK(woke == 0 || woke == 1);
  void *r;
  CHECK(pthread_join(t, &r) == 0 && r == NULL);
  return check_failures;
}
