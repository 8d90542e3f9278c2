/* setjmp and longjmp: simple returns, jumps out of deep recursion, nested buffers, and state kept
 * in volatile locals and floating-point registers across the jump. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf outer, inner;
static int depth_reached;

static void dive(int depth, int limit) {
  depth_reached = depth;
  if (depth == limit) longjmp(outer, depth);
  dive(depth + 1, limit);
}

static double fp_work(double x) {
  if (setjmp(inner) == 0) {
    x = x * 1.5;
    longjmp(inner, 1);
  }
  return x + 0.25;
}

int main(void) {
  volatile int count = 0;
  volatile double d = 1.0;
  int v = setjmp(outer);
  count++;
  d *= 1.5;
  printf("setjmp returned %d (count %d, d %g)\n", v, count, d);
  if (v < 5) dive(0, (v + 1) * 100);
  printf("deepest=%d\n", depth_reached);

  for (int i = 0; i < 3; i++) {
    jmp_buf local;
    volatile int j = i * 10;
    if (setjmp(local) == 0) {
      j += 5;
      longjmp(local, j);
    }
    printf("loop %d j=%d\n", i, j);
  }
  printf("fp_work=%g\n", fp_work(2.0));
  return 0;
}
