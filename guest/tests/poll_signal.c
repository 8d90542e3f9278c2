/* Signals and poll: a handler interrupts a blocked poll or select with EINTR, SA_RESTART or not;
 * ppoll and pselect run with their temporary mask, so a signal blocked outside can interrupt them
 * and the old mask is back afterwards, and a signal they block waits until they return; a stop and
 * continue without a handler restarts the poll unseen. */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "usr1.h"

enum call { POLL, PPOLL_UNBLOCKING, SELECT, PSELECT_UNBLOCKING };

static int wait_in(enum call how, int fd) {
  struct pollfd p = {fd, POLLIN, 0};
  sigset_t empty;
  sigemptyset(&empty);
  fd_set r;
  FD_ZERO(&r);
  FD_SET(fd, &r);
  switch (how) {
    case POLL:
      return poll(&p, 1, -1);
    case PPOLL_UNBLOCKING:
      return ppoll(&p, 1, NULL, &empty);
    case SELECT:
      return select(fd + 1, &r, NULL, NULL, NULL);
    default:
      return pselect(fd + 1, &r, NULL, NULL, NULL, &empty);
  }
}

static void interrupted(enum call how, int flags, int block_outside) {
  handle_usr1(flags);
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(block_outside ? SIG_BLOCK : SIG_UNBLOCK, &usr1, NULL);
  int data[2], go[2];
  pipe(data);
  pipe(go);
  pid_t pid = signaller(data[1], go[0], 1);
  write(go[1], "g", 1);
  errno = 0;
  int r = wait_in(how, data[0]);
  static const char *names[] = {"poll", "ppoll", "select", "pselect"};
  printf("%s%s%s: -> %d %s, handler ran %d, blocked after %d\n", names[how],
         flags ? " SA_RESTART" : "", block_outside ? " (blocked outside)" : "", r,
         r < 0 && errno == EINTR ? "EINTR" : "", handled, usr1_blocked());
  fflush(stdout);
  struct pollfd p = {data[0], POLLIN, 0};
  CHECK(poll(&p, 1, -1) == 1 && p.revents == POLLIN);
  waitpid(pid, NULL, 0);
  sigprocmask(SIG_UNBLOCK, &usr1, NULL);
  close(data[0]), close(data[1]), close(go[0]), close(go[1]);
}

/* ppoll blocking SIGUSR1: the signal does not interrupt; its handler runs after ppoll returned. */
static void blocked_inside(void) {
  handle_usr1(0);
  int data[2], go[2];
  pipe(data);
  pipe(go);
  pid_t pid = signaller(data[1], go[0], 1);
  write(go[1], "g", 1);
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  struct pollfd p = {data[0], POLLIN, 0};
  int r = ppoll(&p, 1, NULL, &usr1);
  CHECK(r == 1 && p.revents == POLLIN);
  /* Linux runs the handler as ppoll returns; qemu-user only at the next change of the mask. */
  sigprocmask(SIG_UNBLOCK, &usr1, NULL);
  CHECK(handled == 1);
  CHECK(!usr1_blocked());
  waitpid(pid, NULL, 0);
  close(data[0]), close(data[1]), close(go[0]), close(go[1]);
}

/* A stopped and continued child's poll goes on as if nothing happened. */
static void stop_and_continue(void) {
  int data[2], go[2];
  pipe(data);
  pipe(go);
  pid_t pid = fork();
  if (pid == 0) {
    close(data[1]);
    write(go[1], "g", 1);
    struct pollfd p = {data[0], POLLIN, 0};
    int r = poll(&p, 1, -1);
    _exit(r == 1 && p.revents == POLLIN ? 0 : 1);
  }
  char c;
  read(go[0], &c, 1);
  usleep(100000);
  int st;
  kill(pid, SIGSTOP);
  CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st));
  kill(pid, SIGCONT);
  usleep(50000);
  write(data[1], "d", 1);
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  close(data[0]), close(data[1]), close(go[0]), close(go[1]);
}

int main(void) {
  interrupted(POLL, 0, 0);
  interrupted(POLL, SA_RESTART, 0);
  interrupted(SELECT, SA_RESTART, 0);
  interrupted(PPOLL_UNBLOCKING, 0, 1);
  interrupted(PSELECT_UNBLOCKING, 0, 1);
  blocked_inside();
  stop_and_continue();
  return check_failures;
}
