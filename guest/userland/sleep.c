/* sleep SECONDS: sleeps that long (fractions allowed) with nanosleep, resuming after signals. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: sleep SECONDS\n");
    return 2;
  }
  char *end;
  double s = strtod(argv[1], &end);
  if (*end != '\0' || s < 0) {
    fprintf(stderr, "sleep: invalid time %s\n", argv[1]);
    return 2;
  }
  struct timespec t = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
  while (nanosleep(&t, &t) != 0 && errno == EINTR) {
  }
  return 0;
}
