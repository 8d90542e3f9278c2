/* Writing to a TCP connection the peer closed, over 127.0.0.1: the first write after the peer's
 * FIN goes out and the peer's RST comes back; then writes fail with EPIPE and raise SIGPIPE (a
 * handler runs; MSG_NOSIGNAL spares it; SIG_IGN ignores it; the default kills). Closing with data
 * unread resets the peer (ECONNRESET, then end of file, then EPIPE), and so does SO_LINGER 0. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include "check.h"
#include "inet.h"

#define PORT 27151

static volatile sig_atomic_t sigpipes;
static void on_sigpipe(int sig) { (void)sig; sigpipes++; }

/* A connected pair: the client end in *c, the server end in *s. */
static int pair(int l, int *c, int *s) {
  *c = connect_to(PORT);
  *s = accept(l, NULL, NULL);
  return *c >= 0 && *s >= 0;
}

int main(void) {
  int l = listener(PORT, 4);
  CHECK(l >= 0);
  int c, s;
  char buf[64];

  CHECK(pair(l, &c, &s));
  CHECK(close(s) == 0);
  CHECK(read(c, buf, sizeof buf) == 0);
  CHECK(write(c, "x", 1) == 1);
  int r = wait_for(c, 0, 5000);
  CHECK(r > 0 && (r & POLLHUP) && (r & POLLERR));
  signal(SIGPIPE, on_sigpipe);
  CHECK(write(c, "y", 1) == -1 && errno == EPIPE && sigpipes == 1);
  CHECK(send(c, "y", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE && sigpipes == 1);
  CHECK(send(c, "y", 1, 0) == -1 && errno == EPIPE && sigpipes == 2);
  signal(SIGPIPE, SIG_IGN);
  CHECK(write(c, "y", 1) == -1 && errno == EPIPE && sigpipes == 2);
  close(c);

  /* the default action of SIGPIPE ends the writer */
  CHECK(pair(l, &c, &s));
  close(s);
  CHECK(read(c, buf, sizeof buf) == 0 && write(c, "x", 1) == 1 && wait_for(c, 0, 5000) > 0);
  pid_t pid = fork();
  if (pid == 0) {
    signal(SIGPIPE, SIG_DFL);
    write(c, "y", 1);
    _exit(0);
  }
  int st = 0;
  CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);
  close(c);

  /* closing with unread data resets the peer */
  CHECK(pair(l, &c, &s));
  CHECK(write(c, "abc", 3) == 3);
  CHECK(wait_for(s, POLLIN, 5000) == POLLIN);
  CHECK(close(s) == 0);
  r = wait_for(c, 0, 5000);
  CHECK(r > 0 && (r & POLLERR));
  CHECK(recv(c, buf, sizeof buf, 0) == -1 && errno == ECONNRESET);
  CHECK(recv(c, buf, sizeof buf, 0) == 0);
  CHECK(send(c, "z", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
  close(c);

  /* SO_LINGER with a zero timeout: close resets */
  CHECK(pair(l, &c, &s));
  struct linger lg = {1, 0};
  CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) == 0);
  CHECK(close(s) == 0);
  r = wait_for(c, 0, 5000);
  CHECK(r > 0 && (r & POLLERR) && (r & POLLHUP));
  int err = 0;
  socklen_t el = sizeof err;
  CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == ECONNRESET);
  CHECK(read(c, buf, sizeof buf) == 0);
  close(c);
  close(l);
  return check_failures;
}
