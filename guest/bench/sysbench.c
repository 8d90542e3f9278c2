/* End-to-end benchmark of PopcornJ's system-call path and process life cycle.
 *   sysbench null N   : N getppid calls (the null system call's round trip)
 *   sysbench spawn N  : N times fork, execve of this program ("exit"), exit, wait4
 * Prints only what it did; time it from outside (popcorn run --stats gives host and virtual time). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "exit") == 0) return 0;
  if (argc < 3) {
    fprintf(stderr, "usage: sysbench null|spawn N\n");
    return 2;
  }
  long n = atol(argv[2]);
  if (strcmp(argv[1], "null") == 0) {
    long sum = 0;
    for (long i = 0; i < n; i++) sum += syscall(SYS_getppid);
    printf("null: %ld calls (%ld)\n", n, sum > 0 ? 1L : 0L);
    return 0;
  }
  for (long i = 0; i < n; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      execl("/proc/self/exe", argv[0], "exit", (char *)0);
      _exit(127);
    }
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) return 1;
  }
  printf("spawn: %ld fork+exec+exit+wait\n", n);
  return 0;
}
