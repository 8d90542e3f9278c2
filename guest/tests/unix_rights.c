/* SCM_RIGHTS over AF_UNIX sockets: a pipe's write end passed to a forked child works there after
 * the sender closed its own copy; MSG_CMSG_CLOEXEC (which msg_flags reports back); MSG_CTRUNC when
 * the control buffer has no room (the files are closed); EBADF and EINVAL for bad control
 * messages; a stream read stops after the segment that carried files; datagrams carry them too.
 * (A buffer with room for some of the files is left out: qemu-user receives into a larger buffer
 * of its own, so it cannot show Linux's behaviour there.) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static ssize_t send_fds(int s, const char *data, const int *fds, int n) {
  char ctl[CMSG_SPACE(sizeof(int) * 4)];
  memset(ctl, 0, sizeof ctl);
  struct iovec iov = {(void *)data, strlen(data)};
  struct msghdr mh = {0};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = ctl;
  mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
  struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int) * n);
  memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
  return sendmsg(s, &mh, 0);
}

/* Receives into buf; returns the count and stores up to *n passed descriptors. */
static ssize_t recv_fds(int s, char *buf, size_t len, int *fds, int *n, size_t ctllen, int flags,
                        int *mflags) {
  char ctl[256];
  struct iovec iov = {buf, len};
  struct msghdr mh = {0};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = ctllen ? ctl : NULL;
  mh.msg_controllen = ctllen;
  ssize_t r = recvmsg(s, &mh, flags);
  int k = 0;
  if (r >= 0 && ctllen) {
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
        int m = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        memcpy(fds + k, CMSG_DATA(c), m * sizeof(int));
        k += m;
      }
    }
  }
  *n = k;
  if (mflags) *mflags = mh.msg_flags;
  return r;
}

int main(void) {
  int sv[2], p[2], fds[4], n, mf;
  char buf[64];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  CHECK(pipe(p) == 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    close(p[1]);
    close(p[0]);
    ssize_t r = recv_fds(sv[1], buf, sizeof buf, fds, &n, 64, 0, NULL);
    if (r != 4 || n != 1) _exit(1);
    if (write(fds[0], "via passed fd", 13) != 13) _exit(2);
    _exit(0);
  }
  close(sv[1]);
  CHECK(send_fds(sv[0], "pipe", &p[1], 1) == 4);
  close(p[1]);
  int st;
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  CHECK(read(p[0], buf, sizeof buf) == 13 && memcmp(buf, "via passed fd", 13) == 0);
  CHECK(read(p[0], buf, sizeof buf) == 0);
  close(p[0]);
  close(sv[0]);

  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  int devnull = open("/dev/null", O_WRONLY);
  int two[2] = {devnull, devnull};
  /* cloexec on receipt, and the same open file arrives */
  CHECK(send_fds(sv[0], "ab", two, 2) == 2);
  CHECK(send_fds(sv[0], "cd", two, 1) == 2);
  CHECK(recv_fds(sv[1], buf, sizeof buf, fds, &n, 64, MSG_CMSG_CLOEXEC, &mf) == 2 && n == 2);
  CHECK(mf == MSG_CMSG_CLOEXEC && fcntl(fds[0], F_GETFD) == FD_CLOEXEC && fds[0] != fds[1]);
  struct stat s1, s2;
  CHECK(fstat(fds[0], &s1) == 0 && fstat(devnull, &s2) == 0 && s1.st_rdev == s2.st_rdev);
  close(fds[0]);
  close(fds[1]);
  /* too small a control buffer: MSG_CTRUNC and no descriptor */
  CHECK(recv_fds(sv[1], buf, sizeof buf, fds, &n, 8, 0, &mf) == 2 && n == 0);
  CHECK((mf & MSG_CTRUNC) != 0);
  /* a read stops after the segment that passed files */
  CHECK(write(sv[0], "gh", 2) == 2 && send_fds(sv[0], "ij", two, 1) == 2);
  CHECK(write(sv[0], "kl", 2) == 2);
  CHECK(recv_fds(sv[1], buf, sizeof buf, fds, &n, 64, 0, NULL) == 4 && n == 1);
  close(fds[0]);
  CHECK(recv_fds(sv[1], buf, sizeof buf, fds, &n, 64, 0, NULL) == 2 && n == 0);
  /* files that read(2) cannot take are dropped */
  CHECK(send_fds(sv[0], "mn", two, 1) == 2 && read(sv[1], buf, sizeof buf) == 2);
  /* bad control messages */
  int bad = 99;
  CHECK(send_fds(sv[0], "x", &bad, 1) == -1 && errno == EBADF);
  char ctl[CMSG_SPACE(sizeof(int))];
  memset(ctl, 0, sizeof ctl);
  struct iovec iov = {"x", 1};
  struct msghdr mh = {0};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = ctl;
  mh.msg_controllen = sizeof ctl;
  struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = 77;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  CHECK(sendmsg(sv[0], &mh, 0) == -1 && errno == EINVAL);
  c->cmsg_level = 6;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  CHECK(sendmsg(sv[0], &mh, 0) == 1);
  CHECK(recv(sv[1], buf, sizeof buf, 0) == 1);
  close(sv[0]);
  close(sv[1]);

  /* datagrams carry files; a peek gets its own copies */
  CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
  CHECK(send_fds(sv[0], "dg", two, 1) == 2);
  CHECK(recv_fds(sv[1], buf, sizeof buf, fds, &n, 64, MSG_PEEK, NULL) == 2 && n == 1);
  int peeked = fds[0];
  CHECK(recv_fds(sv[1], buf, sizeof buf, fds, &n, 64, 0, NULL) == 2 && n == 1 && fds[0] != peeked);
  close(fds[0]);
  close(peeked);
  close(sv[0]);
  close(sv[1]);
  close(devnull);
  CHECK(fcntl(3, F_GETFD) == -1 && errno == EBADF);
  return check_failures;
}
