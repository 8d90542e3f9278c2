/* sendfile(2), as cat and cp in busybox use it: from a file's offset (which advances) into a pipe;
 * from an explicit offset (which advances instead, the file's own offset untouched); a count past
 * the end stops at the end; at the end it returns 0; a write-only source or a read-only
 * destination is EBADF; an explicit offset on a pipe source is ESPIPE; a negative one is EINVAL;
 * into a pipe whose reader is gone it is EPIPE (SIGPIPE ignored). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/sendfile.h>
#include <unistd.h>
#include "check.h"

#define PATH "/tmp/pj_sendfile.dat"

int main(void) {
  unlink(PATH);
  int fd = open(PATH, O_RDWR | O_CREAT | O_EXCL, 0644);
  CHECK(fd >= 0);
  CHECK(write(fd, "0123456789abcdef", 16) == 16);
  CHECK(lseek(fd, 2, SEEK_SET) == 2);

  int p[2];
  CHECK(pipe(p) == 0);
  CHECK(sendfile(p[1], fd, NULL, 5) == 5);
  CHECK(lseek(fd, 0, SEEK_CUR) == 7);
  char buf[32] = {0};
  CHECK(read(p[0], buf, sizeof buf) == 5 && memcmp(buf, "23456", 5) == 0);

  off_t off = 10;
  CHECK(sendfile(p[1], fd, &off, 100) == 6);
  CHECK(off == 16);
  CHECK(lseek(fd, 0, SEEK_CUR) == 7);
  CHECK(read(p[0], buf, sizeof buf) == 6 && memcmp(buf, "abcdef", 6) == 0);
  CHECK(sendfile(p[1], fd, &off, 4) == 0);

  int wo = open(PATH, O_WRONLY);
  CHECK(sendfile(p[1], wo, NULL, 1) == -1 && errno == EBADF);
  CHECK(sendfile(p[0], fd, NULL, 1) == -1 && errno == EBADF);
  off = -1;
  CHECK(sendfile(p[1], fd, &off, 1) == -1 && errno == EINVAL);
  off = 0;
  CHECK(sendfile(wo, p[0], &off, 1) == -1 && errno == ESPIPE);

  signal(SIGPIPE, SIG_IGN);
  close(p[0]);
  CHECK(sendfile(p[1], fd, NULL, 3) == -1 && errno == EPIPE);
  CHECK(lseek(fd, 0, SEEK_CUR) == 7);

  close(wo);
  close(fd);
  close(p[1]);
  unlink(PATH);
  return check_failures;
}
