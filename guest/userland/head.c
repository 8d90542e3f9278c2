/* head [-n N] [FILE]: prints the first N (10) lines; reads no more of stdin than it needs in
 * whole buffers, like the real one. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  long lines = 10;
  int i = 1;
  if (argc > 2 && strcmp(argv[1], "-n") == 0) {
    lines = atol(argv[2]);
    i = 3;
  }
  int fd = 0;
  if (i < argc && (fd = open(argv[i], O_RDONLY)) < 0) {
    fprintf(stderr, "head: %s: %s\n", argv[i], strerror(errno));
    return 1;
  }
  char buf[4096];
  ssize_t n;
  while (lines > 0 && (n = read(fd, buf, sizeof buf)) > 0) {
    ssize_t end = 0;
    while (end < n && lines > 0)
      if (buf[end++] == '\n') lines--;
    if (write(1, buf, (size_t)end) != end) return 1;
  }
  return 0;
}
