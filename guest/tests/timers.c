/* Interval timers and POSIX timers: alarm and setitimer(ITIMER_REAL) deliver SIGALRM once or
 * periodically and show their time left; ITIMER_VIRTUAL counts CPU time; a fork child has no timers;
 * timer_create/timer_settime deliver SI_TIMER signals with the value and timer id, count overruns
 * while the signal waits blocked, honour TIMER_ABSTIME on the realtime clock, show time left with
 * timer_gettime (also for SIGEV_NONE) and refuse bad arguments with EINVAL. Prints only relations. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

static volatile sig_atomic_t alarms, vtalarms;
static void on_alarm(int sig) { (void)sig; alarms++; }
static void on_vtalarm(int sig) { (void)sig; vtalarms++; }

static long long mono_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void) {
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  sa.sa_handler = on_vtalarm;
  sigaction(SIGVTALRM, &sa, NULL);

  /* alarm: the old alarm's seconds come back; one SIGALRM arrives. */
  CHECK(alarm(5) == 0);
  CHECK(alarm(1) == 5);
  pause();
  CHECK(alarms == 1);

  /* A periodic ITIMER_REAL, then disarmed. */
  struct itimerval every = {{0, 20000}, {0, 20000}}, off = {{0, 0}, {0, 0}}, cur;
  CHECK(setitimer(ITIMER_REAL, &every, NULL) == 0);
  while (alarms < 4) pause();
  CHECK(setitimer(ITIMER_REAL, &off, &cur) == 0);
  CHECK(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_usec == 20000);
  CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= 20000);
  CHECK(getitimer(ITIMER_REAL, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);

  struct itimerval ten = {{0, 0}, {10, 0}};
  CHECK(setitimer(ITIMER_REAL, &ten, NULL) == 0);
  CHECK(getitimer(ITIMER_REAL, &cur) == 0 && cur.it_value.tv_sec >= 8 && cur.it_value.tv_sec <= 10);
  pid_t child = fork();
  if (child == 0) {
    struct itimerval c;
    getitimer(ITIMER_REAL, &c);
    _exit(c.it_value.tv_sec == 0 && c.it_value.tv_usec == 0 ? 0 : 1);
  }
  int st;
  CHECK(waitpid(child, &st, 0) == child && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  CHECK(setitimer(ITIMER_REAL, &off, NULL) == 0);

  errno = 0;
  CHECK(setitimer(7, &off, NULL) == -1 && errno == EINVAL);
  struct itimerval bad = {{0, 0}, {0, 1000000}};
  errno = 0;
  CHECK(setitimer(ITIMER_REAL, &bad, NULL) == -1 && errno == EINVAL);

  /* ITIMER_VIRTUAL runs down with CPU time: a busy loop gets its SIGVTALRM. */
  struct itimerval cpu = {{0, 0}, {0, 30000}};
  CHECK(setitimer(ITIMER_VIRTUAL, &cpu, NULL) == 0);
  long long start = mono_ns();
  volatile unsigned long spin = 0;
  while (vtalarms == 0 && mono_ns() - start < 20000000000LL) spin++;
  CHECK(vtalarms == 1);

  /* A POSIX timer: SI_TIMER, the value and the id come with the signal. */
  sigset_t rt;
  sigemptyset(&rt);
  sigaddset(&rt, SIGRTMIN);
  sigaddset(&rt, SIGALRM);
  sigprocmask(SIG_BLOCK, &rt, NULL);
  struct sigevent ev = {0};
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = SIGRTMIN;
  ev.sigev_value.sival_int = 77;
  timer_t tm;
  CHECK(timer_create(CLOCK_MONOTONIC, &ev, &tm) == 0);
  struct itimerspec once = {{0, 0}, {0, 20 * 1000 * 1000}};
  CHECK(timer_settime(tm, 0, &once, NULL) == 0);
  siginfo_t info;
  CHECK(sigwaitinfo(&rt, &info) == SIGRTMIN && info.si_code == SI_TIMER);
  CHECK(info.si_value.sival_int == 77 && info.si_overrun == 0);
  /* (Not compared with tm itself: qemu-user hands out timer_t values of its own.) */
  CHECK(info.si_timerid >= 0);
  struct itimerspec now;
  CHECK(timer_gettime(tm, &now) == 0 && now.it_value.tv_sec == 0 && now.it_value.tv_nsec == 0);

  /* Periodic while the signal waits blocked: the expirations missed come back as overruns. */
  struct itimerspec tick = {{0, 10 * 1000 * 1000}, {0, 10 * 1000 * 1000}};
  CHECK(timer_settime(tm, 0, &tick, NULL) == 0);
  struct timespec nap = {0, 105 * 1000 * 1000};
  nanosleep(&nap, NULL);
  CHECK(sigwaitinfo(&rt, &info) == SIGRTMIN && info.si_overrun >= 5);
  CHECK(timer_getoverrun(tm) == info.si_overrun);
  CHECK(timer_gettime(tm, &now) == 0 && now.it_interval.tv_nsec == 10 * 1000 * 1000);
  CHECK(now.it_value.tv_sec == 0 && now.it_value.tv_nsec > 0 && now.it_value.tv_nsec <= 10 * 1000 * 1000);
  CHECK(timer_delete(tm) == 0);
  errno = 0;
  CHECK(timer_gettime(tm, &now) == -1 && errno == EINVAL);

  /* No sigevent: SIGALRM (qemu-user and Linux differ in the value it carries, so it is not
   * printed); TIMER_ABSTIME on CLOCK_REALTIME. */
  timer_t plain;
  CHECK(timer_create(CLOCK_REALTIME, NULL, &plain) == 0);
  struct timespec wall;
  clock_gettime(CLOCK_REALTIME, &wall);
  wall.tv_nsec += 30 * 1000 * 1000;
  if (wall.tv_nsec >= 1000000000) wall.tv_sec++, wall.tv_nsec -= 1000000000;
  struct itimerspec at = {{0, 0}, wall};
  CHECK(timer_settime(plain, TIMER_ABSTIME, &at, NULL) == 0);
  CHECK(sigwaitinfo(&rt, &info) == SIGALRM && info.si_code == SI_TIMER);
  CHECK(timer_delete(plain) == 0);

  /* SIGEV_NONE: no signal, but the time left is there. */
  struct sigevent none = {0};
  none.sigev_notify = SIGEV_NONE;
  timer_t quiet;
  CHECK(timer_create(CLOCK_MONOTONIC, &none, &quiet) == 0);
  struct itimerspec five = {{0, 0}, {5, 0}};
  CHECK(timer_settime(quiet, 0, &five, NULL) == 0);
  CHECK(timer_gettime(quiet, &now) == 0 && now.it_value.tv_sec >= 3 && now.it_value.tv_sec <= 5);
  CHECK(timer_delete(quiet) == 0);

  errno = 0;
  CHECK(timer_create(12345, NULL, &quiet) == -1 && errno == EINVAL);
  struct sigevent wrong = {0};
  wrong.sigev_notify = SIGEV_SIGNAL;
  wrong.sigev_signo = 0;
  errno = 0;
  CHECK(timer_create(CLOCK_MONOTONIC, &wrong, &quiet) == -1 && errno == EINVAL);
  return check_failures;
}
