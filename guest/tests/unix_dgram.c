/* AF_UNIX datagram and seqpacket sockets: message boundaries, MSG_TRUNC in flags and as a recv
 * flag, MSG_PEEK, sendto a named (abstract) socket and recvfrom giving the sender's address,
 * connect and disconnect of datagram sockets, a full receive queue, ECONNREFUSED after the peer
 * closes, and a seqpacket pair whose peer closes. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#include "check.h"

static volatile sig_atomic_t sigpipes;
static void on_sigpipe(int sig) { (void)sig; sigpipes++; }

static socklen_t abstract_name(struct sockaddr_un *a, const char *name) {
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  size_t n = strlen(name);
  memcpy(a->sun_path + 1, name, n);
  return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

static short revents(int fd, short events) {
  struct pollfd p = {fd, events, 0};
  return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

int main(void) {
  int sv[2];
  char buf[64];
  signal(SIGPIPE, on_sigpipe);

  CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
  CHECK(send(sv[0], "first", 5, 0) == 5 && send(sv[0], "second", 6, 0) == 6);
  CHECK(send(sv[0], "", 0, 0) == 0);
  CHECK(revents(sv[1], POLLIN | POLLOUT) == (POLLIN | POLLOUT));
  CHECK(recv(sv[1], buf, sizeof buf, MSG_PEEK) == 5);
  CHECK(recv(sv[1], buf, sizeof buf, 0) == 5 && memcmp(buf, "first", 5) == 0);
  struct iovec iov = {buf, 3};
  struct msghdr mh = {0};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  CHECK(recvmsg(sv[1], &mh, 0) == 3 && (mh.msg_flags & MSG_TRUNC) && memcmp(buf, "sec", 3) == 0);
  CHECK(recv(sv[1], buf, sizeof buf, 0) == 0);
  CHECK(recv(sv[1], buf, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN);
  CHECK(send(sv[0], "abcdefgh", 8, 0) == 8);
  CHECK(recv(sv[1], buf, 2, MSG_TRUNC) == 8 && memcmp(buf, "ab", 2) == 0);
  CHECK(write(sv[1], "back", 4) == 4 && read(sv[0], buf, 2) == 2);
  struct sockaddr_un from;
  socklen_t fl = sizeof from;
  CHECK(send(sv[1], "x", 1, 0) == 1);
  CHECK(recvfrom(sv[0], buf, 1, 0, (struct sockaddr *)&from, &fl) == 1 && fl == 0);
  CHECK(getpeername(sv[0], (struct sockaddr *)&from, &fl) == 0 && fl == 2);
  CHECK(shutdown(sv[1], SHUT_RD) == 0);
  CHECK(recv(sv[1], buf, 1, 0) == 0);
  CHECK(send(sv[0], "y", 1, 0) == -1 && errno == EPIPE && sigpipes == 0);
  close(sv[1]);
  CHECK(send(sv[0], "z", 1, 0) == -1 && errno == ECONNREFUSED);
  CHECK(send(sv[0], "z", 1, 0) == -1 && errno == ENOTCONN);
  close(sv[0]);

  /* named datagram sockets in the abstract namespace */
  struct sockaddr_un a, b;
  socklen_t al = abstract_name(&a, "popcornj-dgram-a");
  socklen_t bl = abstract_name(&b, "popcornj-dgram-b");
  int sa = socket(AF_UNIX, SOCK_DGRAM, 0);
  int sb = socket(AF_UNIX, SOCK_DGRAM, 0);
  int anon = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  CHECK(bind(sa, (struct sockaddr *)&a, al) == 0);
  CHECK(bind(sb, (struct sockaddr *)&b, bl) == 0);
  CHECK(send(anon, "q", 1, 0) == -1 && errno == ENOTCONN);
  CHECK(sendto(sa, "to b", 4, 0, (struct sockaddr *)&b, bl) == 4);
  memset(&from, 0, sizeof from);
  fl = sizeof from;
  CHECK(recvfrom(sb, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl) == 4);
  CHECK(fl == al && memcmp(&from, &a, al) == 0);
  fl = 4;
  CHECK(sendto(anon, "anon", 4, 0, (struct sockaddr *)&b, bl) == 4);
  CHECK(recvfrom(sb, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl) == 4 && fl == 0);
  fl = 3;
  CHECK(sendto(sa, "short", 5, 0, (struct sockaddr *)&b, bl) == 5);
  CHECK(recvfrom(sb, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl) == 5 && fl == al);
  CHECK(recv(sb, buf, sizeof buf, MSG_DONTWAIT) == -1 && errno == EAGAIN);
  struct sockaddr_un none;
  socklen_t nl = abstract_name(&none, "popcornj-nobody");
  CHECK(sendto(sa, "x", 1, 0, (struct sockaddr *)&none, nl) == -1 && errno == ECONNREFUSED);
  CHECK(sendto(sa, "x", 1, 0, (struct sockaddr *)&none, 2) == -1 && errno == EINVAL);
  CHECK(sendto(sa, "x", 1, 0, (struct sockaddr *)&none, 200) == -1 && errno == EINVAL);

  /* connect: only the peer may send; AF_UNSPEC disconnects */
  CHECK(connect(sb, (struct sockaddr *)&a, al) == 0);
  CHECK(sendto(anon, "x", 1, 0, (struct sockaddr *)&b, bl) == -1 && errno == EPERM);
  CHECK(send(sb, "hi a", 4, 0) == 4 && recv(sa, buf, sizeof buf, 0) == 4);
  struct sockaddr unspec = {AF_UNSPEC};
  CHECK(connect(sb, &unspec, sizeof unspec) == 0);
  CHECK(send(sb, "x", 1, 0) == -1 && errno == ENOTCONN);

  /* a receiver connected elsewhere fills up: EAGAIN for a nonblocking sender */
  CHECK(connect(anon, (struct sockaddr *)&b, bl) == 0);
  int sent = 0;
  while (send(anon, "m", 1, 0) == 1) sent++;
  CHECK(errno == EAGAIN && sent > 0);
  CHECK((revents(anon, POLLOUT) & POLLOUT) == 0);
  CHECK(recv(sb, buf, 1, 0) == 1);
  CHECK(revents(anon, POLLOUT) == POLLOUT);
  CHECK(send(anon, "m", 1, 0) == 1);
  static char huge[300000];
  int msg = socket(AF_UNIX, SOCK_DGRAM, 0);
  CHECK(sendto(msg, huge, sizeof huge, 0, (struct sockaddr *)&a, al) == -1 && errno == EMSGSIZE);
  close(msg);
  close(sa);
  CHECK(sendto(sb, "x", 1, 0, (struct sockaddr *)&a, al) == -1 && errno == ECONNREFUSED);
  close(sb);
  close(anon);

  /* seqpacket */
  CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
  CHECK(write(sv[0], "one", 3) == 3 && write(sv[0], "three", 5) == 5);
  CHECK(read(sv[1], buf, 2) == 2 && memcmp(buf, "on", 2) == 0);
  memset(&mh, 0, sizeof mh);
  iov.iov_base = buf;
  iov.iov_len = sizeof buf;
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  CHECK(recvmsg(sv[1], &mh, 0) == 5 && mh.msg_flags == 0);
  CHECK(sendto(sv[0], "ab", 2, 0, (struct sockaddr *)&a, al) == 2);
  CHECK(recv(sv[1], buf, sizeof buf, 0) == 2);
  CHECK(send(sv[0], "end", 3, 0) == 3);
  close(sv[0]);
  CHECK(revents(sv[1], POLLIN | POLLOUT) == (POLLIN | POLLOUT | POLLHUP));
  CHECK(recv(sv[1], buf, sizeof buf, 0) == 3);
  CHECK(recv(sv[1], buf, sizeof buf, 0) == 0);
  CHECK(send(sv[1], "x", 1, 0) == -1 && errno == EPIPE);
  printf("sigpipes after seqpacket send: %d\n", (int)sigpipes);
  CHECK(write(sv[1], "x", 1) == -1 && errno == EPIPE);
  printf("sigpipes after seqpacket write: %d\n", (int)sigpipes);
  close(sv[1]);
  int sq = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  CHECK(send(sq, "x", 1, 0) == -1 && errno == ENOTCONN);
  CHECK(recv(sq, buf, 1, 0) == -1 && errno == ENOTCONN);
  close(sq);
  return check_failures;
}
