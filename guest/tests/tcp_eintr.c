/* Blocking TCP calls over 127.0.0.1 and signals: accept, recv and read are
 * interrupted by a handler without SA_RESTART (EINTR) and restarted with it (the call then
 * completes when its event comes: data written later by a child); SO_RCVTIMEO ends a wait with
 * EAGAIN, and makes a signal's interruption EINTR even under SA_RESTART. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>
#include "check.h"
#include "inet.h"

#define PORT 27161

static volatile sig_atomic_t alarms;
static void on_alarm(int sig) { (void)sig; alarms++; }

static void arm(int restart, int ms) {
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sa.sa_flags = restart ? SA_RESTART : 0;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
  setitimer(ITIMER_REAL, &it, NULL);
}

int main(void) {
  int l = listener(PORT, 4);
  CHECK(l >= 0);
  arm(0, 50);
  CHECK(accept(l, NULL, NULL) == -1 && errno == EINTR && alarms == 1);

  int c = connect_to(PORT);
  int s = accept(l, NULL, NULL);
  CHECK(c >= 0 && s >= 0);
  char buf[16];
  arm(0, 50);
  CHECK(recv(c, buf, sizeof buf, 0) == -1 && errno == EINTR && alarms == 2);
  arm(0, 50);
  CHECK(read(c, buf, sizeof buf) == -1 && errno == EINTR && alarms == 3);

  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    usleep(300000);
    write(s, "later", 5);
    _exit(0);
  }
  arm(1, 50);
  long n = recv(c, buf, sizeof buf, 0);
  CHECK(n == 5 && memcmp(buf, "later", 5) == 0 && alarms == 4);
  int st;
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st));

  pid = fork();
  if (pid == 0) {
    usleep(300000);
    int k = connect_to(PORT);
    _exit(k >= 0 ? 0 : 1);
  }
  arm(1, 50);
  int a = accept(l, NULL, NULL);
  CHECK(a >= 0 && alarms == 5);
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);

  /* SO_RCVTIMEO: a receive or accept gives EAGAIN when it passes; a signal then gives EINTR even
   * under SA_RESTART */
  struct timeval tv = {0, 200000}, back;
  socklen_t bl = sizeof back;
  CHECK(setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
  CHECK(getsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &back, &bl) == 0 && bl == sizeof back &&
        back.tv_sec == 0 && back.tv_usec == 200000);
  CHECK(recv(c, buf, sizeof buf, 0) == -1 && errno == EAGAIN);
  CHECK(setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
  CHECK(accept(l, NULL, NULL) == -1 && errno == EAGAIN);
  tv.tv_sec = 5;
  CHECK(setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
  arm(1, 50);
  CHECK(recv(c, buf, sizeof buf, 0) == -1 && errno == EINTR && alarms == 6);
  tv.tv_usec = 1000000;
  CHECK(setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1 && errno == EDOM);
  CHECK(setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, 8) == -1 && errno == EINVAL);
  CHECK(getsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &back, &bl) == 0 && back.tv_sec == 0 &&
        back.tv_usec == 0);
  close(a);
  close(s);
  close(c);
  close(l);
  return check_failures;
}
