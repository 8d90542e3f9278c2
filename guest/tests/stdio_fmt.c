/* printf family formatting: integers of every width and base, long double (binary128 through
 * soft-float), positional and starred arguments, and the return values of snprintf. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

int main(void) {
  printf("[%d] [%5d] [%-5d] [%05d] [%+d] [% d] [%.3d]\n", 7, 7, 7, 7, 7, 7, 7);
  printf("[%hhd] [%hd] [%ld] [%lld] [%jd] [%zd]\n", (signed char)200, (short)70000, -1L, (long long)INT64_MIN,
         (intmax_t)INT64_MAX, (ssize_t)-5);
  printf("[%x] [%X] [%#x] [%#o] [%o] [%u] [%lu]\n", 255u, 255u, 255u, 8u, 0u, 4000000000u, (unsigned long)-1);
  printf("[%c] [%s] [%.2s] [%10s] [%-10s] [%%]\n", 'A', "string", "string", "right", "left");
  printf("[%*d] [%-*d] [%.*f]\n", 6, 42, 6, 42, 3, 2.0 / 3);
  printf("[%2$s %1$s]\n", "world", "hello");
  long double ld = 1.0L / 3.0L;
  printf("[%Lf] [%.30Lg] [%La] [%Le]\n", ld, ld, ld, ld * 1e300L * 1e300L);
  long double big = 1;
  for (int i = 0; i < 100; i++) big *= 3.0L;
  printf("3^100=%.0Lf\n", big);
  printf("[%g] [%g] [%g] [%g] [%#g] [%.0e] [%.10f]\n", 100000.0, 1000000.0, 1e-4, 1e-5, 1.0, 12345.0, 1.0 / 7);
  char buf[16];
  int n = snprintf(buf, sizeof buf, "%s-%d", "truncated output here", 123456);
  printf("snprintf returned %d, buffer \"%s\" (%zu)\n", n, buf, strlen(buf));
  printf("[%ls] [%lc]\n", L"wide", (wint_t)L'w');
  printf("[%p]\n", (void *)0);
  int count = 0;
  printf("abc%n", &count);
  printf(" -> %%n counted %d\n", count);
  fprintf(stdout, "%s %d %.2f\n", "fprintf", -1, -0.005);
  puts("puts adds a newline");
  fputs("fputs does not", stdout);
  putchar('\n');
  return 0;
}
