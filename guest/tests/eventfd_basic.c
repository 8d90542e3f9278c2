/* eventfd: the counter adds on write and empties on read (one at a time in semaphore mode);
 * reads under 8 bytes, writes of other than 8 and the value 2^64-1 are EINVAL; a full counter or an empty one gives
 * EAGAIN without blocking and waits with it; poll sees POLLIN while the count is above zero and
 * POLLOUT while a write of 1 fits; flags and their errors; a child writing wakes a blocked read,
 * a child reading wakes a blocked write; an edge-triggered epoll item on it sees each write. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static int put(int fd, uint64_t v) {
  return write(fd, &v, sizeof v) == (ssize_t)sizeof v;
}

static uint64_t take(int fd) {
  uint64_t v = 0;
  if (read(fd, &v, sizeof v) != (ssize_t)sizeof v) {
    return (uint64_t)-1;
  }
  return v;
}

static short ready(int fd) {
  struct pollfd p = {fd, POLLIN | POLLOUT | POLLPRI | POLLRDNORM | POLLWRNORM, 0};
  return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

static void counter(void) {
  int fd = eventfd(0, 0);
  CHECK(fd >= 0);
  CHECK(put(fd, 1) && put(fd, 2) && put(fd, 0));
  CHECK(take(fd) == 3);
  CHECK(ready(fd) == POLLOUT);
  CHECK(put(fd, 40));
  CHECK(ready(fd) == (POLLIN | POLLOUT));
  uint64_t big[2] = {0, 0};
  CHECK(read(fd, big, sizeof big) == 8 && big[0] == 40 && big[1] == 0);
  uint32_t small = 7;
  errno = 0;
  CHECK(write(fd, &small, sizeof small) == -1 && errno == EINVAL);
  CHECK(put(fd, 5));
  errno = 0;
  CHECK(read(fd, &small, sizeof small) == -1 && errno == EINVAL);
  /* Since Linux 6.5 a write must be exactly 8 bytes. */
  uint64_t two[2] = {6, 1000};
  errno = 0;
  CHECK(write(fd, two, sizeof two) == -1 && errno == EINVAL);
  CHECK(take(fd) == 5);
  errno = 0;
  CHECK(!put(fd, UINT64_MAX) && errno == EINVAL);
  close(fd);

  /* The initial value is an unsigned int: the high half of the register is ignored. */
  fd = syscall(SYS_eventfd2, 0x100000005ULL, 0);
  CHECK(fd >= 0 && take(fd) == 5);
  close(fd);
  errno = 0;
  CHECK(eventfd(0, O_RDWR) == -1 && errno == EINVAL);
  errno = 0;
  CHECK(eventfd(0, 0x10) == -1 && errno == EINVAL);
}

static void full_and_empty(void) {
  int fd = eventfd(0, EFD_NONBLOCK);
  CHECK(fd >= 0);
  CHECK(fcntl(fd, F_GETFL) == (O_RDWR | O_NONBLOCK));
  CHECK(fcntl(fd, F_GETFD) == 0);
  errno = 0;
  CHECK(take(fd) == (uint64_t)-1 && errno == EAGAIN);
  CHECK(put(fd, UINT64_MAX - 1));
  CHECK(ready(fd) == POLLIN);
  errno = 0;
  CHECK(!put(fd, 1) && errno == EAGAIN);
  CHECK(put(fd, 0));
  CHECK(take(fd) == UINT64_MAX - 1);
  CHECK(ready(fd) == POLLOUT);
  CHECK(put(fd, UINT64_MAX - 2));
  CHECK(ready(fd) == (POLLIN | POLLOUT));
  errno = 0;
  CHECK(!put(fd, 2) && errno == EAGAIN);
  close(fd);

  fd = eventfd(9, EFD_CLOEXEC);
  CHECK(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC && fcntl(fd, F_GETFL) == O_RDWR);
  CHECK(fcntl(fd, F_SETFL, O_NONBLOCK) == 0 && take(fd) == 9);
  errno = 0;
  CHECK(take(fd) == (uint64_t)-1 && errno == EAGAIN);
  close(fd);
}

static void semaphore(void) {
  int fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
  CHECK(fd >= 0);
  CHECK(take(fd) == 1 && take(fd) == 1);
  CHECK(ready(fd) == (POLLIN | POLLOUT));
  CHECK(take(fd) == 1);
  errno = 0;
  CHECK(take(fd) == (uint64_t)-1 && errno == EAGAIN);
  CHECK(put(fd, 2) && take(fd) == 1 && take(fd) == 1);
  close(fd);
}

/* A child writes after a while: the parent's blocking read returns what it wrote. */
static void blocked_read(void) {
  int fd = eventfd(0, 0);
  pid_t pid = fork();
  if (pid == 0) {
    usleep(100000);
    put(fd, 42);
    _exit(0);
  }
  CHECK(take(fd) == 42);
  int st;
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  close(fd);
}

/* The counter is one short of full: the parent's write of 1 waits until the child reads. */
static void blocked_write(void) {
  int fd = eventfd(0, 0);
  CHECK(put(fd, UINT64_MAX - 1));
  pid_t pid = fork();
  if (pid == 0) {
    usleep(100000);
    _exit(take(fd) == UINT64_MAX - 1 ? 0 : 1);
  }
  CHECK(put(fd, 1));
  int st;
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  CHECK(take(fd) == 1);
  close(fd);
}

/* Edge-triggered epoll on an eventfd: each write is an edge; a read wakes only writers (POLLOUT),
 * so an item asking for EPOLLIN does not come back though the count stays above zero. */
static void edge(void) {
  int fd = eventfd(0, EFD_SEMAPHORE | EFD_NONBLOCK);
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u64 = 7};
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0);
  struct epoll_event out[4];
  CHECK(epoll_wait(ep, out, 4, 0) == 0);
  CHECK(put(fd, 2));
  CHECK(epoll_wait(ep, out, 4, 0) == 1 && out[0].events == EPOLLIN && out[0].data.u64 == 7);
  CHECK(epoll_wait(ep, out, 4, 0) == 0);
  CHECK(take(fd) == 1);
  CHECK(epoll_wait(ep, out, 4, 0) == 0);
  CHECK(put(fd, 1));
  CHECK(epoll_wait(ep, out, 4, 0) == 1 && out[0].events == EPOLLIN);

  /* Asking for EPOLLOUT too: the read's wake is about POLLOUT, so the item is reported again. */
  ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
  CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) == 0);
  CHECK(epoll_wait(ep, out, 4, 0) == 1 && out[0].events == (EPOLLIN | EPOLLOUT));
  CHECK(epoll_wait(ep, out, 4, 0) == 0);
  CHECK(take(fd) == 1);
  CHECK(epoll_wait(ep, out, 4, 0) == 1 && out[0].events == (EPOLLIN | EPOLLOUT));
  close(ep);
  close(fd);
}

int main(void) {
  counter();
  full_and_empty();
  semaphore();
  blocked_read();
  blocked_write();
  edge();
  return check_failures;
}
