/* execve failures, each in a child so a success could not replace the test: a missing file
 * (ENOENT), a directory (EACCES), a file without execute permission (EACCES), a text file with
 * execute permission but no #! line (ENOEXEC), a path through a regular file (ENOTDIR). The
 * failures leave the process intact to report them. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#define TEXT "/tmp/pj_exec_errors.txt"

static int exec_errno(const char *path) {
  int p[2];
  pipe(p);
  pid_t pid = fork();
  if (pid == 0) {
    char *argv[] = {(char *)path, NULL};
    char *envp[] = {NULL};
    execve(path, argv, envp);
    int e = errno;
    write(p[1], &e, sizeof e);
    _exit(0);
  }
  close(p[1]);
  int e = 0;
  if (read(p[0], &e, sizeof e) != sizeof e) e = -1;
  close(p[0]);
  waitpid(pid, NULL, 0);
  return e;
}

int main(void) {
  int fd = open(TEXT, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  write(fd, "just text\n", 10);
  close(fd);
  CHECK(exec_errno("/tmp/pj_exec_errors.missing") == ENOENT);
  CHECK(exec_errno("/tmp") == EACCES);
  CHECK(exec_errno(TEXT) == EACCES);
  CHECK(exec_errno(TEXT "/sub") == ENOTDIR);
  chmod(TEXT, 0755);
  CHECK(exec_errno(TEXT) == ENOEXEC);
  CHECK(unlink(TEXT) == 0);
  return check_failures;
}
