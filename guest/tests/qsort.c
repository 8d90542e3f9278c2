/* qsort and bsearch over integers, doubles and strings. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 50000
static int ints[N];
static double dbls[N];
static char words[2000][12];
static char *wordp[2000];

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}
static int cmp_dbl(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void) {
  uint32_t s = 12345;
  for (int i = 0; i < N; i++) {
    s = s * 1103515245 + 12345;
    ints[i] = (int)(s >> 1) - (1 << 30);
    dbls[i] = (double)(int)(s >> 8) / 1000.0;
  }
  for (int i = 0; i < 2000; i++) {
    int len = 3 + i % 8;
    for (int k = 0; k < len; k++) {
      s = s * 1103515245 + 12345;
      words[i][k] = (char)('a' + (s >> 16) % 26);
    }
    words[i][len] = 0;
    wordp[i] = words[i];
  }
  qsort(ints, N, sizeof ints[0], cmp_int);
  qsort(dbls, N, sizeof dbls[0], cmp_dbl);
  qsort(wordp, 2000, sizeof wordp[0], cmp_str);
  int sorted = 1;
  uint64_t h = 0;
  for (int i = 1; i < N; i++) {
    sorted &= ints[i - 1] <= ints[i] && dbls[i - 1] <= dbls[i];
    h = h * 1000003 + (uint32_t)ints[i];
  }
  for (int i = 1; i < 2000; i++) sorted &= strcmp(wordp[i - 1], wordp[i]) <= 0;
  printf("sorted=%d hash=%016" PRIx64 " min=%d max=%d median=%.3f\n", sorted, h, ints[0], ints[N - 1],
         dbls[N / 2]);
  printf("first words: %s %s %s last: %s\n", wordp[0], wordp[1], wordp[2], wordp[1999]);
  int found = 0;
  for (int i = 0; i < N; i += 7) {
    int key = ints[i];
    found += bsearch(&key, ints, N, sizeof ints[0], cmp_int) != NULL;
  }
  int missing = ints[0] - 1;
  printf("found=%d missing=%p\n", found, bsearch(&missing, ints, N, sizeof ints[0], cmp_int));
  return 0;
}
