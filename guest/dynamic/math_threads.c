/* A dynamically linked program using libm and pthreads: four threads sum square roots and sines,
 * the main thread joins them and prints the sums; the exit status says the sums came out in
 * order. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>

#define THREADS 4

static double sums[THREADS];

static void *work(void *arg) {
  long i = (long)arg;
  double s = 0;
  for (int k = 1; k <= 2000; k++) s += sqrt((double)k * (double)(i + 1)) + sin((double)k);
  sums[i] = s;
  return NULL;
}

int main(void) {
  pthread_t t[THREADS];
  for (long i = 0; i < THREADS; i++) {
    if (pthread_create(&t[i], NULL, work, (void *)i) != 0) {
      puts("pthread_create failed");
      return 1;
    }
  }
  for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
  int ordered = 1;
  for (int i = 0; i < THREADS; i++) {
    printf("thread %d: %.6f\n", i, sums[i]);
    if (i > 0 && sums[i] <= sums[i - 1]) ordered = 0;
  }
  printf("hypot(3, 4) = %.1f, cbrt(-8) = %.1f\n", hypot(3, 4), cbrt(-8));
  return ordered ? 0 : 2;
}
