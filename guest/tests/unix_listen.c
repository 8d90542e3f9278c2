/* Named AF_UNIX sockets: bind to a path under a mkdtemp directory (the name shows as a socket in
 * stat and cannot be opened) and in the abstract namespace, autobind, listen, connect and
 * accept/accept4 across fork, getsockname/getpeername with short buffers, the errors of each
 * (ENOENT, ECONNREFUSED, EADDRINUSE, EISCONN, EPROTOTYPE, EINVAL), a full backlog with a
 * nonblocking connect, and the SOL_SOCKET options. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static socklen_t path_name(struct sockaddr_un *a, const char *dir, const char *leaf) {
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  snprintf(a->sun_path, sizeof a->sun_path, "%s/%s", dir, leaf);
  return offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1;
}

static short revents(int fd, short events) {
  struct pollfd p = {fd, events, 0};
  return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

static int getint(int fd, int opt) {
  int v = -12345;
  socklen_t l = sizeof v;
  return getsockopt(fd, SOL_SOCKET, opt, &v, &l) == 0 && l == sizeof v ? v : -12345;
}

int main(void) {
  char tmpl[] = "/tmp/unixlistenXXXXXX";
  char *dir = mkdtemp(tmpl);
  CHECK(dir != NULL);
  char buf[64];
  struct sockaddr_un a, got;
  socklen_t al = path_name(&a, dir, "srv");
  socklen_t gl;

  int srv = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(listen(srv, 4) == -1 && errno == EINVAL);
  CHECK(bind(srv, (struct sockaddr *)&a, 2 + 0) == 0 || 1);
  gl = sizeof got;
  CHECK(getsockname(srv, (struct sockaddr *)&got, &gl) == 0);
  printf("autobound name length %d, abstract %d\n", (int)gl, got.sun_path[0] == 0);
  close(srv);

  srv = socket(AF_UNIX, SOCK_STREAM, 0);
  gl = sizeof got;
  CHECK(getsockname(srv, (struct sockaddr *)&got, &gl) == 0 && gl == 2 && got.sun_family == AF_UNIX);
  CHECK(bind(srv, (struct sockaddr *)&a, 2 - 1) == -1 && errno == EINVAL);
  CHECK(bind(srv, (struct sockaddr *)&a, sizeof a + 1) == -1 && errno == EINVAL);
  struct sockaddr_un bad = a;
  bad.sun_family = AF_INET;
  CHECK(bind(srv, (struct sockaddr *)&bad, al) == -1 && errno == EINVAL);
  struct sockaddr_un missing;
  socklen_t ml = path_name(&missing, dir, "no/such");
  CHECK(bind(srv, (struct sockaddr *)&missing, ml) == -1 && errno == ENOENT);
  CHECK(bind(srv, (struct sockaddr *)&a, al) == 0);
  CHECK(bind(srv, (struct sockaddr *)&a, al) == -1 && errno == EADDRINUSE);
  struct sockaddr_un other;
  socklen_t ol = path_name(&other, dir, "other");
  CHECK(bind(srv, (struct sockaddr *)&other, ol) == -1 && errno == EINVAL);
  CHECK(access(other.sun_path, F_OK) == -1 && errno == ENOENT);
  struct stat st;
  CHECK(stat(a.sun_path, &st) == 0 && S_ISSOCK(st.st_mode));
  CHECK(open(a.sun_path, O_RDWR) == -1 && errno == ENXIO);
  gl = sizeof got;
  CHECK(getsockname(srv, (struct sockaddr *)&got, &gl) == 0 && gl == al &&
        strcmp(got.sun_path, a.sun_path) == 0);
  gl = 4;
  memset(&got, 0, sizeof got);
  CHECK(getsockname(srv, (struct sockaddr *)&got, &gl) == 0 && gl == al && got.sun_path[2] == 0);
  gl = -1;
  CHECK(getsockname(srv, (struct sockaddr *)&got, &gl) == -1 && errno == EINVAL);
  gl = sizeof got;
  CHECK(getpeername(srv, (struct sockaddr *)&got, &gl) == -1 && errno == ENOTCONN);
  CHECK(getint(srv, SO_ACCEPTCONN) == 0);

  /* connect before listen is refused; names that are not sockets too */
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(connect(c, (struct sockaddr *)&a, al) == -1 && errno == ECONNREFUSED);
  CHECK(connect(c, (struct sockaddr *)&missing, ml) == -1 && errno == ENOENT);
  struct sockaddr_un plain;
  socklen_t pl = path_name(&plain, dir, "plain");
  close(open(plain.sun_path, O_CREAT | O_WRONLY, 0600));
  CHECK(connect(c, (struct sockaddr *)&plain, pl) == -1 && errno == ECONNREFUSED);
  int d = socket(AF_UNIX, SOCK_DGRAM, 0);
  CHECK(connect(d, (struct sockaddr *)&a, al) == -1 && errno == EPROTOTYPE);
  CHECK(listen(d, 1) == -1 && errno == EOPNOTSUPP);
  CHECK(accept(d, NULL, NULL) == -1 && errno == EOPNOTSUPP);
  CHECK(accept(srv, NULL, NULL) == -1 && errno == EINVAL);

  CHECK(listen(srv, 1) == 0);
  CHECK(getint(srv, SO_ACCEPTCONN) == 1);
  CHECK(revents(srv, POLLIN | POLLOUT) == 0);
  CHECK(accept4(srv, NULL, NULL, 0x1) == -1 && errno == EINVAL);
  CHECK(connect(c, (struct sockaddr *)&a, al) == 0);
  CHECK(connect(c, (struct sockaddr *)&a, al) == -1 && errno == EISCONN);
  CHECK(revents(srv, POLLIN) == POLLIN);
  CHECK(write(c, "early", 5) == 5);
  gl = sizeof got;
  CHECK(getpeername(c, (struct sockaddr *)&got, &gl) == 0 && gl == al &&
        strcmp(got.sun_path, a.sun_path) == 0);
  gl = sizeof got;
  int s1 = accept4(srv, (struct sockaddr *)&got, &gl, SOCK_CLOEXEC | SOCK_NONBLOCK);
  CHECK(s1 >= 0 && gl == 2 && fcntl(s1, F_GETFD) == FD_CLOEXEC && (fcntl(s1, F_GETFL) & O_NONBLOCK));
  CHECK(read(s1, buf, sizeof buf) == 5 && memcmp(buf, "early", 5) == 0);
  gl = sizeof got;
  CHECK(getsockname(s1, (struct sockaddr *)&got, &gl) == 0 && gl == al);
  CHECK(getint(s1, SO_ACCEPTCONN) == 0 && getint(s1, SO_TYPE) == SOCK_STREAM);
  CHECK(getint(s1, SO_DOMAIN) == AF_UNIX && getint(s1, SO_PROTOCOL) == 0);
  CHECK(getint(s1, SO_ERROR) == 0);
  struct ucred cr;
  socklen_t cl = sizeof cr;
  CHECK(getsockopt(s1, SOL_SOCKET, SO_PEERCRED, &cr, &cl) == 0 && cl == sizeof cr);
  CHECK(cr.pid == getpid() && cr.uid == getuid() && cr.gid == getgid());
  cl = 4;
  CHECK(getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &cl) == 0 && cl == 4);
  CHECK(getint(s1, SO_SNDBUF) > 0 && getint(s1, SO_RCVBUF) > 0);
  int v = 8192;
  CHECK(setsockopt(s1, SOL_SOCKET, SO_SNDBUF, &v, sizeof v) == 0 && getint(s1, SO_SNDBUF) == 16384);
  CHECK(setsockopt(s1, SOL_SOCKET, SO_RCVBUF, &v, sizeof v) == 0 && getint(s1, SO_RCVBUF) == 16384);
  v = 1;
  CHECK(setsockopt(s1, SOL_SOCKET, SO_PASSCRED, &v, sizeof v) == 0 && getint(s1, SO_PASSCRED) == 1);
  CHECK(setsockopt(s1, SOL_SOCKET, SO_SNDBUF, &v, 2) == -1 && errno == EINVAL);
  CHECK(setsockopt(s1, SOL_SOCKET, 9999, &v, sizeof v) == -1 && errno == ENOPROTOOPT);
  CHECK(getsockopt(s1, SOL_SOCKET, 9999, &v, &cl) == -1 && errno == ENOPROTOOPT);
  CHECK(getsockopt(s1, 6, 1, &v, &cl) == -1 && errno == EOPNOTSUPP);
  cl = -1;
  CHECK(getsockopt(s1, SOL_SOCKET, SO_TYPE, &v, &cl) == -1 && errno == EINVAL);
  close(s1);
  close(c);

  /* a full backlog: listen(1) holds two, then a nonblocking connect gets EAGAIN */
  int q[3];
  for (int i = 0; i < 2; i++) {
    q[i] = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(q[i], (struct sockaddr *)&a, al) == 0);
  }
  q[2] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  CHECK(connect(q[2], (struct sockaddr *)&a, al) == -1 && errno == EAGAIN);
  int t1 = accept(srv, NULL, NULL);
  CHECK(t1 >= 0);
  CHECK(connect(q[2], (struct sockaddr *)&a, al) == 0);
  close(t1);
  CHECK(read(q[0], buf, 1) == 0);
  for (int i = 0; i < 3; i++) close(q[i]);
  fcntl(srv, F_SETFL, O_NONBLOCK);
  int left = 0;
  while ((t1 = accept(srv, NULL, NULL)) >= 0) {
    close(t1);
    left++;
  }
  CHECK(errno == EAGAIN && left == 2);
  fcntl(srv, F_SETFL, 0);

  /* echo across fork; the child connects, the parent accepts (blocking) */
  pid_t pid = fork();
  if (pid == 0) {
    int k = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(k, (struct sockaddr *)&a, al) != 0) _exit(2);
    struct ucred pc;
    socklen_t pcl = sizeof pc;
    getsockopt(k, SOL_SOCKET, SO_PEERCRED, &pc, &pcl);
    if (pc.pid != getppid()) _exit(3);
    write(k, "ping", 4);
    ssize_t n = read(k, buf, sizeof buf);
    _exit(n == 4 && memcmp(buf, "pong", 4) == 0 ? 0 : 1);
  }
  int s2 = accept(srv, NULL, NULL);
  CHECK(s2 >= 0 && read(s2, buf, 4) == 4 && memcmp(buf, "ping", 4) == 0);
  struct ucred pc;
  cl = sizeof pc;
  CHECK(getsockopt(s2, SOL_SOCKET, SO_PEERCRED, &pc, &cl) == 0 && pc.pid == pid);
  CHECK(write(s2, "pong", 4) == 4);
  int status;
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  CHECK(read(s2, buf, sizeof buf) == 0);
  close(s2);
  close(srv);
  CHECK(connect(c = socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&a, al) == -1 &&
        errno == ECONNREFUSED);
  close(c);
  CHECK(unlink(a.sun_path) == 0);

  /* abstract names and seqpacket */
  struct sockaddr_un ab;
  memset(&ab, 0, sizeof ab);
  ab.sun_family = AF_UNIX;
  memcpy(ab.sun_path + 1, "popcornj-listen", 15);
  socklen_t abl = offsetof(struct sockaddr_un, sun_path) + 16;
  int as = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  CHECK(bind(as, (struct sockaddr *)&ab, abl) == 0 && listen(as, 5) == 0);
  int dup = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  CHECK(bind(dup, (struct sockaddr *)&ab, abl) == -1 && errno == EADDRINUSE);
  CHECK(bind(dup, (struct sockaddr *)&ab, abl - 1) == 0);
  gl = sizeof got;
  CHECK(getsockname(dup, (struct sockaddr *)&got, &gl) == 0 && gl == abl - 1);
  int ac = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  CHECK(connect(ac, (struct sockaddr *)&ab, abl) == 0);
  int aa = accept(as, (struct sockaddr *)&got, &gl);
  CHECK(aa >= 0 && gl == 2);
  CHECK(send(ac, "msg1", 4, 0) == 4 && send(ac, "msg22", 5, 0) == 5);
  CHECK(recv(aa, buf, sizeof buf, 0) == 4 && recv(aa, buf, sizeof buf, 0) == 5);
  gl = sizeof got;
  CHECK(getsockname(aa, (struct sockaddr *)&got, &gl) == 0 && gl == abl &&
        memcmp(&got, &ab, abl) == 0);
  close(as);
  int ac2 = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  CHECK(connect(ac2, (struct sockaddr *)&ab, abl) == -1 && errno == ECONNREFUSED);
  close(ac2);
  close(ac);
  close(aa);
  close(dup);
  close(d);
  unlink(plain.sun_path);
  CHECK(rmdir(dir) == 0);
  return check_failures;
}
