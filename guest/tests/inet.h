/* Shared by the AF_INET differential tests: a loopback sockaddr_in on a fixed port (each program
 * uses ports of its own in 47100..47199, so runs on one host do not meet), a listener on it with
 * SO_REUSEADDR, and a blocking connect to it. */
#ifndef POPCORNJ_INET_H
#define POPCORNJ_INET_H
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static inline struct sockaddr_in loopback(int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

static inline int listener(int port, int backlog) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  struct sockaddr_in a = loopback(port);
  if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, backlog) != 0) {
    return -1;
  }
  return s;
}

static inline int connect_to(int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = loopback(port);
  if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) != 0) {
    return -1;
  }
  return s;
}

/* Reads exactly n bytes unless the stream ends or fails first; returns the count read. */
static inline long read_full(int fd, void *buf, long n) {
  long got = 0;
  while (got < n) {
    long r = read(fd, (char *)buf + got, n - got);
    if (r <= 0) {
      break;
    }
    got += r;
  }
  return got;
}

static inline long write_full(int fd, const void *buf, long n) {
  long put = 0;
  while (put < n) {
    long r = write(fd, (const char *)buf + put, n - put);
    if (r <= 0) {
      break;
    }
    put += r;
  }
  return put;
}

/* Waits up to ms for events (0: only for POLLERR/POLLHUP) and returns revents, or -1. */
static inline int wait_for(int fd, short events, int ms) {
  struct pollfd p = {fd, events, 0};
  int r = poll(&p, 1, ms);
  return r < 0 ? -1 : p.revents;
}
#endif
