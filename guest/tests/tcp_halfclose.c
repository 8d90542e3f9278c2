/* TCP half-close over 127.0.0.1: a client sends a request and shuts down its sending side; the
 * server reads to end of file (POLLRDHUP), answers in several writes and closes; the client reads
 * the whole answer and then end of file, and can no longer send (EPIPE with MSG_NOSIGNAL). Also
 * shutdown(SHUT_RD), shutdown's EINVAL and ENOTCONN, and POLLHUP once both directions are shut. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/uio.h>
#include "check.h"
#include "inet.h"

#define PORT 27131

int main(void) {
  int l = listener(PORT, 4);
  CHECK(l >= 0);
  int c = connect_to(PORT);
  CHECK(c >= 0);
  int s = accept(l, NULL, NULL);
  CHECK(s >= 0);
  CHECK(shutdown(c, 7) == -1 && errno == EINVAL);
  int lone = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(shutdown(lone, SHUT_WR) == -1 && errno == ENOTCONN);
  close(lone);

  static char req[20000];
  for (int i = 0; i < (int)sizeof req; i++) {
    req[i] = (char)(i % 251);
  }
  CHECK(write_full(c, req, sizeof req) == sizeof req);
  CHECK(shutdown(c, SHUT_WR) == 0);
  CHECK(send(c, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
  int r = wait_for(c, POLLIN | POLLOUT, 0);
  CHECK((r & POLLOUT) && !(r & POLLHUP));

  static char got[30000];
  long n = read_full(s, got, sizeof got);
  CHECK(n == sizeof req && memcmp(got, req, sizeof req) == 0);
  CHECK(read(s, got, sizeof got) == 0);
  r = wait_for(s, POLLIN | POLLRDHUP | POLLOUT, 0);
  CHECK(r == (POLLIN | POLLRDHUP | POLLOUT));

  const char *parts[3] = {"first part, ", "second part, ", "last part"};
  for (int i = 0; i < 3; i++) {
    CHECK(write(s, parts[i], strlen(parts[i])) == (long)strlen(parts[i]));
  }
  CHECK(close(s) == 0);
  char answer[100] = {0};
  n = read_full(c, answer, sizeof answer - 1);
  printf("answer: %s (%ld bytes)\n", answer, n);
  CHECK(read(c, answer, sizeof answer) == 0);
  CHECK(wait_for(c, POLLIN, 5000) & POLLHUP);
  close(c);

  /* sendmsg and recvmsg with iovecs; a stream gives no sender address; MSG_WAITALL waits */
  c = connect_to(PORT);
  s = accept(l, NULL, NULL);
  CHECK(c >= 0 && s >= 0);
  struct iovec out[3] = {{"gather", 6}, {"-", 1}, {"write", 5}};
  struct msghdr m = {0};
  m.msg_iov = out;
  m.msg_iovlen = 3;
  CHECK(sendmsg(c, &m, 0) == 12);
  char x[4], y[20];
  struct iovec in[2] = {{x, 4}, {y, 8}};
  struct sockaddr_in from;
  memset(&m, 0, sizeof m);
  m.msg_name = &from;
  m.msg_namelen = sizeof from;
  m.msg_iov = in;
  m.msg_iovlen = 2;
  CHECK(recvmsg(s, &m, MSG_WAITALL) == 12 && m.msg_namelen == 0 && m.msg_flags == 0 &&
        memcmp(x, "gath", 4) == 0 && memcmp(y, "er-write", 8) == 0);
  socklen_t fl = sizeof from;
  CHECK(send(c, "abc", 3, 0) == 3);
  CHECK(recvfrom(s, y, sizeof y, MSG_WAITALL | MSG_DONTWAIT, (struct sockaddr *)&from, &fl) >= 0 &&
        fl == 0);
  close(s);
  close(c);

  /* SHUT_RD: reads see end of file at once; the peer's data still goes in */
  c = connect_to(PORT);
  s = accept(l, NULL, NULL);
  CHECK(c >= 0 && s >= 0);
  CHECK(shutdown(c, SHUT_RD) == 0);
  CHECK(read(c, answer, sizeof answer) == 0);
  CHECK(write(s, "late", 4) == 4);
  CHECK(write(c, "still", 5) == 5);
  CHECK(read_full(s, answer, 5) == 5 && memcmp(answer, "still", 5) == 0);
  CHECK(shutdown(c, SHUT_RDWR) == 0);
  CHECK(read(s, answer, sizeof answer) == 0);
  close(s);
  close(c);
  close(l);
  return check_failures;
}
