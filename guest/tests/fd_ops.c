/* Descriptor operations: dup takes the lowest free number, dup2 onto an open fd closes it first,
 * dup2 of an fd to itself, dup3 with O_CLOEXEC, fcntl F_DUPFD above a floor, F_GETFD/F_SETFD
 * (FD_CLOEXEC), F_GETFL/F_SETFL (O_APPEND, O_NONBLOCK), shared offsets between duplicates, and
 * EBADF on closed descriptors. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>
#include "check.h"

#define PATH "/tmp/pj_fd_ops.dat"

int main(void) {
  int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
  CHECK(fd == 3);
  int d = dup(fd);
  CHECK(d == 4);
  CHECK(write(fd, "abcdef", 6) == 6);
  CHECK(lseek(d, 0, SEEK_CUR) == 6); /* one open file description, one offset */
  CHECK(lseek(d, 2, SEEK_SET) == 2 && lseek(fd, 0, SEEK_CUR) == 2);
  int other = open(PATH, O_RDONLY);
  CHECK(other == 5 && lseek(other, 0, SEEK_CUR) == 0);
  CHECK(dup2(other, d) == d); /* closes the old 4 */
  char c;
  CHECK(read(d, &c, 1) == 1 && c == 'a' && lseek(other, 0, SEEK_CUR) == 1);
  CHECK(dup2(fd, fd) == fd);
  CHECK(dup2(fd, 99) == 99 && close(99) == 0);
  CHECK(dup2(42, 43) == -1 && errno == EBADF);
  CHECK(fcntl(fd, F_DUPFD, 20) == 20);
  CHECK(fcntl(fd, F_DUPFD, 20) == 21);
  CHECK(fcntl(20, F_GETFD) == 0);
  CHECK(fcntl(fd, F_DUPFD_CLOEXEC, 20) == 22 && fcntl(22, F_GETFD) == FD_CLOEXEC);
  CHECK(fcntl(20, F_SETFD, FD_CLOEXEC) == 0 && fcntl(20, F_GETFD) == FD_CLOEXEC);
  CHECK(dup3(fd, 30, O_CLOEXEC) == 30 && fcntl(30, F_GETFD) == FD_CLOEXEC);
  CHECK(dup3(fd, fd, 0) == -1 && errno == EINVAL);
  CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
  CHECK((fcntl(other, F_GETFL) & O_ACCMODE) == O_RDONLY);
  CHECK(fcntl(fd, F_SETFL, O_APPEND) == 0 && (fcntl(fd, F_GETFL) & O_APPEND) != 0);
  CHECK((fcntl(20, F_GETFL) & O_APPEND) != 0); /* flags live in the shared description */
  CHECK(lseek(fd, 0, SEEK_SET) == 0 && write(fd, "Z", 1) == 1 && lseek(fd, 0, SEEK_CUR) == 7);
  CHECK(fcntl(fd, F_SETFL, O_NONBLOCK) == 0 && (fcntl(fd, F_GETFL) & (O_NONBLOCK | O_APPEND)) == O_NONBLOCK);
  CHECK(close(20) == 0 && close(20) == -1 && errno == EBADF);
  CHECK(fcntl(20, F_GETFD) == -1 && errno == EBADF);
  CHECK(dup(fd) == 6); /* the lowest free number: 0-5 are taken */
  for (int i = 3; i < 40; i++) close(i);
  CHECK(unlink(PATH) == 0);
  return check_failures;
}
