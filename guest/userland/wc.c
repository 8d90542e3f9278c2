/* wc [FILE...]: counts lines, words and bytes of each file (or stdin), with a total for several. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static long long total[3];

static int count(int fd, const char *name) {
  long long c[3] = {0};
  char buf[8192];
  int in_word = 0;
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; i++) {
      if (buf[i] == '\n') c[0]++;
      if (isspace((unsigned char)buf[i])) {
        in_word = 0;
      } else if (!in_word) {
        in_word = 1;
        c[1]++;
      }
    }
    c[2] += n;
  }
  if (n < 0) return -1;
  printf("%7lld %7lld %7lld%s%s\n", c[0], c[1], c[2], name ? " " : "", name ? name : "");
  for (int k = 0; k < 3; k++) total[k] += c[k];
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 1) return count(0, NULL) == 0 ? 0 : 1;
  int status = 0;
  for (int i = 1; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0 || count(fd, argv[i]) != 0) {
      fprintf(stderr, "wc: %s: %s\n", argv[i], strerror(errno));
      status = 1;
    }
    if (fd >= 0) close(fd);
  }
  if (argc > 2) printf("%7lld %7lld %7lld total\n", total[0], total[1], total[2]);
  return status;
}
