/* Integer arithmetic: 64- and 128-bit products and quotients, the RISC-V division edge cases
 * (by zero, overflow), shifts and bit counting, all folded into printed values. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>

typedef unsigned __int128 u128;
typedef __int128 i128;

/* Division through inline asm, so the edge cases are the instruction's, not C's undefined ones. */
static int64_t div_s(int64_t a, int64_t b) { int64_t r; __asm__("div %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return r; }
static int64_t rem_s(int64_t a, int64_t b) { int64_t r; __asm__("rem %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return r; }
static uint64_t div_u(uint64_t a, uint64_t b) { uint64_t r; __asm__("divu %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return r; }
static uint64_t rem_u(uint64_t a, uint64_t b) { uint64_t r; __asm__("remu %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return r; }
static int32_t divw(int32_t a, int32_t b) { int64_t r; __asm__("divw %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return (int32_t)r; }
static int32_t remw(int32_t a, int32_t b) { int64_t r; __asm__("remw %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return (int32_t)r; }
static uint32_t divuw(uint32_t a, uint32_t b) { int64_t r; __asm__("divuw %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return (uint32_t)r; }
static int64_t mulh(int64_t a, int64_t b) { int64_t r; __asm__("mulh %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return r; }
static int64_t mulhsu(int64_t a, uint64_t b) { int64_t r; __asm__("mulhsu %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return r; }
static uint64_t mulhu(uint64_t a, uint64_t b) { uint64_t r; __asm__("mulhu %0,%1,%2" : "=r"(r) : "r"(a), "r"(b)); return r; }

static void print128(const char *label, u128 v) {
  printf("%s=0x%016" PRIx64 "%016" PRIx64 "\n", label, (uint64_t)(v >> 64), (uint64_t)v);
}

int main(void) {
  static const int64_t vals[] = {0, 1, -1, 2, -2, 7, -7, 1000000007, INT64_MAX, INT64_MIN,
                                 INT32_MAX, INT32_MIN, 0x123456789abcdefLL, -0x0fedcba987654321LL};
  const int n = sizeof vals / sizeof vals[0];
  uint64_t acc = 0;
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      int64_t a = vals[i], b = vals[j];
      acc = acc * 31 + (uint64_t)div_s(a, b);
      acc = acc * 31 + (uint64_t)rem_s(a, b);
      acc = acc * 31 + div_u((uint64_t)a, (uint64_t)b);
      acc = acc * 31 + rem_u((uint64_t)a, (uint64_t)b);
      acc = acc * 31 + (uint64_t)(int64_t)divw((int32_t)a, (int32_t)b);
      acc = acc * 31 + (uint64_t)(int64_t)remw((int32_t)a, (int32_t)b);
      acc = acc * 31 + divuw((uint32_t)a, (uint32_t)b);
      acc = acc * 31 + (uint64_t)mulh(a, b);
      acc = acc * 31 + (uint64_t)mulhsu(a, (uint64_t)b);
      acc = acc * 31 + mulhu((uint64_t)a, (uint64_t)b);
      acc = acc * 31 + (uint64_t)a * (uint64_t)b;
      acc = acc * 31 + (uint64_t)(int64_t)((int32_t)a * (uint32_t)b);
    }
  }
  printf("div/rem/mul mix=%016" PRIx64 "\n", acc);
  printf("INT64_MIN/-1=%" PRId64 " rem=%" PRId64 "\n", div_s(INT64_MIN, -1), rem_s(INT64_MIN, -1));
  printf("5/0=%" PRId64 " 5%%0=%" PRId64 " 5u/0=%" PRIu64 " -5u%%0=%" PRIu64 "\n", div_s(5, 0),
         rem_s(5, 0), div_u(5, 0), rem_u((uint64_t)-5, 0));
  printf("divw(INT32_MIN,-1)=%d remw=%d divw(9,0)=%d remw(-9,0)=%d divuw(9,0)=%u\n",
         divw(INT32_MIN, -1), remw(INT32_MIN, -1), divw(9, 0), remw(-9, 0), divuw(9, 0));

  u128 f = 1;
  for (int i = 1; i <= 34; i++) {
    f *= (u128)i;
  }
  print128("34!", f);
  i128 s = -((i128)INT64_MAX * 12345678901LL);
  print128("signed product", (u128)s);
  print128("quotient", f / (u128)0xfedcba987ULL);
  print128("remainder", f % (u128)0xfedcba987ULL);
  printf("signed 128 div: %" PRId64 "\n", (int64_t)(s / (i128)-987654321));

  uint64_t bits = 0x8000100200400801ULL;
  printf("popcount=%d clz=%d ctz=%d clz32=%d\n", __builtin_popcountll(bits), __builtin_clzll(bits >> 3),
         __builtin_ctzll(bits << 5), __builtin_clz((unsigned)(bits >> 40)));
  int64_t sh = INT64_MIN + 12345;
  for (int k = 0; k < 64; k += 7) {
    printf("shift %2d: sra=%" PRId64 " srl=%" PRIu64 " sll=%" PRIx64 " sraw=%d\n", k, sh >> k,
           (uint64_t)sh >> k, (uint64_t)sh << k, (int32_t)sh >> (k & 31));
  }
  uint32_t w = 0xdeadbeef;
  uint64_t h = 0xcbf29ce484222325ULL;
  for (int i = 0; i < 100000; i++) {
    w ^= w << 13;
    w ^= w >> 17;
    w ^= w << 5;
    h = (h ^ w) * 0x100000001b3ULL;
  }
  printf("xorshift=%08x fnv=%016" PRIx64 "\n", w, h);
  return 0;
}
