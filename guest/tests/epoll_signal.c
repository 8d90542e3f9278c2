/* Signals and epoll_wait: a handler interrupts a blocked epoll_wait with EINTR, with SA_RESTART or
 * without (epoll_wait is never restarted); epoll_pwait runs with its temporary mask, so a signal
 * blocked outside interrupts it and the old mask is back afterwards, and a signal it blocks waits
 * until it returns; a bad sigset size is EINVAL; a stop and continue without a handler makes it
 * fail with EINTR too. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "usr1.h"

static void interrupted(int flags, int pwait_unblocking, int timeout) {
  handle_usr1(flags);
  sigset_t usr1, empty;
  sigemptyset(&usr1);
  sigemptyset(&empty);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(pwait_unblocking ? SIG_BLOCK : SIG_UNBLOCK, &usr1, NULL);
  int data[2], go[2];
  pipe(data);
  pipe(go);
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 5};
  epoll_ctl(ep, EPOLL_CTL_ADD, data[0], &ev);
  pid_t pid = signaller(data[1], go[0], 1);
  write(go[1], "g", 1);
  struct epoll_event out[2];
  errno = 0;
  int r = pwait_unblocking ? epoll_pwait(ep, out, 2, timeout, &empty) : epoll_wait(ep, out, 2, timeout);
  printf("%s%s timeout %d: -> %d %s, handler ran %d, blocked after %d\n",
         pwait_unblocking ? "epoll_pwait (blocked outside)" : "epoll_wait",
         flags ? " SA_RESTART" : "", timeout, r, r < 0 && errno == EINTR ? "EINTR" : "", handled,
         usr1_blocked());
  fflush(stdout);
  CHECK(epoll_wait(ep, out, 2, -1) == 1 && out[0].events == EPOLLIN && out[0].data.u64 == 5);
  waitpid(pid, NULL, 0);
  sigprocmask(SIG_UNBLOCK, &usr1, NULL);
  close(data[0]), close(data[1]), close(go[0]), close(go[1]), close(ep);
}

/* epoll_pwait blocking SIGUSR1: the signal does not interrupt; its handler runs after the call. */
static void blocked_inside(void) {
  handle_usr1(0);
  int data[2], go[2];
  pipe(data);
  pipe(go);
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 6};
  epoll_ctl(ep, EPOLL_CTL_ADD, data[0], &ev);
  pid_t pid = signaller(data[1], go[0], 1);
  write(go[1], "g", 1);
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  struct epoll_event out[2];
  int r = epoll_pwait(ep, out, 2, -1, &usr1);
  CHECK(r == 1 && out[0].data.u64 == 6);
  /* Linux runs the handler as epoll_pwait returns; qemu-user only at the next change of the mask. */
  sigprocmask(SIG_UNBLOCK, &usr1, NULL);
  CHECK(handled == 1);
  CHECK(!usr1_blocked());
  waitpid(pid, NULL, 0);
  close(data[0]), close(data[1]), close(go[0]), close(go[1]), close(ep);
}

static void bad_mask(void) {
  int ep = epoll_create1(0);
  struct epoll_event out[2];
  sigset_t set;
  sigemptyset(&set);
  errno = 0;
  CHECK(syscall(SYS_epoll_pwait, ep, out, 2, 0, &set, 4) == -1 && errno == EINVAL);
  CHECK(syscall(SYS_epoll_pwait, ep, out, 2, 0, NULL, 4) == 0);
  CHECK(syscall(SYS_epoll_pwait, ep, out, 2, 0, &set, 8) == 0);
  close(ep);
}

/* A stopped and continued child's epoll_wait fails with EINTR though no handler ran: signal(7)
 * lists epoll_wait among the calls that do so on Linux. */
static void stop_and_continue(void) {
  int data[2], go[2];
  pipe(data);
  pipe(go);
  pid_t pid = fork();
  if (pid == 0) {
    close(data[1]);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 7};
    epoll_ctl(ep, EPOLL_CTL_ADD, data[0], &ev);
    write(go[1], "g", 1);
    struct epoll_event out[2];
    int r = epoll_wait(ep, out, 2, -1);
    _exit(r == -1 && errno == EINTR ? 2 : r == 1 && out[0].data.u64 == 7 ? 0 : 1);
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
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 2);
  close(data[0]), close(data[1]), close(go[0]), close(go[1]);
}

int main(void) {
  interrupted(0, 0, -1);
  interrupted(SA_RESTART, 0, -1);
  interrupted(SA_RESTART, 0, 10000);
  interrupted(0, 1, -1);
  blocked_inside();
  bad_mask();
  stop_and_continue();
  return check_failures;
}
