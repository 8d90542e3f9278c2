/* dlopen of a library the program is not linked with (libm): the dynamic loader finds it on its
 * search path, maps it, and dlsym gives its functions; dlclose lets it go. Exit status 0 when
 * every step worked. */
#include <dlfcn.h>
#include <stdio.h>

int main(void) {
  void *m = dlopen("libm.so.6", RTLD_NOW | RTLD_LOCAL);
  if (m == NULL) {
    printf("dlopen: %s\n", dlerror());
    return 1;
  }
  double (*cbrt_fn)(double) = (double (*)(double))dlsym(m, "cbrt");
  double (*pow_fn)(double, double) = (double (*)(double, double))dlsym(m, "pow");
  if (cbrt_fn == NULL || pow_fn == NULL) {
    printf("dlsym: %s\n", dlerror());
    return 2;
  }
  printf("cbrt(27) = %.3f\n", cbrt_fn(27.0));
  printf("pow(2, 10) = %.0f\n", pow_fn(2.0, 10.0));
  void *missing = dlopen("libpopcornj-missing.so.1", RTLD_NOW);
  printf("a missing library: %s\n", missing == NULL ? "refused" : "loaded?");
  if (dlclose(m) != 0) {
    printf("dlclose: %s\n", dlerror());
    return 3;
  }
  return 0;
}
