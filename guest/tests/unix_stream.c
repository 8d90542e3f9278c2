/* AF_UNIX stream sockets from socketpair: echo across fork, partial reads, MSG_PEEK, MSG_WAITALL,
 * readv/writev and sendmsg/recvmsg with iovecs, shutdown in each direction, EOF after the peer
 * closes, EPIPE with and without SIGPIPE (MSG_NOSIGNAL), O_NONBLOCK and MSG_DONTWAIT giving EAGAIN,
 * poll readiness, and socket(2)'s checks of family, type and protocol. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static volatile sig_atomic_t sigpipes;
static void on_sigpipe(int sig) { (void)sig; sigpipes++; }

static short revents(int fd, short events) {
  struct pollfd p = {fd, events, 0};
  return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

int main(void) {
  int sv[2];
  char buf[64];

  /* socket(2) argument checks */
  errno = 0;
  CHECK(socket(AF_UNIX, 11, 0) == -1 && errno == EINVAL);
  CHECK(socket(AF_MAX, SOCK_STREAM, 0) == -1 && errno == EAFNOSUPPORT);
  CHECK(socket(-1, SOCK_STREAM, 0) == -1 && errno == EAFNOSUPPORT);
  CHECK(socket(AF_UNIX, SOCK_STREAM, 2) == -1 && errno == EPROTONOSUPPORT);
  CHECK(socket(AF_UNIX, SOCK_RDM, 0) == -1 && errno == ESOCKTNOSUPPORT);
  CHECK(socket(AF_UNIX, SOCK_PACKET, 0) == -1 && errno == ESOCKTNOSUPPORT);
  int raw = socket(AF_UNIX, SOCK_RAW, 0);
  int type = 0;
  socklen_t tl = sizeof type;
  CHECK(raw >= 0 && getsockopt(raw, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_DGRAM);
  close(raw);
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  CHECK(s >= 0 && fcntl(s, F_GETFD) == FD_CLOEXEC);
  CHECK((fcntl(s, F_GETFL) & O_NONBLOCK) != 0 && (fcntl(s, F_GETFL) & O_ACCMODE) == O_RDWR);
  struct stat st;
  CHECK(fstat(s, &st) == 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0777);
  CHECK(read(s, buf, 1) == -1 && errno == EINVAL);
  CHECK(write(s, "x", 1) == -1 && errno == ENOTCONN);
  CHECK(lseek(s, 0, SEEK_SET) == -1 && errno == ESPIPE);
  close(s);
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 2, sv) == -1 && errno == EPROTONOSUPPORT);
  CHECK(socketpair(AF_MAX, SOCK_STREAM, 0, sv) == -1 && errno == EAFNOSUPPORT);
  CHECK(getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &tl) == -1 && errno == ENOTSOCK);
  CHECK(shutdown(99, SHUT_RD) == -1 && errno == EBADF);

  /* echo across fork */
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  CHECK(revents(sv[0], POLLIN | POLLOUT) == POLLOUT);
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    ssize_t n;
    while ((n = read(sv[1], buf, sizeof buf)) > 0) {
      for (ssize_t i = 0; i < n; i++) buf[i] ^= 0x20;
      write(sv[1], buf, n);
    }
    _exit(n == 0 ? 0 : 1);
  }
  close(sv[1]);
  CHECK(write(sv[0], "hello", 5) == 5);
  CHECK(read(sv[0], buf, sizeof buf) == 5 && memcmp(buf, "HELLO", 5) == 0);
  CHECK(send(sv[0], "abc", 3, 0) == 3);
  CHECK(recv(sv[0], buf, 3, MSG_WAITALL) == 3 && memcmp(buf, "ABC", 3) == 0);
  CHECK(shutdown(sv[0], SHUT_WR) == 0);
  int status;
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  CHECK(read(sv[0], buf, sizeof buf) == 0);
  CHECK((revents(sv[0], POLLIN | POLLOUT | POLLRDHUP) & (POLLIN | POLLHUP | POLLRDHUP)) ==
        (POLLIN | POLLHUP | POLLRDHUP));
  close(sv[0]);

  /* stream bytes: no boundaries, peek, iovecs */
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  CHECK(write(sv[0], "one", 3) == 3 && write(sv[0], "two", 3) == 3);
  CHECK(revents(sv[1], POLLIN) == POLLIN);
  CHECK(recv(sv[1], buf, sizeof buf, MSG_PEEK) == 6 && memcmp(buf, "onetwo", 6) == 0);
  CHECK(read(sv[1], buf, 4) == 4 && memcmp(buf, "onet", 4) == 0);
  CHECK(read(sv[1], buf, sizeof buf) == 2 && memcmp(buf, "wo", 2) == 0);
  struct iovec iov[2] = {{"ab", 2}, {"cdef", 4}};
  CHECK(writev(sv[1], iov, 2) == 6);
  char x[3], y[10];
  struct iovec in[2] = {{x, 3}, {y, 10}};
  struct msghdr mh = {0};
  mh.msg_iov = in;
  mh.msg_iovlen = 2;
  CHECK(recvmsg(sv[0], &mh, 0) == 6 && memcmp(x, "abc", 3) == 0 && memcmp(y, "def", 3) == 0);
  CHECK(mh.msg_flags == 0 && mh.msg_namelen == 0);
  struct msghdr out = {0};
  out.msg_iov = iov;
  out.msg_iovlen = 2;
  CHECK(sendmsg(sv[0], &out, 0) == 6);
  CHECK(readv(sv[1], in, 2) == 6 && memcmp(x, "abc", 3) == 0);
  CHECK(recv(sv[1], buf, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN);
  CHECK(recvfrom(sv[1], buf, 1, MSG_DONTWAIT, NULL, NULL) == -1 && errno == EAGAIN);
  CHECK(send(sv[1], "x", 1, MSG_OOB) == -1 || 1);
  recv(sv[0], buf, sizeof buf, MSG_DONTWAIT);

  /* shutdown */
  CHECK(shutdown(sv[0], 7) == -1 && errno == EINVAL);
  CHECK(shutdown(sv[0], SHUT_RD) == 0);
  CHECK(recv(sv[0], buf, 1, 0) == 0);
  signal(SIGPIPE, on_sigpipe);
  CHECK(write(sv[1], "z", 1) == -1 && errno == EPIPE && sigpipes == 1);
  CHECK(revents(sv[0], POLLIN | POLLRDHUP) == (POLLIN | POLLRDHUP));
  sigpipes = 0;
  CHECK(shutdown(sv[1], SHUT_WR) == 0);
  CHECK(write(sv[1], "z", 1) == -1 && errno == EPIPE && sigpipes == 1);
  CHECK(send(sv[1], "z", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE && sigpipes == 1);
  printf("after both shutdowns: %#x\n", revents(sv[0], POLLIN | POLLOUT | POLLRDHUP));
  printf("writer side: %#x\n", revents(sv[1], POLLIN | POLLOUT | POLLRDHUP));
  close(sv[0]);
  close(sv[1]);

  /* peer gone: EOF for the reader, EPIPE for the writer */
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  CHECK(write(sv[0], "tail", 4) == 4);
  close(sv[0]);
  CHECK(read(sv[1], buf, sizeof buf) == 4);
  CHECK(read(sv[1], buf, sizeof buf) == 0);
  CHECK(revents(sv[1], POLLIN | POLLOUT) == (POLLIN | POLLOUT | POLLHUP));
  CHECK(write(sv[1], "x", 1) == -1 && errno == EPIPE && sigpipes == 2);
  CHECK(send(sv[1], "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE && sigpipes == 2);
  close(sv[1]);

  /* a peer that closes with unread data resets the connection */
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  CHECK(write(sv[1], "unread", 6) == 6);
  close(sv[0]);
  CHECK((revents(sv[1], POLLIN) & POLLERR) == POLLERR);
  CHECK(read(sv[1], buf, sizeof buf) == -1 && errno == ECONNRESET);
  CHECK(read(sv[1], buf, sizeof buf) == 0);
  close(sv[1]);

  /* nonblocking: fill until EAGAIN, then drain */
  CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0);
  static char big[4096];
  long sent = 0;
  ssize_t n;
  while ((n = write(sv[0], big, sizeof big)) > 0) sent += n;
  CHECK(n == -1 && errno == EAGAIN && sent > 0);
  CHECK((revents(sv[0], POLLOUT) & POLLOUT) == 0);
  long got = 0;
  while ((n = read(sv[1], big, sizeof big)) > 0) got += n;
  CHECK(n == -1 && errno == EAGAIN && got == sent);
  CHECK(revents(sv[0], POLLOUT) == POLLOUT);
  close(sv[0]);
  close(sv[1]);

  /* one write larger than the send buffer blocks until the reader has taken it all */
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  static char huge[300000];
  for (size_t i = 0; i < sizeof huge; i++) huge[i] = (char)(i * 7);
  pid = fork();
  if (pid == 0) {
    close(sv[1]);
    struct iovec two[2] = {{huge, 100000}, {huge + 100000, sizeof huge - 100000}};
    struct msghdr m = {0};
    m.msg_iov = two;
    m.msg_iovlen = 2;
    _exit(sendmsg(sv[0], &m, 0) == (ssize_t)sizeof huge ? 0 : 1);
  }
  close(sv[0]);
  static char back[sizeof huge];
  long total = 0;
  while ((n = recv(sv[1], back + total, sizeof back - total, MSG_WAITALL)) > 0) total += n;
  CHECK(n == 0 && total == (long)sizeof huge && memcmp(back, huge, sizeof huge) == 0);
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(sv[1]);

  /* poll and select sleep until the peer writes or goes away */
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  pid = fork();
  if (pid == 0) {
    close(sv[0]);
    usleep(10000);
    write(sv[1], "w", 1);
    char c;
    read(sv[1], &c, 1);
    usleep(10000);
    _exit(0);
  }
  close(sv[1]);
  struct pollfd pf = {sv[0], POLLIN, 0};
  CHECK(poll(&pf, 1, -1) == 1 && pf.revents == POLLIN);
  CHECK(read(sv[0], buf, 1) == 1 && write(sv[0], "r", 1) == 1);
  fd_set rd;
  FD_ZERO(&rd);
  FD_SET(sv[0], &rd);
  CHECK(select(sv[0] + 1, &rd, NULL, NULL, NULL) == 1 && FD_ISSET(sv[0], &rd));
  CHECK(read(sv[0], buf, 1) == 0);
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(sv[0]);

  /* epoll on a socket: data from the forked peer, then its close */
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  int ep = epoll_create1(0);
  struct epoll_event ev = {EPOLLIN | EPOLLRDHUP, {.fd = sv[0]}}, out_ev;
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev) == 0);
  pid = fork();
  if (pid == 0) {
    close(sv[0]);
    usleep(10000);
    write(sv[1], "e", 1);
    char c;
    read(sv[1], &c, 1);
    _exit(0);
  }
  close(sv[1]);
  CHECK(epoll_wait(ep, &out_ev, 1, -1) == 1 && out_ev.events == EPOLLIN && out_ev.data.fd == sv[0]);
  CHECK(read(sv[0], buf, 1) == 1 && write(sv[0], "r", 1) == 1);
  CHECK(epoll_wait(ep, &out_ev, 1, -1) == 1 &&
        out_ev.events == (EPOLLIN | EPOLLRDHUP | EPOLLHUP));
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(ep);
  close(sv[0]);
  return check_failures;
}
