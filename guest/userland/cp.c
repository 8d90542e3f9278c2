/* cp SRC DST | cp SRC... DIR: copies regular files, keeping the permission bits. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy(const char *from, const char *to) {
  struct stat st;
  int in = open(from, O_RDONLY);
  if (in < 0 || fstat(in, &st) != 0) {
    fprintf(stderr, "cp: %s: %s\n", from, strerror(errno));
    if (in >= 0) close(in);
    return 1;
  }
  int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 07777);
  if (out < 0) {
    fprintf(stderr, "cp: %s: %s\n", to, strerror(errno));
    close(in);
    return 1;
  }
  char buf[8192];
  ssize_t n;
  int status = 0;
  while ((n = read(in, buf, sizeof buf)) > 0) {
    if (write(out, buf, (size_t)n) != n) {
      fprintf(stderr, "cp: %s: %s\n", to, strerror(errno));
      status = 1;
      break;
    }
  }
  if (n < 0) status = 1;
  close(in);
  close(out);
  return status;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: cp SRC DST | cp SRC... DIR\n");
    return 2;
  }
  struct stat st;
  const char *dest = argv[argc - 1];
  if (stat(dest, &st) == 0 && S_ISDIR(st.st_mode)) {
    int status = 0;
    for (int i = 1; i < argc - 1; i++) {
      char path[4096], src[4096];
      snprintf(src, sizeof src, "%s", argv[i]);
      snprintf(path, sizeof path, "%s/%s", dest, basename(src));
      status |= copy(argv[i], path);
    }
    return status;
  }
  if (argc != 3) {
    fprintf(stderr, "cp: %s: not a directory\n", dest);
    return 1;
  }
  return copy(argv[1], dest);
}
