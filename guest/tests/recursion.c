/* Recursion: Ackermann, naive Fibonacci, Towers of Hanoi, a deep call chain that uses a few MiB of
 * stack, and mutual recursion. */
#include <inttypes.h>
#include <stdio.h>

static uint64_t ack(uint64_t m, uint64_t n) {
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

static uint64_t fib(int n) { return n < 2 ? (uint64_t)n : fib(n - 1) + fib(n - 2); }

static uint64_t moves;
static void hanoi(int n, int from, int to, int via) {
  if (n == 0) return;
  hanoi(n - 1, from, via, to);
  moves += (uint64_t)(from * 3 + to);
  hanoi(n - 1, via, to, from);
}

/* The array keeps each frame large so the chain reaches deep into the stack. */
static uint64_t deep(int n) {
  volatile uint64_t pad[8];
  pad[n % 8] = (uint64_t)n;
  if (n == 0) return 0;
  return deep(n - 1) + pad[n % 8];
}

static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

int main(void) {
  printf("ack(2,3)=%" PRIu64 " ack(3,5)=%" PRIu64 "\n", ack(2, 3), ack(3, 5));
  printf("fib(25)=%" PRIu64 "\n", fib(25));
  hanoi(16, 0, 2, 1);
  printf("hanoi moves checksum=%" PRIu64 "\n", moves);
  printf("deep(40000)=%" PRIu64 "\n", deep(40000));
  printf("is_even(10001)=%d\n", is_even(10001));
  return 0;
}
