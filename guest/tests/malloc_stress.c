/* malloc, calloc, realloc and free in a seeded random pattern, small blocks on the brk heap and
 * blocks over 128 KiB that glibc takes from mmap; every block is filled and checked. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 512

static uint64_t state = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

static unsigned char *blocks[SLOTS];
static size_t sizes[SLOTS];

static void fill(int i) {
  for (size_t k = 0; k < sizes[i]; k += 61) blocks[i][k] = (unsigned char)(i + k);
}

static int check(int i) {
  for (size_t k = 0; k < sizes[i]; k += 61) {
    if (blocks[i][k] != (unsigned char)(i + k)) return 1;
  }
  return 0;
}

int main(void) {
  int bad = 0;
  long big = 0, total = 0;
  for (int round = 0; round < 6000; round++) {
    int i = (int)(next() % SLOTS);
    if (blocks[i]) {
      bad += check(i);
      if (next() % 4 == 0) {
        size_t ns = sizes[i] < (1 << 20) ? sizes[i] * 2 + next() % 1000 : sizes[i] / 3;
        unsigned char *p = realloc(blocks[i], ns);
        if (!p) { printf("realloc failed\n"); return 1; }
        blocks[i] = p;
        size_t old = sizes[i];
        sizes[i] = ns;
        for (size_t k = 0; k < old && k < ns; k += 61) bad += p[k] != (unsigned char)(i + k);
        fill(i);
      } else {
        free(blocks[i]);
        blocks[i] = NULL;
      }
      continue;
    }
    uint64_t r = next();
    size_t sz = r % 16 == 0 ? 128 * 1024 + r % (1 << 20) : 1 + r % 2000;
    big += sz > 128 * 1024;
    total += (long)sz;
    if (r % 3 == 0) {
      blocks[i] = calloc(sz, 1);
      if (blocks[i]) {
        for (size_t k = 0; k < sz; k += 97) bad += blocks[i][k] != 0;
      }
    } else {
      blocks[i] = malloc(sz);
    }
    if (!blocks[i]) { printf("allocation of %zu failed\n", sz); return 1; }
    sizes[i] = sz;
    fill(i);
  }
  for (int i = 0; i < SLOTS; i++) {
    if (blocks[i]) {
      bad += check(i);
      free(blocks[i]);
    }
  }
  void *huge = malloc(64 << 20);
  memset(huge, 1, 64 << 20);
  free(huge);
  printf("allocations: big=%ld total=%ld bad=%d\n", big, total, bad);
  return bad != 0;
}
