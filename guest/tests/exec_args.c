/* execve's room for arguments and environment, as Linux counts it: the strings with their NULs and
 * a pointer for each, within a quarter of the stack rlimit (at most 6 MiB whatever the rlimit), each
 * string at most MAX_ARG_STRLEN (32 pages) with its NUL; beyond, E2BIG. The target is a text file
 * with execute permission, so an exec that is let through fails afterwards with ENOEXEC (qemu's
 * host cannot run a riscv64 file either), and the sizes are chosen on either side of every
 * possible rlimit's bound, so the answers do not depend on the host's.
 *
 * exec_args --exec-self COUNT SIZE runs itself again with COUNT more arguments of SIZE bytes, and
 * the new image prints how many it got and their bytes (for PopcornJ alone: under qemu-riscv64 the
 * host refuses the riscv64 file). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

#define TEXT "/tmp/pj_exec_args.txt"
#define KIB 1024

static char *filled(size_t n) {
  char *s = malloc(n + 1);
  memset(s, 'a', n);
  s[n] = '\0';
  return s;
}

/* count copies of s after argv[0] (and as many in the environment when in_env); the errno of
 * execve. */
static int exec_errno(const char *path, size_t count, char *s, int in_env) {
  char **list = malloc((count + 2) * sizeof *list);
  char *none[] = {NULL};
  char *one[] = {(char *)path, NULL};
  size_t n = 0;
  if (!in_env) list[n++] = (char *)path;
  for (size_t i = 0; i < count; i++) list[n++] = s;
  list[n] = NULL;
  execve(path, in_env ? one : list, in_env ? list : none);
  int e = errno;
  free(list);
  return e;
}

static int exec_self(size_t count, size_t size) {
  char **argv = malloc((count + 3) * sizeof *argv);
  char *s = filled(size);
  argv[0] = (char *)getauxval(AT_EXECFN);
  argv[1] = "--report";
  for (size_t i = 0; i < count; i++) argv[2 + i] = s;
  argv[count + 2] = NULL;
  execv(argv[0], argv);
  printf("execv: %s\n", strerror(errno));
  return 1;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--report") == 0) {
    size_t bytes = 0;
    for (int i = 2; i < argc; i++) bytes += strlen(argv[i]);
    printf("new image: %d arguments, %zu bytes\n", argc - 2, bytes);
    return 0;
  }
  if (argc == 4 && strcmp(argv[1], "--exec-self") == 0) {
    return exec_self(strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0));
  }

  int fd = open(TEXT, O_CREAT | O_WRONLY | O_TRUNC, 0755);
  write(fd, "just text\n", 10);
  close(fd);
  chmod(TEXT, 0755);
  char *k100 = filled(100 * KIB);
  char *x = "x";
  char *empty = "";

  CHECK(exec_errno(TEXT, 2, k100, 0) == ENOEXEC);            /* 200 KiB */
  CHECK(exec_errno(TEXT, 15, k100, 0) == ENOEXEC);           /* 1.5 MiB */
  CHECK(exec_errno(TEXT, 100000, x, 0) == ENOEXEC);          /* 100000 arguments, 1 MB */
  CHECK(exec_errno(TEXT, 70, k100, 0) == E2BIG);             /* 7 MiB */
  CHECK(exec_errno(TEXT, 70, k100, 1) == E2BIG);             /* 7 MiB of environment */
  CHECK(exec_errno(TEXT, 800000, empty, 0) == E2BIG);        /* 6.4 MB of pointers alone */
  CHECK(exec_errno(TEXT, 1, filled(32 * 4096 - 1), 0) == ENOEXEC); /* MAX_ARG_STRLEN with NUL */
  CHECK(exec_errno(TEXT, 1, filled(32 * 4096), 0) == E2BIG);       /* one byte more */
  CHECK(exec_errno(TEXT ".missing", 70, k100, 0) == ENOENT); /* the file is looked up first */
  CHECK(unlink(TEXT) == 0);
  return check_failures;
}
