/* pthreads basics: create and join with return values, arguments, __thread variables private to
 * each thread (and the main thread's copy untouched), 64 threads at once, detached threads, and
 * pthread_self/pthread_equal. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include "check.h"

static __thread int tls = 1000;
static __thread char tls_name[16];

static void *square(void *arg) {
  intptr_t n = (intptr_t)arg;
  tls += (int)n; /* private: 1000 + n */
  snprintf(tls_name, sizeof tls_name, "t%d", (int)n);
  for (volatile int i = 0; i < 1000; i++) {
  }
  int ok = tls == 1000 + n && strcmp(tls_name + 1, tls_name + 1) == 0 && tls_name[0] == 't';
  return ok ? (void *)(n * n) : (void *)-1;
}

static pthread_t main_thread;
static void *compare_self(void *arg) {
  (void)arg;
  return (void *)(intptr_t)(pthread_equal(pthread_self(), main_thread) ? 1 : 2);
}

static volatile int detached_ran;
static void *detached(void *arg) {
  (void)arg;
  __atomic_store_n(&detached_ran, 1, __ATOMIC_SEQ_CST);
  return NULL;
}

int main(void) {
  enum { N = 64 };
  pthread_t t[N];
  int created = 0;
  for (intptr_t i = 0; i < N; i++) created += pthread_create(&t[i], NULL, square, (void *)i) == 0;
  long sum = 0;
  int bad = 0;
  for (int i = 0; i < created; i++) {
    void *r;
    pthread_join(t[i], &r);
    if ((intptr_t)r == -1) bad++;
    else sum += (intptr_t)r;
  }
  printf("created %d, sum of squares %ld, bad %d\n", created, sum, bad);
  CHECK(tls == 1000 && tls_name[0] == '\0');

  main_thread = pthread_self();
  pthread_t other;
  void *r;
  CHECK(pthread_create(&other, NULL, compare_self, NULL) == 0 && pthread_join(other, &r) == 0 && (intptr_t)r == 2);
  CHECK(pthread_equal(pthread_self(), main_thread));

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t d;
  CHECK(pthread_create(&d, &attr, detached, NULL) == 0);
  for (int i = 0; i < 1000000 && !__atomic_load_n(&detached_ran, __ATOMIC_SEQ_CST); i++) sched_yield();
  CHECK(detached_ran == 1);
  return check_failures;
}
