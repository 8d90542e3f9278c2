/* waitid with P_PID, P_PGID and P_ALL, WEXITED, WSTOPPED, WCONTINUED, WNOHANG and WNOWAIT, its
 * siginfo and its errors; and CPU time: sleeping costs none, spinning does, and a reaped child's
 * CPU time shows in wait4's rusage, getrusage(RUSAGE_CHILDREN) and times(). Prints relations. */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

static long long ns_of(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Spins until the process has used ns more CPU time (10 s at most); whether it got there. Counting
 * CPU time rather than elapsed time keeps the checks true on a loaded host. */
static int spin_cpu(long long ns) {
  long long cpu_end = ns_of(CLOCK_PROCESS_CPUTIME_ID) + ns;
  long long give_up = ns_of(CLOCK_MONOTONIC) + 10000000000LL;
  volatile unsigned long n = 0;
  while (ns_of(CLOCK_PROCESS_CPUTIME_ID) < cpu_end) {
    if (ns_of(CLOCK_MONOTONIC) > give_up) return 0;
    n++;
  }
  return 1;
}

static long long tv_ns(struct timeval tv) { return tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL; }

int main(void) {
  siginfo_t info;
  pid_t pid = fork();
  if (pid == 0) _exit(7);
  memset(&info, 0x55, sizeof info);
  CHECK(waitid(P_PID, pid, &info, WEXITED | WNOWAIT) == 0);
  CHECK(info.si_signo == SIGCHLD && info.si_code == CLD_EXITED && info.si_status == 7 && info.si_pid == pid);
  CHECK(waitid(P_ALL, 0, &info, WEXITED) == 0 && info.si_pid == pid && info.si_status == 7);
  errno = 0;
  CHECK(waitid(P_PID, pid, &info, WEXITED) == -1 && errno == ECHILD);

  pid = fork();
  if (pid == 0) {
    pause();
    _exit(0);
  }
  memset(&info, 0x55, sizeof info);
  CHECK(waitid(P_PID, pid, &info, WEXITED | WNOHANG) == 0 && info.si_pid == 0);
  kill(pid, SIGSTOP);
  CHECK(waitid(P_PGID, 0, &info, WSTOPPED) == 0 && info.si_code == CLD_STOPPED);
  CHECK(info.si_status == SIGSTOP && info.si_pid == pid);
  kill(pid, SIGCONT);
  CHECK(waitid(P_PID, pid, &info, WCONTINUED) == 0 && info.si_code == CLD_CONTINUED);
  CHECK(info.si_status == SIGCONT);
  kill(pid, SIGTERM);
  CHECK(waitid(P_PID, pid, &info, WEXITED) == 0 && info.si_code == CLD_KILLED);
  CHECK(info.si_status == SIGTERM);

  errno = 0;
  CHECK(waitid(P_ALL, 0, &info, WNOHANG) == -1 && errno == EINVAL);
  errno = 0;
  CHECK(waitid(P_PID, 0, &info, WEXITED) == -1 && errno == EINVAL);
  errno = 0;
  CHECK(waitid(P_ALL, 0, &info, WEXITED) == -1 && errno == ECHILD);

  /* Sleeping uses no CPU time; spinning does. */
  long long cpu0 = ns_of(CLOCK_PROCESS_CPUTIME_ID), mono0 = ns_of(CLOCK_MONOTONIC);
  struct timespec nap = {0, 200 * 1000 * 1000};
  nanosleep(&nap, NULL);
  CHECK(ns_of(CLOCK_MONOTONIC) - mono0 >= 200000000LL);
  CHECK(ns_of(CLOCK_PROCESS_CPUTIME_ID) - cpu0 < 100000000LL);
  CHECK(spin_cpu(30 * 1000 * 1000));
  CHECK(ns_of(CLOCK_THREAD_CPUTIME_ID) <= ns_of(CLOCK_PROCESS_CPUTIME_ID));

  /* A busy child's CPU time reaches its parent when it is waited for. */
  struct rusage before, ru;
  CHECK(getrusage(RUSAGE_CHILDREN, &before) == 0);
  pid = fork();
  if (pid == 0) {
    _exit(spin_cpu(50 * 1000 * 1000) ? 0 : 1);
  }
  int st;
  CHECK(wait4(pid, &st, 0, &ru) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  CHECK(tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime) >= 40000000LL);
  CHECK(getrusage(RUSAGE_CHILDREN, &ru) == 0);
  CHECK(tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime) - tv_ns(before.ru_utime) - tv_ns(before.ru_stime) >= 40000000LL);
  struct tms tm;
  CHECK(times(&tm) != (clock_t)-1 && tm.tms_cutime + tm.tms_cstime >= 3);
  return check_failures;
}
