/* The end-to-end speed benchmark: a fixed mix of integer hashing, memory traffic (streaming,
 * pointer chasing, sorting) and floating point (a Mandelbrot set and an n-body step), repeated for
 * a number of rounds (argv[1], default 40); prints one checksum so runs can be compared. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MEM_WORDS (1 << 18)
#define CHASE (1 << 16)

static uint64_t words[MEM_WORDS];
static uint32_t next_index[CHASE];

static uint64_t integer_part(uint64_t seed) {
  uint64_t h = seed;
  for (int i = 0; i < 2000000; i++) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 29;
    h += (uint64_t)i / 7 + (h % 13);
  }
  return h;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static uint64_t memory_part(uint64_t seed) {
  uint64_t s = seed | 1;
  for (int i = 0; i < MEM_WORDS; i++) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    words[i] = s;
  }
  uint64_t sum = 0;
  for (int pass = 0; pass < 4; pass++) {
    for (int i = 0; i < MEM_WORDS; i++) sum += words[i] >> pass;
    memmove(words + 1, words, (MEM_WORDS - 1) * sizeof words[0]);
  }
  for (uint32_t i = 0; i < CHASE; i++) next_index[i] = i;
  for (uint32_t i = CHASE - 1; i > 0; i--) {
    uint32_t j = (uint32_t)(words[i] % (i + 1));
    uint32_t t = next_index[i];
    next_index[i] = next_index[j];
    next_index[j] = t;
  }
  uint32_t p = 0;
  for (int i = 0; i < 400000; i++) p = next_index[p] ^ (uint32_t)(i & 1);
  qsort(words, MEM_WORDS / 4, sizeof words[0], cmp_u64);
  return sum ^ p ^ words[MEM_WORDS / 8];
}

static double float_part(double shift) {
  int inside = 0;
  for (int y = 0; y < 120; y++) {
    for (int x = 0; x < 160; x++) {
      double cr = -2.0 + x * (3.0 / 160) + shift, ci = -1.2 + y * (2.4 / 120);
      double zr = 0, zi = 0;
      int k = 0;
      while (k < 200 && zr * zr + zi * zi < 4.0) {
        double t = zr * zr - zi * zi + cr;
        zi = 2 * zr * zi + ci;
        zr = t;
        k++;
      }
      inside += k == 200;
    }
  }
  double px[16], py[16], vx[16], vy[16];
  for (int i = 0; i < 16; i++) {
    px[i] = cos(i * 0.4) * (i + 1);
    py[i] = sin(i * 0.4) * (i + 1);
    vx[i] = vy[i] = 0;
  }
  for (int step = 0; step < 300; step++) {
    for (int i = 0; i < 16; i++) {
      for (int j = 0; j < 16; j++) {
        if (i == j) continue;
        double dx = px[j] - px[i], dy = py[j] - py[i];
        double d2 = dx * dx + dy * dy + 0.01;
        double inv = 1.0 / (d2 * sqrt(d2));
        vx[i] += dx * inv * 0.001;
        vy[i] += dy * inv * 0.001;
      }
    }
    for (int i = 0; i < 16; i++) {
      px[i] += vx[i];
      py[i] += vy[i];
    }
  }
  double e = 0;
  for (int i = 0; i < 16; i++) e += vx[i] * vx[i] + vy[i] * vy[i] + fabs(px[i]);
  return inside + e;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 40;
  uint64_t check = 0;
  double fsum = 0;
  for (int r = 0; r < rounds; r++) {
    check = check * 31 + integer_part((uint64_t)r + 1);
    check = check * 31 + memory_part((uint64_t)r * 77 + 5);
    fsum += float_part(r * 0.001);
  }
  uint64_t fbits;
  memcpy(&fbits, &fsum, sizeof fbits);
  printf("mix rounds=%d checksum=%016" PRIx64 " float=%.12g (%016" PRIx64 ")\n", rounds, check, fsum, fbits);
  return 0;
}
