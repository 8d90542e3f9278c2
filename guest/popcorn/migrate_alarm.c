/*
 * A periodic ITIMER_REAL keeps firing for a task away from home: the timer lives at home, each
 * SIGALRM travels to the task, and the timer learns it was taken so that it fires again. Prints
 * one verdict line; exit 0 when five alarms arrived.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#define NR_POPCORN_MIGRATE 1001

static volatile sig_atomic_t alarms;

static void on_alarm(int sig) {
  (void)sig;
  alarms++;
}

int main(void) {
  signal(SIGALRM, on_alarm);
  if (syscall(NR_POPCORN_MIGRATE, 1, 0, 0) != 0) {
    perror("popcorn_migrate");
    return 1;
  }
  struct itimerval every = {{0, 10000}, {0, 10000}};
  setitimer(ITIMER_REAL, &every, NULL);
  while (alarms < 5) pause();
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  printf("alarms away from home %s\n", alarms == 5 ? "ok" : "wrong");
  return alarms == 5 ? 0 : 1;
}
