/* Scheduling queries and queued signals to threads: the priority range of each policy,
 * sched_rr_get_interval's slice, sched_getscheduler and sched_getparam for this and a missing
 * process; pthread_sigqueue (rt_tgsigqueueinfo) queues a value to one thread, and a forged
 * SI_USER code for another process is refused. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

int main(void) {
  CHECK(sched_get_priority_max(SCHED_FIFO) == 99 && sched_get_priority_min(SCHED_FIFO) == 1);
  CHECK(sched_get_priority_max(SCHED_RR) == 99 && sched_get_priority_min(SCHED_RR) == 1);
  CHECK(sched_get_priority_max(SCHED_OTHER) == 0 && sched_get_priority_min(SCHED_BATCH) == 0);
  errno = 0;
  CHECK(sched_get_priority_max(42) == -1 && errno == EINVAL);
  struct timespec slice;
  /* A SCHED_OTHER slice shorter than a tick reads as 0, as Linux reports it since 6.6. */
  CHECK(sched_rr_get_interval(0, &slice) == 0 && slice.tv_sec == 0 && slice.tv_nsec == 0);
  CHECK(sched_getscheduler(0) == SCHED_OTHER);
  struct sched_param sp = {.sched_priority = 5};
  CHECK(sched_getparam(0, &sp) == 0 && sp.sched_priority == 0);
  errno = 0;
  CHECK(sched_getscheduler(999999) == -1 && errno == ESRCH);
  errno = 0;
  CHECK(sched_getscheduler(-1) == -1 && errno == EINVAL);

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGRTMIN);
  sigprocmask(SIG_BLOCK, &set, NULL);
  union sigval v = {.sival_int = 99};
  CHECK(pthread_sigqueue(pthread_self(), SIGRTMIN, v) == 0);
  siginfo_t info;
  CHECK(sigwaitinfo(&set, &info) == SIGRTMIN && info.si_code == SI_QUEUE && info.si_value.sival_int == 99);

  siginfo_t forged;
  memset(&forged, 0, sizeof forged);
  forged.si_signo = SIGRTMIN;
  forged.si_code = SI_USER;
  errno = 0;
  pid_t child = fork();
  if (child == 0) {
    pause();
    _exit(0);
  }
  CHECK(syscall(SYS_rt_sigqueueinfo, child, SIGRTMIN, &forged) == -1 && errno == EPERM);
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
  errno = 0;
  CHECK(syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), 99, &forged) == -1 && errno == EINVAL);
  return check_failures;
}
