/* Sessions and process groups, printing only relations: a child's setpgid(0, 0) makes it a group
 * leader seen the same from the parent; setsid in a child makes a new session whose id is its
 * pid and fails for a group leader (EPERM); kill of a negative pid signals the whole group. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

int main(void) {
  int p[2];
  pipe(p);
  pid_t pid = fork();
  if (pid == 0) {
    int ok = setpgid(0, 0) == 0 && getpgrp() == getpid();
    write(p[1], &ok, sizeof ok);
    pause(); /* alive until the group is killed */
    _exit(0);
  }
  int ok = 0;
  read(p[0], &ok, sizeof ok);
  CHECK(ok == 1);
  CHECK(getpgid(pid) == pid);
  CHECK(getpgid(0) == getpgrp() && getpgrp() != pid);
  pid_t second = fork();
  if (second == 0) {
    pause();
    _exit(0);
  }
  CHECK(setpgid(second, pid) == 0 && getpgid(second) == pid);
  CHECK(kill(-pid, SIGTERM) == 0);
  int st1, st2;
  CHECK(waitpid(pid, &st1, 0) == pid && WIFSIGNALED(st1) && WTERMSIG(st1) == SIGTERM);
  CHECK(waitpid(second, &st2, 0) == second && WIFSIGNALED(st2) && WTERMSIG(st2) == SIGTERM);

  pid = fork();
  if (pid == 0) {
    pid_t sid = setsid();
    int r = sid == getpid() && getsid(0) == getpid() && getpgrp() == getpid();
    r = r && setsid() == -1 && errno == EPERM;
    _exit(r ? 0 : 1);
  }
  CHECK(waitpid(pid, &st1, 0) == pid && WIFEXITED(st1) && WEXITSTATUS(st1) == 0);
  /* The test's own session may lie outside the pid namespace it runs in (getsid gives 0 then),
   * so only the relation is checked. */
  CHECK(getsid(0) == getsid(getpid()) && getsid(0) >= 0);
  return check_failures;
}
