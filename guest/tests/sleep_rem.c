/* nanosleep's rem belongs to the sleeping thread: with two threads asleep at once, a signal to one
 * writes the time left into that thread's rem only, and the other, which sleeps to the end, leaves
 * its rem as it was. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include "check.h"

static void on_usr1(int sig) { (void)sig; }

struct sleeper {
  struct timespec req, rem;
  int result, err;
};

static void *sleep_in_thread(void *arg) {
  struct sleeper *s = arg;
  s->result = nanosleep(&s->req, &s->rem);
  s->err = errno;
  return NULL;
}

int main(void) {
  struct sigaction sa = {0};
  sa.sa_handler = on_usr1; /* no SA_RESTART: nanosleep returns EINTR */
  sigaction(SIGUSR1, &sa, NULL);
  struct sleeper cut = {{5, 0}, {-1, -1}, 0, 0};
  struct sleeper whole = {{0, 400 * 1000 * 1000}, {-7, -7}, 0, 0};
  pthread_t a, b;
  pthread_create(&a, NULL, sleep_in_thread, &cut);
  pthread_create(&b, NULL, sleep_in_thread, &whole);
  usleep(150 * 1000); /* both are asleep now */
  pthread_kill(a, SIGUSR1);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  CHECK(cut.result == -1 && cut.err == EINTR);
  CHECK(cut.rem.tv_sec >= 0 && cut.rem.tv_sec < 5 && cut.rem.tv_nsec >= 0);
  CHECK(cut.rem.tv_sec > 0 || cut.rem.tv_nsec > 0);
  CHECK(whole.result == 0);
  CHECK(whole.rem.tv_sec == -7 && whole.rem.tv_nsec == -7);
  return check_failures;
}
