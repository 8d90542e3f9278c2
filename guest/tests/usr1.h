/* Shared by the tests of calls that a signal interrupts: a counting SIGUSR1 handler installed with
 * chosen sa_flags, a look at whether SIGUSR1 is blocked, and a child that signals the parent
 * while it waits and then writes a byte to wake it. */
#ifndef POPCORNJ_USR1_H
#define POPCORNJ_USR1_H
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_usr1(int sig) {
  (void)sig;
  handled++;
}

static void handle_usr1(int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sa.sa_flags = flags;
  sigaction(SIGUSR1, &sa, NULL);
  handled = 0;
}

__attribute__((unused)) static int usr1_blocked(void) {
  sigset_t now;
  sigprocmask(SIG_SETMASK, NULL, &now);
  return sigismember(&now, SIGUSR1);
}

/* A child that, once told (a byte on go_r) the parent is about to wait, signals it when
 * signal_first and later writes a byte to data_w. */
__attribute__((unused)) static pid_t signaller(int data_w, int go_r, int signal_first) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    read(go_r, &c, 1);
    usleep(100000);
    if (signal_first) {
      kill(parent, SIGUSR1);
      usleep(100000);
    }
    write(data_w, "z", 1);
    _exit(0);
  }
  return pid;
}
#endif
