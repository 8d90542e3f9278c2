/* Floating point: printf of doubles in every format, libm functions, float/double/integer
 * conversions, fused multiply-add and NaN handling (rounding modes and flags are in fenv.c). */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static uint64_t bits_of(double d) { uint64_t u; memcpy(&u, &d, sizeof u); return u; }
static uint32_t fbits_of(float f) { uint32_t u; memcpy(&u, &f, sizeof u); return u; }

/* The conversions go through inline asm so out-of-range inputs give the instruction's
 * saturated result rather than C's undefined behaviour. */
static int64_t fcvt_l_d(double d) { int64_t r; __asm__("fcvt.l.d %0,%1,rtz" : "=r"(r) : "f"(d)); return r; }
static uint64_t fcvt_lu_d(double d) { uint64_t r; __asm__("fcvt.lu.d %0,%1,rtz" : "=r"(r) : "f"(d)); return r; }
static int32_t fcvt_w_s(float f) { int64_t r; __asm__("fcvt.w.s %0,%1,rtz" : "=r"(r) : "f"(f)); return (int32_t)r; }
static uint32_t fcvt_wu_d(double d) { int64_t r; __asm__("fcvt.wu.d %0,%1,rtz" : "=r"(r) : "f"(d)); return (uint32_t)r; }

static volatile double vzero = 0.0;

int main(void) {
  const double ds[] = {0.0, -0.0, 1.0, -1.5, 0.1, 1.0 / 3.0, 123456789.125, 1e-300, 5e-324,
                       DBL_MAX, DBL_MIN, M_PI, -M_E, 1e22, 2.5, 3.5, -2.5};
  for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++) {
    double d = ds[i];
    printf("%-24.17g %-26.15e %-24a %.3f %016" PRIx64 "\n", d, d, d, d, bits_of(d));
  }
  printf("inf=%g -inf=%g nan=%g\n", 1.0 / vzero, -1.0 / vzero, vzero / vzero);

  double acc = 0;
  for (int i = 1; i <= 200; i++) {
    double x = i * 0.173;
    acc += sqrt(x) + sin(x) + cos(x) * 0.5 + exp(x / 50) + log(x) + atan2(x, 3.0) + pow(x, 0.37) +
           fmod(x * 7.3, 1.7) + tanh(x / 9) + cbrt(x) + hypot(x, 1.5);
  }
  printf("libm sum=%.17g bits=%016" PRIx64 "\n", acc, bits_of(acc));
  printf("sqrt(2)=%a sin(1e6)=%a exp(-700)=%a log1p(1e-10)=%a\n", sqrt(2.0), sin(1e6), exp(-700.0),
         log1p(1e-10));
  printf("fmod(-7.5,2)=%g remainder(7.5,2)=%g floor(-2.5)=%g ceil(-2.5)=%g trunc(-2.7)=%g round(2.5)=%g\n",
         fmod(-7.5, 2), remainder(7.5, 2), floor(-2.5), ceil(-2.5), trunc(-2.7), round(2.5));

  printf("fma(0.1,10,-1)=%a naive=%a fmaf=%a\n", fma(0.1, 10.0, -1.0), 0.1 * 10.0 - 1.0,
         (double)fmaf(0.1f, 10.0f, -1.0f));
  printf("fma(DBL_MAX,2,-inf)=%g\n", fma(DBL_MAX, 2.0, -1.0 / vzero));

  const double conv[] = {0.0, -0.9, 1.9, -1e30, 1e30, 4294967295.5, -2147483649.0, 9.3e18, 1.8e19};
  for (size_t i = 0; i < sizeof conv / sizeof conv[0]; i++) {
    double d = conv[i];
    printf("cvt %g: l=%" PRId64 " lu=%" PRIu64 " wu=%u w.s=%d f=%08x\n", d, fcvt_l_d(d), fcvt_lu_d(d),
           fcvt_wu_d(d), fcvt_w_s((float)d), fbits_of((float)d));
  }
  double nan = vzero / vzero;
  printf("cvt nan: l=%" PRId64 " lu=%" PRIu64 " w.s=%d\n", fcvt_l_d(nan), fcvt_lu_d(nan), fcvt_w_s((float)nan));
  printf("float nan bits=%08x double from float nan=%016" PRIx64 "\n", fbits_of((float)nan),
         bits_of((double)(float)nan));
  printf("fmin(nan,1)=%g fmax(-0,0)=%g fminf(-0,0) sign=%d\n", fmin(nan, 1.0), fmax(-0.0, 0.0),
         signbit(fminf(-0.0f, 0.0f)) != 0);
  printf("isnan=%d isinf=%d isnormal(DBL_MIN/2)=%d fpclassify(5e-324)=%d\n", isnan(nan),
         isinf(1.0 / vzero), isnormal(DBL_MIN / 2), fpclassify(5e-324) == FP_SUBNORMAL);

  float fs = 0;
  for (int i = 1; i < 1000; i++) {
    fs += 1.0f / (float)i;
    fs *= 1.0001f;
  }
  printf("float sum=%.9g bits=%08x\n", (double)fs, fbits_of(fs));
  return 0;
}
