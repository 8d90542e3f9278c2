/* Descriptors above 1024 once RLIMIT_NOFILE allows them: dup2, F_DUPFD and the lowest free
 * descriptor go up to the soft limit and no further (EBADF, EINVAL, EMFILE), a forked child keeps
 * the limit, and lowering it again takes effect for new descriptors. Only the soft limit is set
 * (first to Linux's default 1024, then to 2048), which needs no privilege where the hard limit is Linux's default 4096 or more. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#define LIMIT 2048

int main(void) {
  struct rlimit old, r;
  CHECK(getrlimit(RLIMIT_NOFILE, &old) == 0 && old.rlim_max >= LIMIT);
  r = (struct rlimit){1024, old.rlim_max};
  CHECK(setrlimit(RLIMIT_NOFILE, &r) == 0);
  CHECK(dup2(1, 1500) == -1 && errno == EBADF);
  r = (struct rlimit){LIMIT, old.rlim_max};
  CHECK(setrlimit(RLIMIT_NOFILE, &r) == 0);

  CHECK(dup2(1, 2000) == 2000);
  CHECK(fcntl(1, F_DUPFD, 1500) == 1500);
  CHECK(fcntl(1, F_DUPFD_CLOEXEC, 1500) == 1501);
  CHECK(fcntl(1501, F_GETFD) == FD_CLOEXEC);
  CHECK(write(2000, "", 0) == 0);
  CHECK(dup2(1, LIMIT) == -1 && errno == EBADF);
  CHECK(fcntl(1, F_DUPFD, LIMIT) == -1 && errno == EINVAL);

  int last = -1, fd;
  while ((fd = dup(0)) >= 0) {
    last = fd;
  }
  CHECK(errno == EMFILE);
  CHECK(last == LIMIT - 1);

  pid_t pid = fork();
  if (pid == 0) {
    close(LIMIT - 1);
    _exit(dup(0) == LIMIT - 1 && dup(0) == -1 && errno == EMFILE ? 0 : 1);
  }
  int status;
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);

  int closed = 0;
  for (fd = 3; fd < LIMIT; fd++) {
    closed += close(fd) == 0;
  }
  CHECK(closed == LIMIT - 3);
  CHECK(fcntl(2000, F_GETFD) == -1 && errno == EBADF);
  r = (struct rlimit){1024, old.rlim_max};
  CHECK(setrlimit(RLIMIT_NOFILE, &r) == 0);
  CHECK(dup2(1, 1500) == -1 && errno == EBADF);
  CHECK(dup(0) == 3);
  return check_failures;
}
