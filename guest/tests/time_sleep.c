/* Clocks and sleeping, printing only relations: CLOCK_MONOTONIC never goes backwards over many
 * reads, nanosleep and clock_nanosleep (relative and absolute) sleep at least as long as asked,
 * the clock resolutions are at most 1 ms, CLOCK_REALTIME is after 2020, process and thread CPU
 * clocks work, and invalid arguments give EINVAL. */
#define _GNU_SOURCE
#include <time.h>
#include "check.h"

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

static long long now(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return ns(t);
}

int main(void) {
  long long prev = now(CLOCK_MONOTONIC);
  int backwards = 0;
  for (int i = 0; i < 1000; i++) {
    long long t = now(CLOCK_MONOTONIC);
    backwards += t < prev;
    prev = t;
  }
  CHECK(backwards == 0);
  struct timespec res;
  CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && ns(res) > 0 && ns(res) <= 1000000);
  CHECK(clock_getres(CLOCK_REALTIME, &res) == 0 && ns(res) > 0 && ns(res) <= 1000000);
  CHECK(now(CLOCK_REALTIME) / 1000000000LL > 1577836800LL);

  long long t0 = now(CLOCK_MONOTONIC);
  struct timespec req = {0, 20 * 1000 * 1000}, rem = {9, 9};
  CHECK(nanosleep(&req, &rem) == 0);
  CHECK(now(CLOCK_MONOTONIC) - t0 >= 20 * 1000 * 1000);

  t0 = now(CLOCK_MONOTONIC);
  CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL) == 0);
  CHECK(now(CLOCK_MONOTONIC) - t0 >= 20 * 1000 * 1000);

  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_nsec += 15 * 1000 * 1000;
  if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
  CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == 0);
  CHECK(now(CLOCK_MONOTONIC) >= ns(until));

  long long c0 = now(CLOCK_PROCESS_CPUTIME_ID), th0 = now(CLOCK_THREAD_CPUTIME_ID);
  volatile double x = 0;
  for (int i = 0; i < 200000; i++) x += i * 0.5;
  CHECK(now(CLOCK_PROCESS_CPUTIME_ID) >= c0 && now(CLOCK_THREAD_CPUTIME_ID) >= th0);

  struct timespec bad = {0, 1000000000L};
  CHECK(nanosleep(&bad, NULL) == -1 && errno == EINVAL);
  bad.tv_sec = -1;
  bad.tv_nsec = 0;
  CHECK(nanosleep(&bad, NULL) == -1 && errno == EINVAL);
  struct timespec t;
  CHECK(clock_gettime((clockid_t)12345, &t) == -1 && errno == EINVAL);
  return check_failures;
}
