/* Links: hard links raise st_nlink and share the inode, unlinking one keeps the data, symlinks
 * read back with readlink (not NUL-terminated, truncated to the buffer), lstat versus stat,
 * dangling symlinks, ELOOP on a self-loop and EEXIST on an existing name. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

#define A "/tmp/pj_links_a"
#define B "/tmp/pj_links_b"
#define S "/tmp/pj_links_s"
#define LOOP "/tmp/pj_links_loop"

int main(void) {
  unlink(A), unlink(B), unlink(S), unlink(LOOP);
  int fd = open(A, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  CHECK(fd >= 0 && write(fd, "payload", 7) == 7);
  close(fd);
  struct stat sa, sb, ss;
  CHECK(link(A, B) == 0);
  CHECK(stat(A, &sa) == 0 && stat(B, &sb) == 0);
  CHECK(sa.st_ino == sb.st_ino && sa.st_nlink == 2);
  CHECK(link(A, B) == -1 && errno == EEXIST);
  CHECK(symlink(A, S) == 0);
  CHECK(lstat(S, &ss) == 0 && S_ISLNK(ss.st_mode) && ss.st_size == (off_t)strlen(A));
  CHECK(stat(S, &ss) == 0 && S_ISREG(ss.st_mode) && ss.st_ino == sa.st_ino);
  char buf[64];
  memset(buf, 'x', sizeof buf);
  ssize_t n = readlink(S, buf, sizeof buf);
  CHECK(n == (ssize_t)strlen(A) && memcmp(buf, A, (size_t)n) == 0 && buf[n] == 'x');
  CHECK(readlink(S, buf, 4) == 4 && memcmp(buf, "/tmp", 4) == 0);
  CHECK(readlink(A, buf, sizeof buf) == -1 && errno == EINVAL);
  fd = open(S, O_RDONLY);
  memset(buf, 0, sizeof buf);
  CHECK(fd >= 0 && read(fd, buf, sizeof buf) == 7 && strcmp(buf, "payload") == 0);
  close(fd);
  CHECK(unlink(A) == 0 && stat(B, &sb) == 0 && sb.st_nlink == 1);
  CHECK(stat(S, &ss) == -1 && errno == ENOENT); /* now dangling */
  CHECK(lstat(S, &ss) == 0);
  fd = open(B, O_RDONLY);
  memset(buf, 0, sizeof buf);
  CHECK(fd >= 0 && read(fd, buf, sizeof buf) == 7 && strcmp(buf, "payload") == 0);
  close(fd);
  CHECK(symlink(LOOP, LOOP) == 0 && open(LOOP, O_RDONLY) == -1 && errno == ELOOP);
  CHECK(open(S, O_RDONLY | O_NOFOLLOW) == -1 && errno == ELOOP);
  CHECK(unlink(B) == 0 && unlink(S) == 0 && unlink(LOOP) == 0);
  return check_failures;
}
