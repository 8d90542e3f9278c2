/* TCP errors over 127.0.0.1: ECONNREFUSED from a port nobody listens on (and from one bound but
 * not listening, and after the listener closed), again on a second try; socket(2)'s checks of type
 * and protocol; bind's EINVAL, EAFNOSUPPORT, EADDRINUSE; ENOTCONN, EPIPE and EINVAL from calls on
 * a socket that never connected; listen on UDP; socketpair on AF_INET. */
#define _GNU_SOURCE
#include <signal.h>
#include <netinet/tcp.h>
#include <sys/un.h>
#include "check.h"
#include "inet.h"

#define PORT 27141
#define PORT2 27142

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = loopback(PORT);
  errno = 0;
  CHECK(connect(s, (struct sockaddr *)&a, sizeof a) == -1 && errno == ECONNREFUSED);
  CHECK(connect(s, (struct sockaddr *)&a, sizeof a) == -1 && errno == ECONNREFUSED);
  char buf[16];
  CHECK(read(s, buf, sizeof buf) == -1 && errno == ENOTCONN);
  close(s);

  int b = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(bind(b, (struct sockaddr *)&a, sizeof a) == 0);
  s = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(connect(s, (struct sockaddr *)&a, sizeof a) == -1 && errno == ECONNREFUSED);
  close(s);
  close(b);

  int l = listener(PORT, 4);
  CHECK(l >= 0);
  int l2 = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(bind(l2, (struct sockaddr *)&a, sizeof a) == -1 && errno == EADDRINUSE);
  int one = 1;
  setsockopt(l2, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  CHECK(bind(l2, (struct sockaddr *)&a, sizeof a) == -1 && errno == EADDRINUSE);
  close(l2);
  s = connect_to(PORT);
  CHECK(s >= 0);
  close(s);
  close(l);
  s = socket(AF_INET, SOCK_STREAM, 0);
  CHECK(connect(s, (struct sockaddr *)&a, sizeof a) == -1 && errno == ECONNREFUSED);
  close(s);

  /* creation checks */
  CHECK(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP) == -1 && errno == EPROTONOSUPPORT);
  CHECK(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP) == -1 && errno == EPROTONOSUPPORT);
  CHECK(socket(AF_INET, SOCK_SEQPACKET, 0) == -1 && errno == ESOCKTNOSUPPORT);
  int sv[2];
  CHECK(socketpair(AF_INET, SOCK_STREAM, 0, sv) == -1 && errno == EOPNOTSUPP);
  int v = 0;
  socklen_t vl = sizeof v;
  s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  CHECK(getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &vl) == 0 && v == IPPROTO_TCP);
  CHECK(getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &vl) == 0 && v == AF_INET);
  CHECK(getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl) == 0 && v == 0);
  CHECK(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0);
  CHECK(getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &vl) == 0 && v == 1);
  CHECK(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) == 0);
  CHECK(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, &vl) == 0 && v == 1);
  CHECK(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, 2) == -1 && errno == EINVAL);
  CHECK(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &(int){65536}, sizeof(int)) == 0);
  CHECK(getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &vl) == 0 && v == 131072);
  CHECK(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &(int){1}, sizeof(int)) == 0);
  CHECK(getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &vl) == 0 && v == 2304);
  CHECK(setsockopt(s, IPPROTO_IP, IP_TOS, &(int){0x10}, sizeof(int)) == 0);
  CHECK(getsockopt(s, IPPROTO_IP, IP_TOS, &v, &vl) == 0 && v == 0x10);
  CHECK(getsockopt(s, IPPROTO_IP, IP_TTL, &v, &vl) == 0 && v == 64);
  CHECK(setsockopt(s, IPPROTO_IP, IP_TTL, &(int){0}, sizeof(int)) == -1 && errno == EINVAL);
  CHECK(getsockopt(s, SOL_SOCKET, SO_BROADCAST, &v, &vl) == 0 && v == 0);
  struct linger lg = {1, 0};
  socklen_t ll = sizeof lg;
  CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0);
  lg.l_onoff = 0;
  CHECK(getsockopt(s, SOL_SOCKET, SO_LINGER, &lg, &ll) == 0 && lg.l_onoff == 1 && lg.l_linger == 0);

  /* a socket that never connected */
  struct sockaddr_in peer;
  socklen_t pl = sizeof peer;
  CHECK(getpeername(s, (struct sockaddr *)&peer, &pl) == -1 && errno == ENOTCONN);
  CHECK(write(s, "x", 1) == -1 && errno == EPIPE);
  CHECK(recv(s, buf, sizeof buf, 0) == -1 && errno == ENOTCONN);
  CHECK(accept(s, NULL, NULL) == -1 && errno == EINVAL);
  struct sockaddr_in name;
  socklen_t nl = sizeof name;
  CHECK(getsockname(s, (struct sockaddr *)&name, &nl) == 0 && name.sin_port == 0 &&
        name.sin_addr.s_addr == 0);
  CHECK(bind(s, (struct sockaddr *)&a, sizeof a - 1) == -1 && errno == EINVAL);
  struct sockaddr_un un = {.sun_family = AF_UNIX};
  CHECK(bind(s, (struct sockaddr *)&un, sizeof a) == -1 && errno == EAFNOSUPPORT);
  struct sockaddr_in six = a;
  six.sin_family = AF_INET6;
  CHECK(connect(s, (struct sockaddr *)&six, sizeof six) == -1 && errno == EAFNOSUPPORT);
  struct sockaddr_in b2 = loopback(PORT2);
  CHECK(bind(s, (struct sockaddr *)&b2, sizeof b2) == 0);
  CHECK(bind(s, (struct sockaddr *)&b2, sizeof b2) == -1 && errno == EINVAL);
  CHECK(listen(s, 1) == 0 && listen(s, 5) == 0);
  CHECK(connect(s, (struct sockaddr *)&a, sizeof a) == -1 && errno == EISCONN);
  close(s);
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  CHECK(listen(u, 1) == -1 && errno == EOPNOTSUPP);
  CHECK(accept(u, NULL, NULL) == -1 && errno == EOPNOTSUPP);
  close(u);
  return check_failures;
}
