/* Prints argc, every argument and the environment the loader built, then a few getenv look-ups.
 * The environment is printed sorted: qemu-user hands it over in reverse order, Linux in order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; i++) {
    printf("argv[%d]=\"%s\" (len %zu)\n", i, argv[i], strlen(argv[i]));
  }
  if (argv[argc] != NULL) {
    printf("argv not NULL-terminated\n");
    return 1;
  }
  int n = 0;
  while (environ[n] != NULL) n++;
  char **sorted = malloc((n + 1) * sizeof *sorted);
  memcpy(sorted, environ, (n + 1) * sizeof *sorted);
  qsort(sorted, n, sizeof *sorted, cmp);
  for (int i = 0; i < n; i++) {
    printf("env: %s\n", sorted[i]);
  }
  free(sorted);
  printf("envc=%d\n", n);
  const char *keys[] = {"PATH", "HOME", "TERM", "NO_SUCH_VARIABLE"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    const char *v = getenv(keys[i]);
    printf("getenv(%s)=%s\n", keys[i], v ? v : "(null)");
  }
  setenv("ADDED", "yes", 1);
  printf("after setenv: %s\n", getenv("ADDED"));
  return 0;
}
