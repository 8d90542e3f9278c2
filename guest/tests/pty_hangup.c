/* Closing a pty's master hangs the slave up. A child whose controlling terminal it is gets SIGHUP:
 * with a handler, its blocked read of the slave fails with EIO, later reads return 0 (end of
 * file), writes and ioctls fail with EIO, and poll reports POLLHUP; with the default action it
 * dies of SIGHUP. The session has no controlling terminal left: /dev/tty cannot be opened. A reader blocked on the master is interrupted by a signal (EINTR without
 * SA_RESTART). The slave's name is gone once the master is closed. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "check.h"

static volatile sig_atomic_t hups, conts;

static void on_hup(int sig) {
  (void) sig;
  hups++;
}

static void on_cont(int sig) {
  (void) sig;
  conts++;
}

static void on_alarm(int sig) {
  (void) sig;
}

static void report(int fd, const char *what, int ok) {
  char line[128];
  snprintf(line, sizeof line, "child: %-45s %s\n", what, ok ? "ok" : "FAILED");
  write(fd, line, strlen(line));
}

#define REPORT(fd, cond) report(fd, #cond, (cond))

static int open_pair(char *path, size_t len) {
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0) {
    return -1;
  }
  snprintf(path, len, "%s", ptsname(m));
  return m;
}

/* Forks a child that takes the slave at path as its controlling terminal, says so through the
 * pipe, then reads it until the parent closes the master. */
static pid_t start_child(int m, const char *path, int out, int handle) {
  pid_t pid = fork();
  if (pid != 0) {
    return pid;
  }
  close(m);
  if (handle) {
    struct sigaction sa = {0};
    sa.sa_handler = on_hup;
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_cont;
    sigaction(SIGCONT, &sa, NULL);
  }
  setsid();
  int s = open(path, O_RDWR);
  if (s < 0 || tcgetpgrp(s) != getpid()) {
    _exit(3);
  }
  write(out, "R", 1);
  char buf[16];
  errno = 0;
  ssize_t r = read(s, buf, sizeof buf);
  int e = errno;
  REPORT(out, r == -1 && e == EIO);
  REPORT(out, hups == 1 && conts == 1);
  REPORT(out, read(s, buf, sizeof buf) == 0);
  errno = 0;
  REPORT(out, write(s, "x", 1) == -1 && errno == EIO);
  struct termios t;
  errno = 0;
  REPORT(out, tcgetattr(s, &t) == -1 && errno == EIO);
  struct pollfd p = {.fd = s, .events = POLLIN | POLLOUT};
  REPORT(out, poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR)) == (POLLHUP | POLLERR));
  errno = 0;
  REPORT(out, open("/dev/tty", O_RDWR) == -1 && errno == ENXIO);
  _exit(0);
}

int main(void) {
  alarm(20);
  char path[64];
  int pipefd[2];
  pipe(pipefd);
  char c;
  int st;

  /* A master reader is interrupted by a signal that has a handler without SA_RESTART. */
  int m = open_pair(path, sizeof path);
  CHECK(m >= 0);
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {{0, 0}, {0, 200000}};
  setitimer(ITIMER_REAL, &it, NULL);
  char buf[512];
  errno = 0;
  CHECK(read(m, buf, sizeof buf) == -1 && errno == EINTR);
  alarm(20);

  /* A child with a SIGHUP handler. */
  pid_t pid = start_child(m, path, pipefd[1], 1);
  CHECK(read(pipefd[0], &c, 1) == 1 && c == 'R');
  usleep(300000); /* the child is in its read */
  CHECK(close(m) == 0);
  struct stat sb;
  errno = 0;
  CHECK(stat(path, &sb) == -1 && errno == ENOENT);
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  close(pipefd[1]);
  ssize_t n = read(pipefd[0], buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  fputs(buf, stdout);

  /* A child that takes SIGHUP's default action. */
  pipe(pipefd);
  m = open_pair(path, sizeof path);
  CHECK(m >= 0);
  pid = start_child(m, path, pipefd[1], 0);
  CHECK(read(pipefd[0], &c, 1) == 1 && c == 'R');
  usleep(300000);
  CHECK(close(m) == 0);
  CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGHUP);
  return check_failures;
}
