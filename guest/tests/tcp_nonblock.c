/* Non-blocking TCP over 127.0.0.1: connect gives EINPROGRESS and completes, seen by poll (POLLOUT)
 * and SO_ERROR; a second connect then succeeds and a third gives EISCONN; a non-blocking connect to
 * a port nobody listens on ends in POLLERR and SO_ERROR ECONNREFUSED; accept and recv give EAGAIN
 * with nothing there, MSG_DONTWAIT does on a blocking socket; a send buffer fills (EAGAIN) and
 * drains (POLLOUT again); select and epoll see the same readiness. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include "check.h"
#include "inet.h"

#define PORT 27111
#define CLOSED_PORT 27112

int main(void) {
  int l = listener(PORT, 8);
  CHECK(l >= 0);
  CHECK(fcntl(l, F_SETFL, O_NONBLOCK) == 0);
  CHECK(accept(l, NULL, NULL) == -1 && errno == EAGAIN);

  int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  CHECK(c >= 0 && (fcntl(c, F_GETFL) & O_NONBLOCK) != 0);
  struct sockaddr_in a = loopback(PORT);
  errno = 0;
  CHECK(connect(c, (struct sockaddr *)&a, sizeof a) == -1 && errno == EINPROGRESS);
  int r = wait_for(c, POLLOUT, 5000);
  CHECK(r > 0 && (r & POLLOUT) && !(r & (POLLERR | POLLHUP)));
  int err = -1;
  socklen_t el = sizeof err;
  CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0);
  CHECK(connect(c, (struct sockaddr *)&a, sizeof a) == 0);
  CHECK(connect(c, (struct sockaddr *)&a, sizeof a) == -1 && errno == EISCONN);
  struct sockaddr_in peer;
  socklen_t pl = sizeof peer;
  CHECK(getpeername(c, (struct sockaddr *)&peer, &pl) == 0 && ntohs(peer.sin_port) == PORT);

  CHECK(wait_for(l, POLLIN, 5000) == POLLIN);
  int s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
  CHECK(s >= 0 && (fcntl(s, F_GETFL) & O_NONBLOCK) != 0);
  char buf[4096];
  CHECK(recv(s, buf, sizeof buf, 0) == -1 && errno == EAGAIN);
  CHECK(read(c, buf, sizeof buf) == -1 && errno == EAGAIN);
  CHECK(wait_for(s, POLLIN | POLLOUT, 0) == POLLOUT);

  /* epoll and select see data arrive */
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = s};
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0);
  struct epoll_event out[4];
  CHECK(epoll_wait(ep, out, 4, 0) == 0);
  CHECK(send(c, "ping", 4, 0) == 4);
  CHECK(epoll_wait(ep, out, 4, 5000) == 1 && out[0].data.fd == s && out[0].events == EPOLLIN);
  fd_set rd, wr;
  FD_ZERO(&rd);
  FD_ZERO(&wr);
  FD_SET(s, &rd);
  FD_SET(c, &wr);
  struct timeval tv = {5, 0};
  CHECK(select((s > c ? s : c) + 1, &rd, &wr, NULL, &tv) == 2 && FD_ISSET(s, &rd) &&
        FD_ISSET(c, &wr));
  CHECK(recv(s, buf, sizeof buf, MSG_PEEK) == 4 && recv(s, buf, sizeof buf, 0) == 4 &&
        memcmp(buf, "ping", 4) == 0);
  CHECK(epoll_wait(ep, out, 4, 0) == 0);
  close(ep);

  /* MSG_DONTWAIT on a blocking socket */
  int b = connect_to(PORT);
  CHECK(b >= 0);
  CHECK(recv(b, buf, sizeof buf, MSG_DONTWAIT) == -1 && errno == EAGAIN);
  close(b);

  /* fill the send buffer while nobody reads, then drain it */
  long total = 0;
  memset(buf, 'z', sizeof buf);
  for (int i = 0; i < 100000; i++) {
    long w = write(c, buf, sizeof buf);
    if (w < 0) {
      break;
    }
    total += w;
  }
  CHECK(errno == EAGAIN && total > 0);
  CHECK(!(wait_for(c, POLLOUT, 0) & POLLOUT));
  long drained = 0;
  while (drained < total) {
    if (wait_for(s, POLLIN, 5000) <= 0) {
      break;
    }
    long got = read(s, buf, sizeof buf);
    if (got <= 0) {
      break;
    }
    drained += got;
  }
  CHECK(drained == total);
  CHECK(wait_for(c, POLLOUT, 5000) & POLLOUT);

  /* a refused non-blocking connect */
  int f = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in nobody = loopback(CLOSED_PORT);
  errno = 0;
  CHECK(connect(f, (struct sockaddr *)&nobody, sizeof nobody) == -1 && errno == EINPROGRESS);
  r = wait_for(f, POLLOUT, 5000);
  CHECK(r > 0 && (r & POLLERR) && (r & POLLHUP));
  err = 0;
  CHECK(getsockopt(f, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == ECONNREFUSED);
  CHECK(getsockopt(f, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0);
  close(f);
  close(s);
  close(c);
  close(l);
  return check_failures;
}
