/* A pty slave as a controlling terminal: a child that makes its own session and opens the slave
 * without O_NOCTTY gets it (tcgetpgrp is its own, /dev/tty opens it; TIOCGSID on the master says
 * its session: qemu-riscv64 gets TIOCGSID on the slave wrong), TIOCSCTTY on it again is accepted,
 * another session cannot take it (EPERM), a process outside the session gets ENOTTY from
 * tcgetpgrp and may not set it. A new window size set on the master (TIOCSWINSZ) sends SIGWINCH
 * to the foreground group and is what the slave reads; setting the same size again sends none.
 * ^C written to the master is SIGINT for the foreground group, echoed as ^C. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "check.h"

static volatile sig_atomic_t winches, ints;

static void on_winch(int sig) {
  (void) sig;
  winches++;
}

static void on_int(int sig) {
  (void) sig;
  ints++;
}

/* One result line from the child, sent through the pipe and printed by the parent. */
static void report(int fd, const char *what, int ok) {
  char line[128];
  snprintf(line, sizeof line, "child: %-45s %s\n", what, ok ? "ok" : "FAILED");
  write(fd, line, strlen(line));
}

#define REPORT(fd, cond) report(fd, #cond, (cond))

static int readn(int fd, char *buf, int n) {
  int got = 0;
  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r <= 0) {
      break;
    }
    got += r;
  }
  buf[got] = 0;
  return got;
}

int main(void) {
  alarm(20);
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  CHECK(m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0);
  char path[64];
  snprintf(path, sizeof path, "%s", ptsname(m));
  struct winsize ws;
  CHECK(ioctl(m, TIOCGWINSZ, &ws) == 0 && ws.ws_row == 0 && ws.ws_col == 0);
  int up[2], down[2];
  pipe(up);
  pipe(down);
  pid_t pid = fork();
  if (pid == 0) {
    close(up[0]);
    close(down[1]);
    int out = up[1];
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGWINCH);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &old);
    signal(SIGWINCH, on_winch);
    signal(SIGINT, on_int);
    pid_t parent_group = getpgrp();
    REPORT(out, setsid() == getpid());
    int s = open(path, O_RDWR);
    REPORT(out, s >= 0);
    REPORT(out, tcgetpgrp(s) == getpid());
    int tty = open("/dev/tty", O_RDWR);
    REPORT(out, tty >= 0 && tcgetpgrp(tty) == getpid());
    close(tty);
    REPORT(out, ioctl(s, TIOCSCTTY, 0) == 0);
    REPORT(out, tcsetpgrp(s, getpid()) == 0);
    errno = 0;
    REPORT(out, tcsetpgrp(s, parent_group) == -1 && errno == EPERM);
    /* Ready: the parent resizes. */
    char go;
    write(out, "READY\n", 6);
    read(down[0], &go, 1);
    while (winches == 0) {
      sigsuspend(&old);
    }
    REPORT(out, ioctl(s, TIOCGWINSZ, &ws) == 0 && ws.ws_row == 30 && ws.ws_col == 100);
    write(out, "READY\n", 6);
    read(down[0], &go, 1); /* the same size again, then ^C */
    while (ints == 0) {
      sigsuspend(&old);
    }
    REPORT(out, winches == 1 && ints == 1);
    write(out, "DONE\n", 5);
    _exit(0);
  }
  close(up[1]);
  close(down[0]);
  FILE *in = fdopen(up[0], "r");
  char line[160];
  /* The child's lines up to each READY, printed as they come. */
  while (fgets(line, sizeof line, in) && strcmp(line, "READY\n") != 0) {
    fputs(line, stdout);
  }
  fflush(stdout);
  int s = open(path, O_RDWR | O_NOCTTY);
  CHECK(s >= 0);
  errno = 0;
  CHECK(tcgetpgrp(s) == -1 && errno == ENOTTY);
  pid_t g = -1;
  CHECK(ioctl(m, TIOCGPGRP, &g) == 0 && g == pid);
  CHECK(ioctl(m, TIOCGSID, &g) == 0 && g == pid);
  pid_t other = fork();
  if (other == 0) {
    setsid();
    int fd = open(path, O_RDWR | O_NOCTTY);
    int r = ioctl(fd, TIOCSCTTY, 0) == -1 && errno == EPERM;
    _exit(r ? 0 : 1);
  }
  int st;
  CHECK(waitpid(other, &st, 0) == other && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  ws.ws_row = 30;
  ws.ws_col = 100;
  ws.ws_xpixel = ws.ws_ypixel = 0;
  CHECK(ioctl(m, TIOCSWINSZ, &ws) == 0);
  write(down[1], "g", 1);
  while (fgets(line, sizeof line, in) && strcmp(line, "READY\n") != 0) {
    fputs(line, stdout);
  }
  fflush(stdout);
  CHECK(ioctl(s, TIOCGWINSZ, &ws) == 0 && ws.ws_row == 30 && ws.ws_col == 100);
  CHECK(ioctl(m, TIOCSWINSZ, &ws) == 0);
  CHECK(write(m, "\003", 1) == 1);
  write(down[1], "g", 1);
  while (fgets(line, sizeof line, in) && strcmp(line, "DONE\n") != 0) {
    fputs(line, stdout);
  }
  fflush(stdout);
  char echo[8];
  CHECK(readn(m, echo, 2) == 2 && strcmp(echo, "^C") == 0);
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  close(s);
  close(m);
  return check_failures;
}
