/* A TCP echo server over 127.0.0.1 with poll, and four forked clients that each make five
 * connections one after another, sending messages of several sizes and checking the echo; the
 * server counts connections and bytes, and each client's exit status says whether its echoes were
 * right. Also: accept4's flags, getsockname and getpeername of both ends. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include "check.h"
#include "inet.h"

#define PORT 27101
#define CLIENTS 4
#define ROUNDS 5
#define MAXCONN 64

static int client(int id) {
  static char out[40000], in[40000];
  int bad = 0;
  for (int round = 0; round < ROUNDS; round++) {
    int s = connect_to(PORT);
    if (s < 0) {
      return 100;
    }
    struct sockaddr_in peer;
    socklen_t pl = sizeof peer;
    if (getpeername(s, (struct sockaddr *)&peer, &pl) != 0 || ntohs(peer.sin_port) != PORT ||
        peer.sin_addr.s_addr != htonl(INADDR_LOOPBACK)) {
      bad++;
    }
    int sizes[3] = {1 + id, 1000 * (round + 1), 30000 + id * 100 + round};
    for (int k = 0; k < 3; k++) {
      for (int i = 0; i < sizes[k]; i++) {
        out[i] = (char)(i * 7 + id * 13 + round + k);
      }
      if (write_full(s, out, sizes[k]) != sizes[k] || read_full(s, in, sizes[k]) != sizes[k] ||
          memcmp(in, out, sizes[k]) != 0) {
        bad++;
      }
    }
    close(s);
  }
  return bad;
}

int main(void) {
  int l = listener(PORT, 16);
  CHECK(l >= 0);
  struct sockaddr_in name;
  socklen_t nl = sizeof name;
  CHECK(getsockname(l, (struct sockaddr *)&name, &nl) == 0 && nl == sizeof name &&
        ntohs(name.sin_port) == PORT && name.sin_family == AF_INET);
  int v = 0;
  socklen_t vl = sizeof v;
  CHECK(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl) == 0 && v == 1);
  fflush(stdout);
  pid_t pids[CLIENTS];
  for (int i = 0; i < CLIENTS; i++) {
    pids[i] = fork();
    if (pids[i] == 0) {
      close(l);
      _exit(client(i));
    }
  }
  struct pollfd fds[MAXCONN];
  int n = 1, accepted = 0, closed = 0, cloexec_ok = 1, names_ok = 1;
  long echoed = 0;
  fds[0].fd = l;
  fds[0].events = POLLIN;
  static char buf[8192];
  while (closed < CLIENTS * ROUNDS) {
    if (poll(fds, n, 20000) <= 0) {
      break;
    }
    for (int i = n - 1; i >= 1; i--) {
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        long r = read(fds[i].fd, buf, sizeof buf);
        if (r > 0) {
          if (write_full(fds[i].fd, buf, r) != r) {
            names_ok = 0;
          }
          echoed += r;
        } else {
          close(fds[i].fd);
          fds[i] = fds[--n];
          closed++;
        }
      }
    }
    if (fds[0].revents & POLLIN) {
      struct sockaddr_in from;
      socklen_t fl = sizeof from;
      int c = accept4(l, (struct sockaddr *)&from, &fl, SOCK_CLOEXEC);
      if (c >= 0 && n < MAXCONN) {
        accepted++;
        if (fcntl(c, F_GETFD) != FD_CLOEXEC) {
          cloexec_ok = 0;
        }
        struct sockaddr_in self;
        socklen_t sl = sizeof self;
        if (fl != sizeof from || from.sin_addr.s_addr != htonl(INADDR_LOOPBACK) ||
            ntohs(from.sin_port) < 1024 || getsockname(c, (struct sockaddr *)&self, &sl) != 0 ||
            ntohs(self.sin_port) != PORT) {
          names_ok = 0;
        }
        fds[n].fd = c;
        fds[n].events = POLLIN;
        n++;
      }
    }
  }
  printf("accepted %d connections, closed %d, echoed %ld bytes\n", accepted, closed, echoed);
  CHECK(accepted == CLIENTS * ROUNDS);
  CHECK(cloexec_ok && names_ok);
  for (int i = 0; i < CLIENTS; i++) {
    int st = -1;
    waitpid(pids[i], &st, 0);
    printf("client %d: exit %d\n", i, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
      check_failures++;
    }
  }
  close(l);
  return check_failures;
}
