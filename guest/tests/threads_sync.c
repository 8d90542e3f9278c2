/* pthread synchronisation: a mutex protecting a counter 8 threads increment, a bounded buffer
 * with two condition variables (3 producers, 2 consumers, every item consumed exactly once), a
 * barrier whose one serial thread is counted, pthread_once running its routine once among many
 * threads, and a rwlock. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *add(void *arg) {
  (void)arg;
  for (int i = 0; i < 10000; i++) {
    pthread_mutex_lock(&lock);
    counter++;
    pthread_mutex_unlock(&lock);
  }
  return NULL;
}

enum { CAP = 4, PRODUCERS = 3, CONSUMERS = 2, PER_PRODUCER = 200 };
static int ring[CAP], head, count;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static long consumed_sum, consumed_count;
static int seen[PRODUCERS * PER_PRODUCER];

static void *produce(void *arg) {
  int base = (int)(intptr_t)arg * PER_PRODUCER;
  for (int i = 0; i < PER_PRODUCER; i++) {
    pthread_mutex_lock(&lock);
    while (count == CAP) pthread_cond_wait(&not_full, &lock);
    ring[(head + count++) % CAP] = base + i;
    pthread_cond_signal(&not_empty);
    pthread_mutex_unlock(&lock);
  }
  return NULL;
}

static void *consume(void *arg) {
  (void)arg;
  for (;;) {
    pthread_mutex_lock(&lock);
    while (count == 0 && consumed_count < PRODUCERS * PER_PRODUCER) pthread_cond_wait(&not_empty, &lock);
    if (count == 0) { /* all consumed: wake the other consumer too */
      pthread_cond_broadcast(&not_empty);
      pthread_mutex_unlock(&lock);
      return NULL;
    }
    int v = ring[head];
    head = (head + 1) % CAP;
    count--;
    seen[v]++;
    consumed_sum += v;
    if (++consumed_count == PRODUCERS * PER_PRODUCER) pthread_cond_broadcast(&not_empty);
    pthread_cond_signal(&not_full);
    pthread_mutex_unlock(&lock);
  }
}

static pthread_barrier_t barrier;
static int serial_count, after_barrier;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static void once_routine(void) { once_runs++; }

static void *meet(void *arg) {
  (void)arg;
  pthread_once(&once, once_routine);
  __atomic_add_fetch(&after_barrier, 0, __ATOMIC_SEQ_CST);
  int r = pthread_barrier_wait(&barrier);
  if (r == PTHREAD_BARRIER_SERIAL_THREAD) __atomic_add_fetch(&serial_count, 1, __ATOMIC_SEQ_CST);
  else if (r != 0) __atomic_add_fetch(&serial_count, 100, __ATOMIC_SEQ_CST);
  __atomic_add_fetch(&after_barrier, 1, __ATOMIC_SEQ_CST);
  return NULL;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int shared_value;
static void *reader(void *arg) {
  (void)arg;
  int sum = 0;
  for (int i = 0; i < 1000; i++) {
    pthread_rwlock_rdlock(&rw);
    sum += shared_value % 2; /* writers keep it even */
    pthread_rwlock_unlock(&rw);
  }
  return (void *)(intptr_t)sum;
}
static void *writer(void *arg) {
  (void)arg;
  for (int i = 0; i < 1000; i++) {
    pthread_rwlock_wrlock(&rw);
    shared_value++;
    shared_value++;
    pthread_rwlock_unlock(&rw);
  }
  return NULL;
}

int main(void) {
  pthread_t t[8];
  for (int i = 0; i < 8; i++) pthread_create(&t[i], NULL, add, NULL);
  for (int i = 0; i < 8; i++) pthread_join(t[i], NULL);
  printf("mutex counter: %ld\n", counter);

  pthread_t p[PRODUCERS], c[CONSUMERS];
  for (int i = 0; i < CONSUMERS; i++) pthread_create(&c[i], NULL, consume, NULL);
  for (int i = 0; i < PRODUCERS; i++) pthread_create(&p[i], NULL, produce, (void *)(intptr_t)i);
  for (int i = 0; i < PRODUCERS; i++) pthread_join(p[i], NULL);
  for (int i = 0; i < CONSUMERS; i++) pthread_join(c[i], NULL);
  int once_each = 1;
  for (int i = 0; i < PRODUCERS * PER_PRODUCER; i++) once_each &= seen[i] == 1;
  printf("consumed %ld items, sum %ld, each once %d\n", consumed_count, consumed_sum, once_each);

  enum { M = 6 };
  pthread_barrier_init(&barrier, NULL, M);
  pthread_t b[M];
  for (int i = 0; i < M; i++) pthread_create(&b[i], NULL, meet, NULL);
  for (int i = 0; i < M; i++) pthread_join(b[i], NULL);
  printf("barrier: serial threads %d, passed %d, once ran %d\n", serial_count, after_barrier, once_runs);
  pthread_barrier_destroy(&barrier);

  pthread_t r[3], w[2];
  for (int i = 0; i < 3; i++) pthread_create(&r[i], NULL, reader, NULL);
  for (int i = 0; i < 2; i++) pthread_create(&w[i], NULL, writer, NULL);
  long odd = 0;
  for (int i = 0; i < 3; i++) {
    void *v;
    pthread_join(r[i], &v);
    odd += (intptr_t)v;
  }
  for (int i = 0; i < 2; i++) pthread_join(w[i], NULL);
  printf("rwlock: final %d, odd values seen %ld\n", shared_value, odd);
  return counter == 80000 && once_each && serial_count == 1 && once_runs == 1 && odd == 0 ? 0 : 1;
}
