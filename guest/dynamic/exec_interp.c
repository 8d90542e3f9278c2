/* execve of each program named on the command line, each in a child: prints what became of it,
 * the errno name when execve failed (ENOENT for a missing interpreter, ELIBBAD for one that is not
 * a riscv64 ELF), else the child's exit status after its own output. Not a differential test:
 * under qemu-riscv64 the host kernel runs the execve and refuses a riscv64 file. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) return 1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      char *child_argv[] = {argv[i], NULL};
      char *envp[] = {NULL};
      execve(argv[i], child_argv, envp);
      int e = errno;
      write(p[1], &e, sizeof e);
      _exit(127);
    }
    close(p[1]);
    int e = 0;
    int failed = read(p[0], &e, sizeof e) == sizeof e;
    close(p[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    const char *name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
    if (failed) {
      printf("%s: execve failed: %s\n", name, strerrorname_np(e));
    } else {
      printf("%s: exit status %d\n", name, WEXITSTATUS(status));
    }
  }
  return 0;
}
