/*
 * The process's and the thread's CPU clocks go on across migrations, to kernel 1 and back: they
 * never go backwards, and time spent on kernel 1 counts. Prints one verdict line; exit 0 when it
 * holds.
 */
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NR_POPCORN_MIGRATE 1001

static long long ns(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void spin(void) {
  volatile long x = 0;
  for (long i = 0; i < 1000000; i++) x += i;
}

int main(void) {
  spin();
  long long p0 = ns(CLOCK_PROCESS_CPUTIME_ID), t0 = ns(CLOCK_THREAD_CPUTIME_ID);
  if (syscall(NR_POPCORN_MIGRATE, 1, 0, 0) != 0) {
    perror("popcorn_migrate");
    return 1;
  }
  long long p1 = ns(CLOCK_PROCESS_CPUTIME_ID), t1 = ns(CLOCK_THREAD_CPUTIME_ID);
  spin();
  long long p2 = ns(CLOCK_PROCESS_CPUTIME_ID), t2 = ns(CLOCK_THREAD_CPUTIME_ID);
  syscall(NR_POPCORN_MIGRATE, 0, 0, 0);
  long long p3 = ns(CLOCK_PROCESS_CPUTIME_ID), t3 = ns(CLOCK_THREAD_CPUTIME_ID);
  int ok = p0 <= p1 && p1 < p2 && p2 <= p3 && t0 <= t1 && t1 < t2 && t2 <= t3 &&
           p3 - p0 >= (p2 - p1) && t3 - t0 >= (t2 - t1);
  printf("cpu clocks %s\n", ok ? "ok" : "went backwards or lost time away");
  return ok ? 0 : 1;
}
