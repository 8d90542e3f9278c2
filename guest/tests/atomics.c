/* Atomic memory operations of the A extension through GCC builtins, on 32- and 64-bit values:
 * fetch-and-op, exchange, compare-and-swap loops (LR/SC) and fences. */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>

/* GCC has no builtin for these AMOs, so they are written out. */
static uint64_t amomaxu_d(uint64_t *p, uint64_t v) {
  uint64_t old;
  __asm__ volatile("amomaxu.d.aqrl %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory");
  return old;
}
static int32_t amomin_w(int32_t *p, int32_t v) {
  int32_t old;
  __asm__ volatile("amomin.w %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(v) : "memory");
  return old;
}

int main(void) {
  _Atomic int64_t a = 5;
  _Atomic int32_t w = -3;
  _Atomic uint64_t u = 0;
  int64_t trace = 0;
  for (int i = 0; i < 1000; i++) {
    trace = trace * 7 + atomic_fetch_add(&a, i);
    trace = trace * 7 + atomic_fetch_xor(&a, (int64_t)i << 20);
    trace = trace * 7 + atomic_fetch_and(&a, ~(int64_t)0x55);
    trace = trace * 7 + atomic_fetch_or(&a, i & 0x3c);
    trace = trace * 7 + atomic_fetch_sub(&w, i * 3);
    trace = trace * 7 + atomic_exchange(&w, atomic_load(&w) ^ 0x7fff0000);
    trace = trace * 7 + (int64_t)amomaxu_d((uint64_t *)&u, (uint64_t)i * 0x9e3779b9u);
    trace = trace * 7 + amomin_w((int32_t *)&w, i - 500);
    int64_t expected = atomic_load(&a);
    while (!atomic_compare_exchange_weak(&a, &expected, expected * 3 + 1)) {
    }
    int32_t e32 = 12345;
    int ok = atomic_compare_exchange_strong(&w, &e32, 1);
    trace = trace * 7 + ok + e32;
  }
  atomic_thread_fence(memory_order_seq_cst);
  printf("a=%" PRId64 " w=%d u=%" PRIu64 " trace=%016" PRIx64 "\n", (int64_t)a, (int)w, (uint64_t)u,
         (uint64_t)trace);
  return 0;
}
