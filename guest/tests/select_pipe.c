/* select and pselect on pipes: the sets come back holding only the ready descriptors and the
 * count counts each set; a closed descriptor in a set is EBADF and leaves the sets alone; a
 * negative count is EINVAL; a hung-up read end is readable, a write end without readers is ready
 * in both sets; a child writing later wakes a blocked select; select writes the time left back
 * into its timeval. Only relations that Linux fixes are printed, never times. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static int max2(int a, int b) { return a > b ? a : b; }

int main(void) {
  int p[2];
  CHECK(pipe(p) == 0);
  int n = max2(p[0], p[1]) + 1;
  fd_set r, w, e;
  struct timeval tv = {0, 0};

  FD_ZERO(&r); FD_ZERO(&w); FD_ZERO(&e);
  FD_SET(p[0], &r); FD_SET(p[0], &e);
  CHECK(select(n, &r, &w, &e, &tv) == 0);
  CHECK(!FD_ISSET(p[0], &r) && !FD_ISSET(p[0], &e));
  CHECK(tv.tv_sec == 0 && tv.tv_usec == 0);

  FD_ZERO(&r); FD_ZERO(&w);
  FD_SET(p[0], &r); FD_SET(p[1], &w);
  CHECK(select(n, &r, &w, NULL, NULL) == 1);
  CHECK(!FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w));

  CHECK(write(p[1], "ab", 2) == 2);
  FD_ZERO(&r); FD_ZERO(&w); FD_ZERO(&e);
  FD_SET(p[0], &r); FD_SET(p[1], &w); FD_SET(p[0], &w); FD_SET(p[0], &e); FD_SET(p[1], &e);
  tv.tv_sec = 5;
  tv.tv_usec = 0;
  CHECK(select(n, &r, &w, &e, &tv) == 2);
  CHECK(FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w) && !FD_ISSET(p[0], &w));
  CHECK(!FD_ISSET(p[0], &e) && !FD_ISSET(p[1], &e));
  CHECK(tv.tv_sec <= 5 && (tv.tv_sec > 0 || tv.tv_usec > 0));

  /* Timing out: the time left comes back as zero. */
  char buf[4];
  CHECK(read(p[0], buf, sizeof buf) == 2);
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  tv.tv_sec = 0;
  tv.tv_usec = 30000;
  CHECK(select(n, &r, NULL, NULL, &tv) == 0 && !FD_ISSET(p[0], &r));
  CHECK(tv.tv_sec == 0 && tv.tv_usec == 0);

  /* No descriptors at all: a sleep. */
  tv.tv_sec = 0;
  tv.tv_usec = 20000;
  CHECK(select(0, NULL, NULL, NULL, &tv) == 0 && tv.tv_sec == 0 && tv.tv_usec == 0);

  /* A closed descriptor: EBADF, and the sets are not rewritten. */
  int closed = dup(p[0]);
  close(closed);
  FD_ZERO(&r);
  FD_SET(p[0], &r); FD_SET(closed, &r);
  CHECK(select(max2(n, closed + 1), &r, NULL, NULL, NULL) == -1 && errno == EBADF);
  CHECK(FD_ISSET(p[0], &r) && FD_ISSET(closed, &r));
  CHECK(syscall(SYS_pselect6, -1, NULL, NULL, NULL, NULL, NULL) == -1 && errno == EINVAL);
  CHECK(select(n, (fd_set *)8, NULL, NULL, NULL) == -1 && errno == EFAULT);

  /* A child writes later: the blocked select wakes; then its exit hangs the pipe up. */
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    usleep(50000);
    write(p[1], "c", 1);
    _exit(0);
  }
  close(p[1]);
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  CHECK(select(n, &r, NULL, NULL, NULL) == 1 && FD_ISSET(p[0], &r));
  CHECK(read(p[0], buf, 1) == 1 && buf[0] == 'c');
  tv.tv_sec = 10;
  tv.tv_usec = 0;
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  CHECK(select(n, &r, NULL, NULL, &tv) == 1 && FD_ISSET(p[0], &r));
  CHECK(read(p[0], buf, 1) == 0);
  waitpid(pid, NULL, 0);
  close(p[0]);

  /* A write end with no reader: POLLERR, ready for reading and for writing alike. */
  CHECK(pipe(p) == 0);
  close(p[0]);
  FD_ZERO(&r); FD_ZERO(&w);
  FD_SET(p[1], &r); FD_SET(p[1], &w);
  CHECK(select(p[1] + 1, &r, &w, NULL, NULL) == 2 && FD_ISSET(p[1], &r) && FD_ISSET(p[1], &w));
  close(p[1]);

  /* pselect: a zero timeout, and a sigmask. */
  CHECK(pipe(p) == 0);
  sigset_t mask;
  sigemptyset(&mask);
  struct timespec ts = {0, 0};
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  CHECK(pselect(p[0] + 1, &r, NULL, NULL, &ts, &mask) == 0 && !FD_ISSET(p[0], &r));
  write(p[1], "p", 1);
  FD_SET(p[0], &r);
  ts.tv_sec = 1;
  CHECK(pselect(p[0] + 1, &r, NULL, NULL, &ts, &mask) == 1 && FD_ISSET(p[0], &r));
  CHECK(ts.tv_sec == 1 && ts.tv_nsec == 0);
  close(p[0]);
  close(p[1]);
  return check_failures;
}
