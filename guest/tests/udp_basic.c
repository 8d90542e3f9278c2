/* UDP over 127.0.0.1: datagrams keep their boundaries and their sender's address; MSG_PEEK,
 * truncation (MSG_TRUNC in recvmsg's flags and as a recv flag), an empty datagram, connect and
 * getpeername, sends without an address (EDESTADDRREQ) or to port 0 (EINVAL), a connected socket
 * takes only its peer's datagrams, EAGAIN when nothing waits, EADDRINUSE, EADDRNOTAVAIL, the
 * socket's type, protocol and domain, and ECONNREFUSED on a connected socket after its datagram
 * reached a closed port (ICMP port unreachable). */
#define _GNU_SOURCE
#include <sys/uio.h>
#include "check.h"
#include "inet.h"

#define PORT 27121
#define PORT2 27122
#define PORT3 27123

int main(void) {
  int srv = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = loopback(PORT);
  CHECK(srv >= 0 && bind(srv, (struct sockaddr *)&a, sizeof a) == 0);
  int type = 0, proto = 0, dom = 0;
  socklen_t tl = sizeof type;
  CHECK(getsockopt(srv, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_DGRAM);
  CHECK(getsockopt(srv, SOL_SOCKET, SO_PROTOCOL, &proto, &tl) == 0 && proto == IPPROTO_UDP);
  CHECK(getsockopt(srv, SOL_SOCKET, SO_DOMAIN, &dom, &tl) == 0 && dom == AF_INET);
  int again = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK(bind(again, (struct sockaddr *)&a, sizeof a) == -1 && errno == EADDRINUSE);
  struct sockaddr_in far = loopback(PORT);
  far.sin_addr.s_addr = inet_addr("10.99.99.99");
  CHECK(bind(again, (struct sockaddr *)&far, sizeof far) == -1 && errno == EADDRNOTAVAIL);
  close(again);

  int cli = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK(send(cli, "x", 1, 0) == -1 && errno == EDESTADDRREQ);
  struct sockaddr_in zero = loopback(0);
  CHECK(sendto(cli, "x", 1, 0, (struct sockaddr *)&zero, sizeof zero) == -1 && errno == EINVAL);
  CHECK(sendto(cli, "one", 3, 0, (struct sockaddr *)&a, sizeof a) == 3);
  CHECK(sendto(cli, "", 0, 0, (struct sockaddr *)&a, sizeof a) == 0);
  static char big[1000];
  for (int i = 0; i < 1000; i++) {
    big[i] = (char)i;
  }
  CHECK(sendto(cli, big, sizeof big, 0, (struct sockaddr *)&a, sizeof a) == 1000);
  struct sockaddr_in self;
  socklen_t sl = sizeof self;
  CHECK(getsockname(cli, (struct sockaddr *)&self, &sl) == 0 && ntohs(self.sin_port) != 0);

  char buf[2000];
  struct sockaddr_in from;
  socklen_t fl = sizeof from;
  CHECK(wait_for(srv, POLLIN, 5000) == POLLIN);
  CHECK(recv(srv, buf, sizeof buf, MSG_PEEK) == 3);
  CHECK(recvfrom(srv, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl) == 3 &&
        memcmp(buf, "one", 3) == 0);
  CHECK(fl == sizeof from && from.sin_port == self.sin_port &&
        from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
  CHECK(wait_for(srv, POLLIN, 5000) == POLLIN && recv(srv, buf, sizeof buf, 0) == 0);
  struct iovec iov = {buf, 10};
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  CHECK(wait_for(srv, POLLIN, 5000) == POLLIN);
  CHECK(recvmsg(srv, &m, MSG_PEEK) == 10 && (m.msg_flags & MSG_TRUNC) && buf[9] == 9);
  CHECK(recv(srv, buf, 10, MSG_TRUNC) == 1000);
  CHECK(recv(srv, buf, sizeof buf, MSG_DONTWAIT) == -1 && errno == EAGAIN);

  /* connected: sends without an address, and only the peer's datagrams come in */
  CHECK(connect(cli, (struct sockaddr *)&a, sizeof a) == 0);
  struct sockaddr_in peer;
  socklen_t pl = sizeof peer;
  CHECK(getpeername(cli, (struct sockaddr *)&peer, &pl) == 0 && ntohs(peer.sin_port) == PORT);
  CHECK(send(cli, "two", 3, 0) == 3);
  CHECK(wait_for(srv, POLLIN, 5000) == POLLIN && recv(srv, buf, sizeof buf, 0) == 3);
  int other = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in b = loopback(PORT2);
  CHECK(bind(other, (struct sockaddr *)&b, sizeof b) == 0);
  CHECK(sendto(other, "stray", 5, 0, (struct sockaddr *)&self, sizeof self) == 5);
  CHECK(sendto(srv, "back", 4, 0, (struct sockaddr *)&self, sizeof self) == 4);
  CHECK(wait_for(cli, POLLIN, 5000) == POLLIN);
  CHECK(recv(cli, buf, sizeof buf, 0) == 4 && memcmp(buf, "back", 4) == 0);
  CHECK(recv(cli, buf, sizeof buf, MSG_DONTWAIT) == -1 && errno == EAGAIN);
  struct sockaddr unspec = {.sa_family = AF_UNSPEC};
  CHECK(connect(cli, &unspec, sizeof unspec) == 0);
  CHECK(getpeername(cli, (struct sockaddr *)&peer, &pl) == -1 && errno == ENOTCONN);

  /* readv and writev */
  struct iovec parts[2] = {{"ab", 2}, {"cde", 3}};
  CHECK(connect(cli, (struct sockaddr *)&a, sizeof a) == 0 && writev(cli, parts, 2) == 5);
  char x[2], y[8];
  struct iovec into[2] = {{x, 2}, {y, 8}};
  CHECK(wait_for(srv, POLLIN, 5000) == POLLIN && readv(srv, into, 2) == 5 &&
        memcmp(y, "cde", 3) == 0);
  CHECK(shutdown(other, SHUT_RDWR) == -1 && errno == ENOTCONN);

  /* a closed port answers with ICMP port unreachable: a connected sender sees ECONNREFUSED */
  int lost = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in closed = loopback(PORT3);
  CHECK(connect(lost, (struct sockaddr *)&closed, sizeof closed) == 0);
  CHECK(send(lost, "a", 1, 0) == 1);
  CHECK(wait_for(lost, 0, 5000) == POLLERR);
  CHECK(recv(lost, buf, sizeof buf, 0) == -1 && errno == ECONNREFUSED);
  CHECK(wait_for(lost, POLLOUT, 0) == POLLOUT);
  CHECK(send(lost, "b", 1, 0) == 1);
  CHECK(wait_for(lost, 0, 5000) == POLLERR);
  CHECK(send(lost, "c", 1, 0) == -1 && errno == ECONNREFUSED);
  close(lost);
  lost = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK(sendto(lost, "d", 1, 0, (struct sockaddr *)&closed, sizeof closed) == 1);
  CHECK(wait_for(lost, 0, 200) == 0);
  CHECK(sendto(lost, "e", 1, 0, (struct sockaddr *)&closed, sizeof closed) == 1);
  close(lost);
  close(other);
  close(cli);
  close(srv);
  return check_failures;
}
