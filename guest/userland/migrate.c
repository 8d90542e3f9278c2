/* migrate PID KERNEL: moves every thread of process PID to kernel KERNEL with PopcornJ's
 * popcorn_migrate (system call 1001, see guest/include/popcorn.h). The process keeps its PID, its
 * open files and its memory, which stay at its origin kernel; /proc/PID/status then says
 * `Kernel: KERNEL`. Moving it back to its origin is back-migration.
 *
 * Exit status: 0 when it moved, 1 when the kernel refused (the reason on stderr: no such kernel,
 * kernel down, no such process, a process that cannot move now), 2 for a usage error. Under
 * qemu-riscv64, or any kernel without PopcornJ's calls, the call fails with ENOSYS and this tool
 * says so. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "popcorn.h"

static void usage(void) {
  fprintf(stderr, "usage: migrate PID KERNEL\n");
  exit(2);
}

/* A whole decimal number in [min, INT_MAX]; exits with usage on anything else. */
static int number(const char *what, const char *s, long min) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > INT_MAX) {
    fprintf(stderr, "migrate: %s: not a %s: %s\n", what, min > 0 ? "process id" : "kernel id", s);
    usage();
  }
  return (int)v;
}

int main(int argc, char **argv) {
  if (argc != 3) usage();
  pid_t pid = number("PID", argv[1], 1);
  int kernel = number("KERNEL", argv[2], 0);
  if (popcorn_migrate_process(pid, kernel, 0) != 0) {
    int e = errno;
    switch (e) {
      case ENOSYS:
        fprintf(stderr, "migrate: popcorn_migrate: %s (not a PopcornJ kernel)\n", strerror(e));
        break;
      case ESRCH:
        fprintf(stderr, "migrate: process %d: %s\n", (int)pid, strerror(e));
        break;
      case EINVAL:
      case EHOSTDOWN:
        fprintf(stderr, "migrate: kernel %d: %s\n", kernel, strerror(e));
        break;
      default:
        fprintf(stderr, "migrate: process %d to kernel %d: %s\n", (int)pid, kernel, strerror(e));
    }
    return 1;
  }
  return 0;
}
