/* Threads over shared mappings: four threads add to counters in MAP_SHARED|MAP_ANONYMOUS memory
 * with atomics and under a process-shared mutex kept there, and each fills its own page of a
 * MAP_SHARED file mapping; the file then holds what they wrote (pread), and a pwrite shows in the
 * mapping the threads read. A forked child sees the threads' counters and adds to them, and the
 * parent's threads see the child's additions; after ftruncate shrinks the file, the part past its
 * end is gone (a thread touching it gets SIGBUS). With --spread the threads run on other kernels,
 * so every page here goes between kernels. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#define PATH "/tmp/pj_threads_shared.dat"
enum { THREADS = 4, ROUNDS = 2000 };

struct area {
  pthread_mutex_t lock;
  long locked;
  long atomic;
  long child_added;
  long seen_by_thread[THREADS];
};

static struct area *shm;
static char *file;
static long page;

static void *work(void *arg) {
  int id = (int)(intptr_t)arg;
  for (int i = 0; i < ROUNDS; i++) {
    __atomic_fetch_add(&shm->atomic, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_lock(&shm->lock);
    shm->locked++;
    pthread_mutex_unlock(&shm->lock);
  }
  char *mine = file + (id + 1) * page;
  for (long j = 0; j < page; j++) mine[j] = (char)('A' + id + j % 7);
  return NULL;
}

static void *look(void *arg) {
  int id = (int)(intptr_t)arg;
  shm->seen_by_thread[id] = __atomic_load_n(&shm->child_added, __ATOMIC_SEQ_CST);
  return (void *)(intptr_t)(file[5] == 'P' && file[6] == 'W');
}

static sigjmp_buf bus_jump;
static void on_bus(int sig) {
  (void)sig;
  siglongjmp(bus_jump, 1);
}

static void *past_end(void *arg) {
  (void)arg;
  signal(SIGBUS, on_bus);
  if (sigsetjmp(bus_jump, 1) == 0) {
    volatile char c = file[3 * page];
    (void)c;
    return (void *)0;
  }
  return (void *)1; /* SIGBUS */
}

int main(void) {
  page = sysconf(_SC_PAGESIZE);
  shm = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  CHECK(shm != MAP_FAILED);
  pthread_mutexattr_t ma;
  pthread_mutexattr_init(&ma);
  pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
  CHECK(pthread_mutex_init(&shm->lock, &ma) == 0);

  int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
  CHECK(fd >= 0);
  CHECK(ftruncate(fd, (1 + THREADS) * page) == 0);
  file = mmap(NULL, (size_t)(1 + THREADS) * (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(file != MAP_FAILED);

  pthread_t t[THREADS];
  for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, work, (void *)(intptr_t)i);
  for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
  CHECK(shm->atomic == THREADS * ROUNDS);
  CHECK(shm->locked == THREADS * ROUNDS);

  int same = 1;
  char buf[4096];
  for (int id = 0; id < THREADS; id++) {
    CHECK(pread(fd, buf, (size_t)page, (id + 1) * page) == page);
    for (long j = 0; j < page; j++) same &= buf[j] == (char)('A' + id + j % 7);
  }
  CHECK(same); /* the file holds what the threads wrote through the mapping */

  pid_t child = fork();
  if (child == 0) {
    int ok = shm->atomic == THREADS * ROUNDS && file[page] == 'A';
    __atomic_fetch_add(&shm->child_added, 1000, __ATOMIC_SEQ_CST);
    _exit(ok ? 0 : 1);
  }
  int status = -1;
  CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);

  CHECK(pwrite(fd, "PW", 2, 5) == 2);
  int sees = 1;
  for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, look, (void *)(intptr_t)i);
  for (int i = 0; i < THREADS; i++) {
    void *r;
    pthread_join(t[i], &r);
    sees &= r == (void *)1;
  }
  CHECK(sees); /* every thread sees the pwrite in the mapping */
  int counted = 1;
  for (int i = 0; i < THREADS; i++) counted &= shm->seen_by_thread[i] == 1000;
  CHECK(counted); /* and the child's addition */

  CHECK(ftruncate(fd, 2 * page) == 0);
  void *r = NULL;
  pthread_create(&t[0], NULL, past_end, NULL);
  pthread_join(t[0], &r);
  CHECK(r == (void *)1); /* past the new end: SIGBUS */
  CHECK(file[page] == 'A'); /* before it: still the file */

  CHECK(munmap(file, (size_t)(1 + THREADS) * (size_t)page) == 0);
  close(fd);
  unlink(PATH);
  return check_failures;
}
