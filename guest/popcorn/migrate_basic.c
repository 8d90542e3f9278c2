/*
 * Moves itself to every kernel in turn and back home with popcorn_migrate (1001), checking on every
 * hop that what a process owns came along: its pid, its heap, a file it writes, its signal
 * handlers, a child it forks (fork is made at home) and a pipe it blocks on (served at home).
 * Usage: migrate_basic KERNELS. Prints one verdict line per kind; exit 0 when all hold.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NR_POPCORN_MIGRATE 1001

static volatile sig_atomic_t got;

static void on_usr1(int sig) {
  (void)sig;
  got++;
}

static int migrate(int kernel) {
  return (int)syscall(NR_POPCORN_MIGRATE, kernel, 0, 0);
}

int main(int argc, char **argv) {
  int kernels = argc > 1 ? atoi(argv[1]) : 4;
  if (kernels < 2) {
    fprintf(stderr, "usage: migrate_basic KERNELS (at least 2)\n");
    return 2;
  }
  pid_t pid = getpid();
  size_t n = 1 << 20;
  unsigned char *heap = malloc(n);
  for (size_t i = 0; i < n; i++) heap[i] = (unsigned char)(i * 7);
  char path[64];
  snprintf(path, sizeof path, "/tmp/migrate_basic.%d", (int)pid);
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) {
    perror("open");
    return 1;
  }
  signal(SIGUSR1, on_usr1);

  int hops = 0, pid_ok = 1, heap_ok = 1, sig_ok = 1;
  for (int k = 1; k <= kernels; k++) {
    int to = k % kernels;
    if (migrate(to) != 0) {
      printf("migrate to %d: %s\n", to, strerror(errno));
      continue;
    }
    hops++;
    if (getpid() != pid) pid_ok = 0;
    for (size_t i = 0; i < n; i += 509) {
      unsigned char want = (unsigned char)(i * 7 + (i % 4096 == 0 ? k - 1 : 0));
      if (heap[i] != want) {
        heap_ok = 0;
        break;
      }
    }
    for (size_t i = 0; i < n; i += 4096) heap[i]++;
    dprintf(fd, "hop %d\n", k);
    raise(SIGUSR1);
    if (got != k) sig_ok = 0;
  }

  char want[256] = "", have[256] = "";
  for (int k = 1; k <= kernels; k++) snprintf(want + strlen(want), sizeof want - strlen(want), "hop %d\n", k);
  lseek(fd, 0, SEEK_SET);
  ssize_t r = read(fd, have, sizeof have - 1);
  int file_ok = r == (ssize_t)strlen(want) && memcmp(have, want, (size_t)r) == 0;
  close(fd);
  unlink(path);

  /* Away from home: fork is made at home, and the parent waits for the child there. */
  int fork_ok = 0;
  if (migrate(1) == 0) {
    pid_t c = fork();
    if (c == 0) _exit(3);
    int ws = 0;
    fork_ok = c > 0 && waitpid(c, &ws, 0) == c && WIFEXITED(ws) && WEXITSTATUS(ws) == 3;
  }

  /* Away from home, a read of an empty pipe blocks there until the child writes at home. */
  int pipe_ok = 0;
  int p[2];
  if (pipe(p) == 0) {
    pid_t c = fork();
    if (c == 0) {
      struct timespec ts = {0, 2000000};
      nanosleep(&ts, NULL);
      write(p[1], "late", 4);
      _exit(0);
    }
    close(p[1]);
    if (migrate(kernels - 1) == 0) {
      char buf[8] = "";
      ssize_t got_bytes = read(p[0], buf, sizeof buf);
      int ws = 0;
      pipe_ok = got_bytes == 4 && memcmp(buf, "late", 4) == 0 && waitpid(c, &ws, 0) == c;
    }
  }
  migrate(0);

  printf("hops %d of %d\n", hops, kernels);
  printf("pid %s\n", pid_ok ? "ok" : "changed");
  printf("heap %s\n", heap_ok ? "ok" : "corrupt");
  printf("file %s\n", file_ok ? "ok" : "wrong");
  printf("signals %s\n", sig_ok ? "ok" : "lost");
  printf("fork %s\n", fork_ok ? "ok" : "failed");
  printf("pipe %s\n", pipe_ok ? "ok" : "failed");
  return hops == kernels && pid_ok && heap_ok && file_ok && sig_ok && fork_ok && pipe_ok ? 0 : 1;
}
