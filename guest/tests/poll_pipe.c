/* poll and ppoll on pipes and other files: the read end is readable once written and hung up once
 * the writer is gone, the write end writable while there is room and in error once the reader is
 * gone; zero and small timeouts return 0; a child writing or exiting later wakes a blocked poll;
 * negative descriptors are skipped, closed ones give POLLNVAL; bad arguments give EINVAL and
 * EFAULT. Only masks and relations that Linux fixes are printed, never times. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

static int poll1(int fd, short events, int timeout, short *revents) {
  struct pollfd p = {fd, events, 0x7fff};
  int r = poll(&p, 1, timeout);
  *revents = p.revents;
  return r;
}

static void basic_ends(void) {
  int p[2];
  short re;
  CHECK(pipe(p) == 0);
  CHECK(poll1(p[0], POLLIN, 0, &re) == 0 && re == 0);
  CHECK(poll1(p[0], POLLIN | POLLPRI, 30, &re) == 0 && re == 0);
  CHECK(poll1(p[1], POLLOUT, 0, &re) == 1 && re == POLLOUT);
  CHECK(poll1(p[1], POLLOUT | POLLWRNORM | POLLIN, 0, &re) == 1 && re == (POLLOUT | POLLWRNORM));
  CHECK(poll1(p[1], 0, 0, &re) == 0 && re == 0);
  CHECK(write(p[1], "abc", 3) == 3);
  CHECK(poll1(p[0], POLLIN, 0, &re) == 1 && re == POLLIN);
  CHECK(poll1(p[0], POLLIN | POLLRDNORM | POLLOUT, -1, &re) == 1 && re == (POLLIN | POLLRDNORM));

  struct pollfd both[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
  CHECK(poll(both, 2, 0) == 2 && both[0].revents == POLLIN && both[1].revents == POLLOUT);

  close(p[1]);
  CHECK(poll1(p[0], POLLIN, 0, &re) == 1 && re == (POLLIN | POLLHUP));
  char buf[8];
  CHECK(read(p[0], buf, sizeof buf) == 3);
  CHECK(poll1(p[0], POLLIN, 0, &re) == 1 && re == POLLHUP);
  CHECK(poll1(p[0], 0, 0, &re) == 1 && re == POLLHUP);
  close(p[0]);

  CHECK(pipe(p) == 0);
  close(p[0]);
  CHECK(poll1(p[1], POLLOUT, 0, &re) == 1 && re == (POLLOUT | POLLERR));
  CHECK(poll1(p[1], 0, 0, &re) == 1 && re == POLLERR);
  signal(SIGPIPE, SIG_IGN);
  CHECK(write(p[1], "x", 1) == -1 && errno == EPIPE);
  signal(SIGPIPE, SIG_DFL);
  close(p[1]);
}

static void full_pipe(void) {
  int p[2];
  short re;
  CHECK(pipe2(p, O_NONBLOCK) == 0);
  static char page[4096];
  long total = 0;
  while (write(p[1], page, sizeof page) == (ssize_t)sizeof page) {
    total += sizeof page;
  }
  CHECK(errno == EAGAIN && total == 65536);
  CHECK(poll1(p[1], POLLOUT, 0, &re) == 0 && re == 0);
  CHECK(poll1(p[1], POLLOUT, 20, &re) == 0 && re == 0);
  CHECK(read(p[0], page, 100) == 100);
  CHECK(poll1(p[1], POLLOUT, 0, &re) == 0 && re == 0);
  CHECK(read(p[0], page, 3996) == 3996);
  CHECK(poll1(p[1], POLLOUT, 0, &re) == 1 && re == POLLOUT);
  close(p[0]);
  close(p[1]);
}

/* A child that writes (or exits) after a while wakes the parent blocked in poll. */
static void woken_by_child(void) {
  int p[2];
  short re;
  CHECK(pipe(p) == 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    usleep(50000);
    write(p[1], "w", 1);
    usleep(50000);
    _exit(0);
  }
  close(p[1]);
  CHECK(poll1(p[0], POLLIN, -1, &re) == 1 && re == POLLIN);
  char c;
  CHECK(read(p[0], &c, 1) == 1 && c == 'w');
  CHECK(poll1(p[0], POLLIN, 10000, &re) == 1 && re == POLLHUP);
  int st;
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st));
  close(p[0]);

  /* Several pipes: only the one written is reported. */
  int a[2], b[2];
  CHECK(pipe(a) == 0 && pipe(b) == 0);
  pid = fork();
  if (pid == 0) {
    usleep(30000);
    write(b[1], "b", 1);
    _exit(0);
  }
  struct pollfd fds[3] = {{a[0], POLLIN, 0}, {-1, POLLIN, 0x7fff}, {b[0], POLLIN, 0}};
  CHECK(poll(fds, 3, 10000) == 1);
  CHECK(fds[0].revents == 0 && fds[1].revents == 0 && fds[2].revents == POLLIN);
  waitpid(pid, NULL, 0);
  close(a[0]), close(a[1]), close(b[0]), close(b[1]);
}

static void bad_descriptors(void) {
  int p[2];
  CHECK(pipe(p) == 0);
  int closed = dup(p[0]);
  close(closed);
  struct pollfd fds[3] = {{-5, POLLIN, 0x7fff}, {closed, POLLIN, 0}, {p[1], POLLOUT, 0}};
  CHECK(poll(fds, 3, 0) == 2);
  CHECK(fds[0].revents == 0 && fds[1].revents == POLLNVAL && fds[2].revents == POLLOUT);
  fds[1].events = 0;
  CHECK(poll(fds, 2, 0) == 1 && fds[1].revents == POLLNVAL);

  struct pollfd *unmapped = (struct pollfd *)8;
  __asm__("" : "+r"(unmapped)); /* hide the constant from the compiler's bounds check */
  CHECK(poll(unmapped, 1, 0) == -1 && errno == EFAULT);
  CHECK(poll(NULL, 0, 0) == 0);

  struct rlimit old, low;
  CHECK(getrlimit(RLIMIT_NOFILE, &old) == 0);
  low = old;
  low.rlim_cur = 16;
  CHECK(setrlimit(RLIMIT_NOFILE, &low) == 0);
  struct pollfd many[17];
  for (int i = 0; i < 17; i++) {
    many[i].fd = -1;
    many[i].events = POLLIN;
  }
  CHECK(poll(many, 16, 0) == 0);
  CHECK(poll(many, 17, 0) == -1 && errno == EINVAL);
  CHECK(setrlimit(RLIMIT_NOFILE, &old) == 0);

  /* The raw system call: a bad sigset size, a bad timespec. */
  struct timespec ts = {0, 0};
  sigset_t none;
  sigemptyset(&none);
  CHECK(syscall(SYS_ppoll, fds, 1, &ts, &none, 4) == -1 && errno == EINVAL);
  ts.tv_nsec = 1000000000;
  CHECK(syscall(SYS_ppoll, fds, 1, &ts, NULL, 8) == -1 && errno == EINVAL);
  ts.tv_sec = -1;
  ts.tv_nsec = 0;
  CHECK(syscall(SYS_ppoll, fds, 1, &ts, NULL, 8) == -1 && errno == EINVAL);
  CHECK(syscall(SYS_ppoll, fds, 1, (void *)8, NULL, 8) == -1 && errno == EFAULT);
  close(p[0]);
  close(p[1]);
}

/* The raw ppoll writes back the time left: nothing once it timed out, some when data was there. */
static void time_left(void) {
  int p[2];
  CHECK(pipe(p) == 0);
  struct pollfd fd = {p[0], POLLIN, 0};
  struct timespec ts = {0, 20000000};
  CHECK(syscall(SYS_ppoll, &fd, 1, &ts, NULL, 8) == 0);
  CHECK(ts.tv_sec == 0 && ts.tv_nsec == 0);
  write(p[1], "t", 1);
  ts.tv_sec = 5;
  ts.tv_nsec = 0;
  CHECK(syscall(SYS_ppoll, &fd, 1, &ts, NULL, 8) == 1);
  CHECK(ts.tv_sec <= 5 && (ts.tv_sec > 0 || ts.tv_nsec > 0));
  ts.tv_sec = 0;
  ts.tv_nsec = 0;
  CHECK(ppoll(&fd, 1, &ts, NULL) == 1 && ts.tv_sec == 0 && ts.tv_nsec == 0);
  close(p[0]);
  close(p[1]);
}

static void other_files(void) {
  short re;
  short all = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM | POLLPRI;
  int fd = open("/dev/null", O_RDWR);
  CHECK(poll1(fd, all, 0, &re) == 1 && re == (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM));
  close(fd);
  fd = open("/dev/zero", O_RDONLY);
  CHECK(poll1(fd, all, 0, &re) == 1 && re == (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM));
  close(fd);
  fd = open("/dev/urandom", O_RDONLY);
  CHECK(poll1(fd, all, 0, &re) == 1 && re == (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM));
  close(fd);
  fd = open("/dev/random", O_RDONLY);
  CHECK(poll1(fd, all, 0, &re) == 1 && re == (POLLIN | POLLRDNORM));
  close(fd);
  fd = open("/tmp/pj_poll_pipe.dat", O_RDWR | O_CREAT | O_TRUNC, 0600);
  CHECK(poll1(fd, all, 0, &re) == 1 && re == (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM));
  close(fd);
  unlink("/tmp/pj_poll_pipe.dat");
  fd = open("/", O_RDONLY | O_DIRECTORY);
  CHECK(poll1(fd, POLLIN, 0, &re) == 1 && re == POLLIN);
  close(fd);
  fd = open("/", O_PATH);
  CHECK(poll1(fd, POLLIN, 0, &re) == 1 && re == POLLNVAL);
  close(fd);
}

int main(void) {
  basic_ends();
  full_pipe();
  woken_by_child();
  bad_descriptors();
  time_left();
  other_files();
  return check_failures;
}
