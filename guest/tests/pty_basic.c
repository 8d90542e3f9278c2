/* Pseudo-terminals: posix_openpt, grantpt, unlockpt and ptsname; the slave is locked until
 * unlocked (for open and TIOCGPTPEER), is 136:N with N what TIOCGPTN says; bytes go both ways
 * through the line discipline (canonical lines, echo back to the master, erase, ONLCR on output,
 * raw mode without echo or output processing); termios set on the slave is what the master reads;
 * poll, epoll, select, FIONREAD and non-blocking I/O on both sides (a full slave says EAGAIN, and
 * is writable again once the master reads); closing the slave makes the master read EIO and poll
 * POLLHUP, closing the master removes /dev/pts/N. Nothing host-dependent (the pts number) is
 * printed. Linux moves pty bytes asynchronously, so counts are read after a short sleep, and
 * whether a full slave polls unwritable is left to the unit tests, as is TIOCGPTLCK (qemu-riscv64
 * does not pass it on). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>
#include "check.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* Reads exactly n bytes (blocking), or fewer if read fails. */
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

static int readable(int fd, int ms) {
  struct pollfd p = {.fd = fd, .events = POLLIN};
  return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static int inq(int fd) {
  int n = -1;
  usleep(200000);
  ioctl(fd, FIONREAD, &n);
  return n;
}

int main(void) {
  alarm(20);
  char buf[256];
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  CHECK(m >= 0);
  CHECK(grantpt(m) == 0);
  char *name = ptsname(m);
  CHECK(name != NULL && strncmp(name, "/dev/pts/", 9) == 0);
  char path[64];
  snprintf(path, sizeof path, "%s", name);
  unsigned n = 9999;
  CHECK(ioctl(m, TIOCGPTN, &n) == 0 && n == (unsigned) atoi(path + 9));
  errno = 0;
  CHECK(open(path, O_RDWR | O_NOCTTY) == -1 && errno == EIO);
  errno = 0;
  CHECK(ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY) == -1 && errno == EIO);
  CHECK(unlockpt(m) == 0);
  struct stat st;
  CHECK(stat(path, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 136);
  CHECK(minor(st.st_rdev) == n);
  CHECK(fstat(m, &st) == 0 && S_ISCHR(st.st_mode));
  CHECK(major(st.st_rdev) == 5 && minor(st.st_rdev) == 2);
  CHECK(stat("/dev/pts/ptmx", &st) == 0 && major(st.st_rdev) == 5 && minor(st.st_rdev) == 2);
  int s = open(path, O_RDWR | O_NOCTTY);
  CHECK(s >= 0);
  CHECK(isatty(m) && isatty(s));
  CHECK(ttyname(s) != NULL && strcmp(ttyname(s), path) == 0);
  CHECK(ioctl(s, TIOCGPTN, &n) == -1 && errno == ENOTTY);
  int peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  CHECK(peer >= 0 && ttyname(peer) != NULL && strcmp(ttyname(peer), path) == 0);
  CHECK((fcntl(peer, F_GETFD) & FD_CLOEXEC) && (fcntl(peer, F_GETFL) & O_ACCMODE) == O_RDWR);
  CHECK(close(peer) == 0);

  /* Canonical mode: a line only when it ends, echoed with CR LF; erase rubs out. */
  CHECK(write(m, "ab", 2) == 2);
  CHECK(!readable(s, 100));
  CHECK(write(m, "c\n", 2) == 2);
  CHECK(readable(s, 2000));
  CHECK(read(s, buf, sizeof buf) == 4 && memcmp(buf, "abc\n", 4) == 0);
  CHECK(readn(m, buf, 5) == 5 && strcmp(buf, "abc\r\n") == 0);
  CHECK(write(m, "xy\177z\n", 5) == 5);
  CHECK(readn(s, buf, 3) == 3 && strcmp(buf, "xz\n") == 0);
  CHECK(readn(m, buf, 8) == 8 && strcmp(buf, "xy\b \bz\r\n") == 0);
  CHECK(write(m, "one\ntwo\n", 8) == 8);
  CHECK(inq(s) == 8);
  CHECK(read(s, buf, sizeof buf) == 4 && memcmp(buf, "one\n", 4) == 0);
  CHECK(read(s, buf, 2) == 2 && memcmp(buf, "tw", 2) == 0);
  CHECK(read(s, buf, sizeof buf) == 2 && memcmp(buf, "o\n", 2) == 0);
  CHECK(readn(m, buf, 10) == 10 && strcmp(buf, "one\r\ntwo\r\n") == 0);

  /* Output processing: the slave's newline reaches the master as CR LF. */
  CHECK(write(s, "out\nput\n", 8) == 8);
  CHECK(readable(m, 2000));
  CHECK(inq(m) == 10);
  CHECK(readn(m, buf, 10) == 10 && strcmp(buf, "out\r\nput\r\n") == 0);

  /* epoll on the master, select on the slave. */
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN};
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, m, &ev) == 0);
  CHECK(epoll_wait(ep, &ev, 1, 0) == 0);
  CHECK(write(s, "e\n", 2) == 2);
  CHECK(epoll_wait(ep, &ev, 1, 2000) == 1 && (ev.events & EPOLLIN));
  CHECK(readn(m, buf, 3) == 3 && strcmp(buf, "e\r\n") == 0);
  close(ep);
  fd_set rd;
  FD_ZERO(&rd);
  FD_SET(s, &rd);
  struct timeval tv = {2, 0};
  CHECK(write(m, "sel\n", 4) == 4);
  CHECK(select(s + 1, &rd, NULL, NULL, &tv) == 1 && FD_ISSET(s, &rd));
  CHECK(read(s, buf, sizeof buf) == 4 && memcmp(buf, "sel\n", 4) == 0);
  CHECK(readn(m, buf, 5) == 5 && strcmp(buf, "sel\r\n") == 0);

  /* Termios set on the slave is the master's too. */
  struct termios t;
  CHECK(tcgetattr(m, &t) == 0 && (t.c_lflag & ICANON) && (t.c_oflag & ONLCR));
  CHECK(tcgetattr(s, &t) == 0);
  cfmakeraw(&t);
  CHECK(tcsetattr(s, TCSANOW, &t) == 0);
  CHECK(tcgetattr(m, &t) == 0 && !(t.c_lflag & (ICANON | ECHO)) && !(t.c_oflag & OPOST));

  /* Raw mode: bytes as they come, no echo, no CR LF. */
  CHECK(write(m, "q\r", 2) == 2);
  CHECK(readn(s, buf, 2) == 2 && strcmp(buf, "q\r") == 0);
  CHECK(inq(m) == 0);
  CHECK(write(s, "a\nb", 3) == 3);
  CHECK(readn(m, buf, 3) == 3 && strcmp(buf, "a\nb") == 0);

  /* Non-blocking: nothing to read; a slave that nobody reads fills up, then has room again. */
  fcntl(m, F_SETFL, O_NONBLOCK);
  fcntl(s, F_SETFL, O_NONBLOCK);
  errno = 0;
  CHECK(read(m, buf, sizeof buf) == -1 && errno == EAGAIN);
  CHECK(read(s, buf, sizeof buf) == -1 && errno == EAGAIN);
  static char big[4096];
  memset(big, 'z', sizeof big);
  long total = 0;
  ssize_t w;
  for (int i = 0; i < 1000 && (w = write(s, big, sizeof big)) > 0; i++) {
    total += w;
  }
  CHECK(w == -1 && errno == EAGAIN && total > 0);
  struct pollfd p = {.fd = s, .events = POLLOUT};
  long drained = 0;
  for (int i = 0; i < 100000 && drained < total; i++) {
    ssize_t r = read(m, big, sizeof big);
    if (r > 0) {
      drained += r;
    } else {
      usleep(1000);
    }
  }
  CHECK(drained == total);
  CHECK(poll(&p, 1, 2000) == 1 && (p.revents & POLLOUT));
  fcntl(m, F_SETFL, 0);

  /* The slave's last close: the master reads what is left, then EIO, and polls POLLHUP. */
  CHECK(write(s, "bye", 3) == 3);
  CHECK(readable(m, 2000));
  usleep(200000);
  CHECK(close(s) == 0);
  CHECK(readn(m, buf, 3) == 3 && strcmp(buf, "bye") == 0);
  errno = 0;
  CHECK(read(m, buf, sizeof buf) == -1 && errno == EIO);
  p.fd = m;
  p.events = POLLIN;
  CHECK(poll(&p, 1, 0) == 1 && (p.revents & POLLHUP));

  /* The master's close removes the slave's name. */
  CHECK(close(m) == 0);
  errno = 0;
  CHECK(stat(path, &st) == -1 && errno == ENOENT);
  return check_failures;
}
