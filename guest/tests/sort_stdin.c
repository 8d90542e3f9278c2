/* sort: reads every line of stdin with getline, sorts them and prints them numbered, then echoes
 * numbers parsed with scanf from a string. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void) {
  char **lines = NULL;
  size_t count = 0, cap = 0;
  char *line = NULL;
  size_t len = 0;
  ssize_t n;
  while ((n = getline(&line, &len, stdin)) != -1) {
    if (n > 0 && line[n - 1] == '\n') line[n - 1] = 0;
    if (count == cap) {
      cap = cap ? cap * 2 : 4;
      lines = realloc(lines, cap * sizeof *lines);
    }
    lines[count++] = strdup(line);
  }
  free(line);
  qsort(lines, count, sizeof *lines, cmp);
  for (size_t i = 0; i < count; i++) {
    printf("%3zu %s\n", i + 1, lines[i]);
    free(lines[i]);
  }
  free(lines);
  int a, b;
  double c;
  char word[16];
  int got = sscanf("  -17 0x1f 2.5e3 tail", "%d %i %lf %15s", &a, &b, &c, word);
  printf("sscanf got %d: %d %d %g %s\n", got, a, b, c, word);
  printf("strtod=%.17g strtol=%ld strtoull=%llu\n", strtod("0x1.8p-3", NULL), strtol("-0777", NULL, 0),
         strtoull("18446744073709551615", NULL, 10));
  return 0;
}
