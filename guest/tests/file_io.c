/* File descriptors on a regular file: open with O_CREAT|O_EXCL, write, lseek (SET, CUR, END and a
 * hole past the end), read, pread/pwrite that leave the offset alone, ftruncate both ways, stat
 * and fstat sizes, O_APPEND and O_TRUNC. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

#define PATH "/tmp/pj_file_io.dat"

int main(void) {
  unlink(PATH);
  int fd = open(PATH, O_RDWR | O_CREAT | O_EXCL, 0644);
  CHECK(fd >= 0);
  CHECK(open(PATH, O_RDWR | O_CREAT | O_EXCL, 0644) == -1 && errno == EEXIST);
  CHECK(write(fd, "hello, world", 12) == 12);
  CHECK(lseek(fd, 0, SEEK_CUR) == 12);
  CHECK(lseek(fd, 7, SEEK_SET) == 7);
  char buf[64] = {0};
  CHECK(read(fd, buf, sizeof buf) == 5 && memcmp(buf, "world", 5) == 0);
  CHECK(read(fd, buf, sizeof buf) == 0);
  CHECK(lseek(fd, -5, SEEK_END) == 7);
  CHECK(lseek(fd, -100, SEEK_SET) == -1 && errno == EINVAL);
  CHECK(pwrite(fd, "WORLD", 5, 7) == 5);
  CHECK(lseek(fd, 0, SEEK_CUR) == 7);
  memset(buf, 0, sizeof buf);
  CHECK(pread(fd, buf, 12, 0) == 12 && strcmp(buf, "hello, WORLD") == 0);
  CHECK(lseek(fd, 100, SEEK_SET) == 100 && write(fd, "!", 1) == 1);
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && st.st_size == 101 && S_ISREG(st.st_mode));
  CHECK((st.st_mode & 07777) == (0644 & ~umask(022)));
  memset(buf, 'x', sizeof buf);
  CHECK(pread(fd, buf, 10, 50) == 10 && buf[0] == 0 && buf[9] == 0); /* the hole reads as zeros */
  CHECK(ftruncate(fd, 5) == 0 && stat(PATH, &st) == 0 && st.st_size == 5);
  CHECK(ftruncate(fd, 4096) == 0 && fstat(fd, &st) == 0 && st.st_size == 4096);
  CHECK(pread(fd, buf, 8, 4000) == 8 && buf[0] == 0);
  CHECK(ftruncate(fd, -1) == -1 && errno == EINVAL);
  close(fd);

  fd = open(PATH, O_WRONLY | O_APPEND);
  CHECK(fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 && write(fd, "tail", 4) == 4);
  CHECK(fstat(fd, &st) == 0 && st.st_size == 4100);
  CHECK(read(fd, buf, 1) == -1 && errno == EBADF);
  close(fd);
  fd = open(PATH, O_RDWR | O_TRUNC);
  CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0);
  close(fd);
  CHECK(open(PATH "/x", O_RDONLY) == -1 && errno == ENOTDIR);
  CHECK(unlink(PATH) == 0 && stat(PATH, &st) == -1 && errno == ENOENT);
  return check_failures;
}
