/* Hops over every online CPU in turn, as a program that wants to visit each kernel of a PopcornJ
 * system would: for CPU 0, 1, ... (sysconf(_SC_NPROCESSORS_ONLN) of them) it pins itself to that
 * CPU alone with sched_setaffinity, checks that sched_getcpu and sched_getaffinity say so, and on
 * every hop uses what must travel with it or be served from where it started: its heap (a buffer
 * it keeps rewriting and a list it keeps growing), a file it appends to and reads back (through a
 * descriptor kept open and by opening it again), a signal handler it raises, and a signal left
 * pending while blocked across the hop. At the end it pins itself back to CPU 0.
 *
 * On one machine the hops move between CPUs; under `popcorn run --kernels K` they migrate the
 * process from kernel to kernel. The output is the same whatever the number of CPUs: one verdict
 * per kind of check, never a count. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Below glibc's mmap threshold (128 KiB), so the buffer lives in the brk heap. */
#define HEAP_WORDS (96 * 1024 / 8)
#define RECORD_MAX 64

struct node {
  struct node *next;
  int hop;
  int cpu;
};

static int failed_hops, failed_heap, failed_file, failed_signals;
static volatile sig_atomic_t usr1_count, usr1_cpu = -1, usr2_count;

static void on_usr1(int sig) {
  (void)sig;
  usr1_count++;
  usr1_cpu = sched_getcpu();
}

static void on_usr2(int sig) {
  (void)sig;
  usr2_count++;
}

/* Prints the first failure of a kind (with what and errno), so one bad hop does not flood. */
static void fail(int *counter, const char *kind, int cpu, const char *what) {
  if ((*counter)++ == 0) {
    printf("%s FAILED on cpu %d: %s (%s)\n", kind, cpu, what, strerror(errno));
    fflush(stdout);
  }
}

static uint64_t *heap;
static struct node *list;
static int round_no; /* how many times the heap buffer has been rewritten */

static uint64_t word_of(size_t i, int round) {
  return ((uint64_t)i * 0x9e3779b97f4a7c15ULL) ^ (uint64_t)round;
}

/* The buffer holds what the last round wrote, then the next round's; the list every hop's node. */
static void touch_heap(int cpu, int hop) {
  for (size_t i = 0; i < HEAP_WORDS; i++) {
    if (heap[i] != word_of(i, round_no)) {
      errno = 0;
      fail(&failed_heap, "heap", cpu, "buffer changed");
      break;
    }
  }
  round_no++;
  for (size_t i = 0; i < HEAP_WORDS; i++) heap[i] = word_of(i, round_no);
  struct node *n = malloc(sizeof *n);
  if (n == NULL) {
    fail(&failed_heap, "heap", cpu, "malloc");
    return;
  }
  n->hop = hop;
  n->cpu = cpu;
  n->next = list;
  list = n;
  int expect = hop;
  for (struct node *p = list; p != NULL; p = p->next, expect--) {
    if (p->hop != expect) {
      errno = 0;
      fail(&failed_heap, "heap", cpu, "list changed");
      break;
    }
  }
}

static char path[] = "/tmp/migrate_hop.XXXXXX";
static int fd = -1;
static char written[RECORD_MAX * 1024];
static size_t written_len;

/* Reads the whole file at path into buf (at most cap bytes); its length, or -1. */
static ssize_t read_back(char *buf, size_t cap) {
  int rfd = open(path, O_RDONLY | O_CLOEXEC);
  if (rfd < 0) return -1;
  size_t n = 0;
  while (n < cap) {
    ssize_t r = read(rfd, buf + n, cap - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      close(rfd);
      return -1;
    }
    if (r == 0) break;
    n += (size_t)r;
  }
  close(rfd);
  return (ssize_t)n;
}

/* Appends one record through the open descriptor, then reads everything back two ways. */
static void touch_file(int cpu, int hop) {
  char record[RECORD_MAX];
  int len = snprintf(record, sizeof record, "hop %d\n", hop);
  if (written_len + (size_t)len > sizeof written) return;
  if (write(fd, record, (size_t)len) != len) {
    fail(&failed_file, "file", cpu, "write");
    return;
  }
  memcpy(written + written_len, record, (size_t)len);
  written_len += (size_t)len;
  static char buf[sizeof written];
  ssize_t n = read_back(buf, sizeof buf);
  if (n < 0) {
    fail(&failed_file, "file", cpu, "open and read");
  } else if ((size_t)n != written_len || memcmp(buf, written, written_len) != 0) {
    errno = 0;
    fail(&failed_file, "file", cpu, "contents read back differ");
  }
  if (pread(fd, buf, written_len, 0) != (ssize_t)written_len
      || memcmp(buf, written, written_len) != 0) {
    fail(&failed_file, "file", cpu, "pread");
  }
  if (lseek(fd, 0, SEEK_CUR) != (off_t)written_len) {
    fail(&failed_file, "file", cpu, "offset");
  }
}

/* Before a hop: SIGUSR2 blocked and pending, to be delivered after it. */
static void block_usr2(int cpu) {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR2);
  if (sigprocmask(SIG_BLOCK, &s, NULL) != 0 || raise(SIGUSR2) != 0) {
    fail(&failed_signals, "signals", cpu, "block and raise SIGUSR2");
  }
}

/* After a hop: the pending SIGUSR2 is still there and runs when unblocked; SIGUSR1 runs at once. */
static void touch_signals(int cpu, int hop) {
  sigset_t pending, s;
  if (sigpending(&pending) != 0 || !sigismember(&pending, SIGUSR2)) {
    fail(&failed_signals, "signals", cpu, "SIGUSR2 no longer pending");
  }
  int before = usr2_count;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR2);
  if (sigprocmask(SIG_UNBLOCK, &s, NULL) != 0 || usr2_count != before + 1) {
    errno = 0;
    fail(&failed_signals, "signals", cpu, "SIGUSR2 not delivered once unblocked");
  }
  usr1_cpu = -1;
  if (raise(SIGUSR1) != 0 || usr1_count != hop) {
    fail(&failed_signals, "signals", cpu, "SIGUSR1 handler did not run");
  } else if (usr1_cpu != cpu) {
    errno = 0;
    fail(&failed_signals, "signals", cpu, "SIGUSR1 handler ran on another CPU");
  }
}

/* Pins the process to cpu alone; whether it now runs there and its mask says so. */
static int pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) {
    fail(&failed_hops, "hops", cpu, "sched_setaffinity");
    return 0;
  }
  if (sched_getcpu() != cpu) {
    errno = 0;
    fail(&failed_hops, "hops", cpu, "sched_getcpu reports another CPU");
    return 0;
  }
  cpu_set_t got;
  CPU_ZERO(&got);
  if (sched_getaffinity(0, sizeof got, &got) != 0 || !CPU_EQUAL(&got, &set)) {
    fail(&failed_hops, "hops", cpu, "sched_getaffinity");
    return 0;
  }
  return 1;
}

static void verdict(const char *kind, int failures) {
  if (failures == 0) printf("%s ok\n", kind);
}

int main(void) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus < 1) {
    printf("sysconf(_SC_NPROCESSORS_ONLN) FAILED (%s)\n", strerror(errno));
    return 1;
  }
  heap = malloc(HEAP_WORDS * sizeof *heap);
  fd = mkstemp(path);
  if (heap == NULL || fd < 0) {
    printf("setup FAILED (%s)\n", strerror(errno));
    return 1;
  }
  for (size_t i = 0; i < HEAP_WORDS; i++) heap[i] = word_of(i, round_no);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  sa.sa_handler = on_usr2;
  sigaction(SIGUSR2, &sa, NULL);

  int hop = 0;
  for (int cpu = 0; cpu < cpus; cpu++) {
    block_usr2(cpu);
    if (!pin(cpu)) {
      sigprocmask(SIG_SETMASK, &(sigset_t){0}, NULL);
      continue;
    }
    hop++;
    touch_heap(cpu, hop);
    touch_file(cpu, hop);
    touch_signals(cpu, hop);
  }
  int hops_failed = failed_hops;
  block_usr2(0);
  int home = pin(0);
  if (home) {
    hop++;
    touch_heap(0, hop);
    touch_file(0, hop);
    touch_signals(0, hop);
  }

  verdict("hops", hops_failed);
  verdict("heap", failed_heap);
  verdict("file", failed_file);
  verdict("signals", failed_signals);
  if (home) printf("back on cpu 0 ok\n");
  close(fd);
  if (unlink(path) != 0) printf("unlink FAILED (%s)\n", strerror(errno));
  fflush(stdout);
  return failed_hops || failed_heap || failed_file || failed_signals || !home;
}
