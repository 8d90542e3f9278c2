/* Dense double-precision linear algebra: matrix product, LU decomposition with partial pivoting
 * and a solve, and a sieve of Eratosthenes. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define N 64
static double a[N][N], b[N][N], c[N][N], lu[N][N];

int main(void) {
  uint32_t s = 1;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      s = s * 1664525u + 1013904223u;
      a[i][j] = (double)(s >> 8) / (1 << 24) - 0.5 + (i == j ? N : 0);
      b[i][j] = (double)((i * 31 + j * 17) % 23) / 7.0;
    }
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      double sum = 0;
      for (int k = 0; k < N; k++) sum += a[i][k] * b[k][j];
      c[i][j] = sum;
    }
  double trace = 0;
  for (int i = 0; i < N; i++) trace += c[i][i];
  printf("trace(A*B)=%.17g\n", trace);

  memcpy(lu, a, sizeof lu);
  int perm[N];
  for (int i = 0; i < N; i++) perm[i] = i;
  for (int k = 0; k < N; k++) {
    int p = k;
    for (int i = k + 1; i < N; i++) if (fabs(lu[i][k]) > fabs(lu[p][k])) p = i;
    if (p != k) {
      double t[N];
      memcpy(t, lu[p], sizeof t);
      memcpy(lu[p], lu[k], sizeof t);
      memcpy(lu[k], t, sizeof t);
      int ti = perm[p]; perm[p] = perm[k]; perm[k] = ti;
    }
    for (int i = k + 1; i < N; i++) {
      lu[i][k] /= lu[k][k];
      for (int j = k + 1; j < N; j++) lu[i][j] -= lu[i][k] * lu[k][j];
    }
  }
  double det = 1;
  for (int i = 0; i < N; i++) det *= lu[i][i];
  double x[N], y[N], rhs[N];
  for (int i = 0; i < N; i++) rhs[i] = i + 1;
  for (int i = 0; i < N; i++) {
    y[i] = rhs[perm[i]];
    for (int j = 0; j < i; j++) y[i] -= lu[i][j] * y[j];
  }
  for (int i = N - 1; i >= 0; i--) {
    x[i] = y[i];
    for (int j = i + 1; j < N; j++) x[i] -= lu[i][j] * x[j];
    x[i] /= lu[i][i];
  }
  double resid = 0;
  for (int i = 0; i < N; i++) {
    double r = -rhs[i];
    for (int j = 0; j < N; j++) r += a[i][j] * x[j];
    resid = fmax(resid, fabs(r));
  }
  printf("log|det|=%.15g x[0]=%.17g x[N-1]=%.17g residual<1e-12: %d\n", log(fabs(det)), x[0], x[N - 1],
         resid < 1e-12);

  static char composite[200001];
  int primes = 0;
  uint64_t sum = 0;
  for (int i = 2; i <= 200000; i++) {
    if (composite[i]) continue;
    primes++;
    sum += (uint64_t)i;
    for (int j = 2 * i; j <= 200000; j += i) composite[j] = 1;
  }
  printf("primes<=200000: %d sum %" PRIu64 "\n", primes, sum);
  return 0;
}
