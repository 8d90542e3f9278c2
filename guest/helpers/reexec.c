/*
 * execveat, as a server that re-executes itself for each connection uses it (Dropbear: glibc's
 * fexecve on a descriptor of its own program opened with O_CLOEXEC). Runs, in a child each:
 * fexecve of /proc/self/exe, execveat of a path relative to a directory descriptor, and the
 * refusals (an empty path without AT_EMPTY_PATH, a closed descriptor, an unknown flag). Prints one
 * line per case. qemu-riscv64 7.2 has no execveat (ENOSYS), so the expected lines are in
 * ExecveatTest rather than in the differential suite. Usage: reexec (the child form is internal).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void run(const char *what, int (*fn)(char **argv), char *self) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    char *argv[] = {self, "child", (char *)what, NULL};
    int r = fn(argv);
    printf("%s: %d %s\n", what, r, strerror(errno));
    fflush(stdout);
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  printf("%s: exit %d\n", what, WEXITSTATUS(status));
}

static int self_fd(char **argv) {
  int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  return fexecve(fd, argv, environ);
}

static int relative(char **argv) {
  int dir = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  return syscall(SYS_execveat, dir, "exe", argv, environ, 0);
}

static int empty_without_flag(char **argv) {
  int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  return syscall(SYS_execveat, fd, "", argv, environ, 0);
}

static int closed_fd(char **argv) {
  return syscall(SYS_execveat, 99, "", argv, environ, AT_EMPTY_PATH);
}

static int bad_flag(char **argv) {
  int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  return syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH | 0x4);
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "child") == 0) {
    /* The descriptor the program came through was closed by exec (O_CLOEXEC). */
    printf("%s: child ran, descriptor 3 %s\n", argv[2], fcntl(3, F_GETFD) < 0 ? "closed" : "open");
    return 7;
  }
  run("fexecve", self_fd, argv[0]);
  run("relative", relative, argv[0]);
  run("empty path without AT_EMPTY_PATH", empty_without_flag, argv[0]);
  run("closed descriptor", closed_fd, argv[0]);
  run("unknown flag", bad_flag, argv[0]);
  return 0;
}
