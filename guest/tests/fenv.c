/* The floating-point environment: arithmetic, conversions, rint and printf under each rounding
 * mode set with fesetround, and the accrued exception flags. */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdio.h>

static volatile double vzero = 0.0;

int main(void) {
  const int modes[] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
  const char *names[] = {"nearest", "down", "up", "zero"};
  for (int m = 0; m < 4; m++) {
    fesetround(modes[m]);
    volatile double one = 1.0, three = 3.0, big = 1e16;
    double q = one / three;
    double r = -one / three;
    float fq = (float)q;
    printf("%-7s 1/3=%a -1/3=%a (float)%a rint(2.5)=%g rint(-3.5)=%g nearbyint(0.5)=%g lrint(7.5)=%ld "
           "1e16+1=%.17g 2/3=%.20f get=%d\n",
           names[m], q, r, (double)fq, rint(2.5), rint(-3.5), nearbyint(0.5), lrint(7.5), big + one,
           2.0 / three, fegetround() == modes[m]);
  }
  fesetround(FE_TONEAREST);

  feclearexcept(FE_ALL_EXCEPT);
  volatile double t = 1.0;
  t = t / vzero;
  printf("divbyzero flag=%d\n", fetestexcept(FE_DIVBYZERO) != 0);
  feclearexcept(FE_ALL_EXCEPT);
  t = DBL_MAX;
  t = t * 2.0;
  printf("overflow=%d inexact=%d invalid=%d\n", fetestexcept(FE_OVERFLOW) != 0,
         fetestexcept(FE_INEXACT) != 0, fetestexcept(FE_INVALID) != 0);
  feclearexcept(FE_ALL_EXCEPT);
  t = sqrt(-t);
  printf("sqrt(-x) invalid=%d\n", fetestexcept(FE_INVALID) != 0);
  return 0;
}
