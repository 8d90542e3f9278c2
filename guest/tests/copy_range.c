/* copy_file_range, splice and close_range as Linux gives them: copies between files at offsets
 * and at the files' own positions, the checks (flags, directories, O_APPEND, overlap within one
 * file, a pipe end with an offset), a pipe moved to a file and back, and descriptors closed or
 * marked close-on-exec by range. Prints results and errno names only. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *err(long r) {
  static char buf[32];
  if (r >= 0) {
    snprintf(buf, sizeof buf, "%ld", r);
    return buf;
  }
  switch (errno) {
    case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";
    case EISDIR: return "EISDIR";
    case ESPIPE: return "ESPIPE";
    case EXDEV: return "EXDEV";
    case ENOSYS: return "ENOSYS";
    default: snprintf(buf, sizeof buf, "errno %d", errno); return buf;
  }
}

static void show(const char *what, int fd, off_t at, size_t n) {
  char buf[64] = {0};
  ssize_t r = pread(fd, buf, n, at);
  printf("%s: %zd '%.*s'\n", what, r, (int)(r > 0 ? r : 0), buf);
}

int main(void) {
  char dir[] = "/tmp/copyrangeXXXXXX";
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  char a[64], b[64];
  snprintf(a, sizeof a, "%s/a", dir);
  snprintf(b, sizeof b, "%s/b", dir);
  int fa = open(a, O_RDWR | O_CREAT | O_TRUNC, 0644);
  int fb = open(b, O_RDWR | O_CREAT | O_TRUNC, 0644);
  write(fa, "hello, copy_file_range", 22);

  off_t in = 7, out = 2;
  printf("offsets: %s", err(copy_file_range(fa, &in, fb, &out, 4, 0)));
  printf(" in=%lld out=%lld\n", (long long)in, (long long)out);
  show("b", fb, 0, 16);
  lseek(fa, 0, SEEK_SET);
  lseek(fb, 0, SEEK_SET);
  printf("own positions: %s", err(copy_file_range(fa, NULL, fb, NULL, 5, 0)));
  printf(" fa at %lld fb at %lld\n", (long long)lseek(fa, 0, SEEK_CUR), (long long)lseek(fb, 0, SEEK_CUR));
  show("b", fb, 0, 16);
  printf("past the end: %s\n", err(copy_file_range(fa, NULL, fb, NULL, 100, 0)));
  printf("at the end: %s\n", err(copy_file_range(fa, NULL, fb, NULL, 100, 0)));
  printf("flags: %s\n", err(copy_file_range(fa, NULL, fb, NULL, 1, 1)));
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  printf("directory: %s\n", err(copy_file_range(fd, NULL, fb, NULL, 1, 0)));
  int app = open(b, O_WRONLY | O_APPEND);
  printf("append: %s\n", err(copy_file_range(fa, NULL, app, NULL, 1, 0)));
  off_t o1 = 0, o2 = 3;
  printf("overlap: %s\n", err(copy_file_range(fa, &o1, fa, &o2, 10, 0)));
  printf("bad fd: %s\n", err(copy_file_range(99, NULL, fb, NULL, 1, 0)));

  int p[2];
  pipe(p);
  write(p[1], "through a pipe", 14);
  off_t at = 0;
  int fc = open(b, O_RDWR);
  printf("splice pipe->file: %s\n", err(splice(p[0], NULL, fc, &at, 64, 0)));
  show("b", fc, 0, 14);
  at = 8;
  printf("splice file->pipe: %s\n", err(splice(fc, &at, p[1], NULL, 4, 0)));
  char got[8] = {0};
  read(p[0], got, 4);
  printf("pipe holds '%s'\n", got);
  off_t bad = 0;
  printf("offset on a pipe: %s\n", err(splice(p[0], &bad, fc, NULL, 4, 0)));
  printf("no pipe: %s\n", err(splice(fa, NULL, fc, NULL, 4, 0)));

  int d1 = dup(fa), d2 = dup(fa), d3 = dup(fa);
  printf("close_range cloexec: %s", err(syscall(SYS_close_range, d1, d2, 4 /* CLOSE_RANGE_CLOEXEC */)));
  printf(" flags %d %d %d\n", fcntl(d1, F_GETFD), fcntl(d2, F_GETFD), fcntl(d3, F_GETFD));
  printf("close_range: %s", err(syscall(SYS_close_range, d1, d3, 0)));
  printf(" d1 %s\n", fcntl(d1, F_GETFD) < 0 && errno == EBADF ? "closed" : "open");
  printf("close_range bad: %s\n", err(syscall(SYS_close_range, 5, 3, 0)));

  unlink(a);
  unlink(b);
  rmdir(dir);
  return 0;
}
