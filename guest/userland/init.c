/* /init: the first process. It sets up the environment, prints a banner, makes itself a session
 * leader owning the console, starts an interactive /bin/sh on it, reaps every orphan handed to
 * it, and when the shell ends syncs and powers the machine off when it is process 1 (otherwise,
 * or when reboot is refused, it exits with the shell's status). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  setenv("PATH", "/bin:/usr/bin", 1);
  setenv("HOME", "/", 1);
  setenv("TERM", "linux", 1);
  printf("PopcornJ init: starting /bin/sh\n");
  fflush(stdout);

  /* A new session whose controlling terminal is the console, when fd 0 is a terminal and we are
   * not a session leader already (the kernel's first process usually is not). */
  int tty = isatty(0);
  if (tty) {
    if (getsid(0) != getpid()) setsid();
    ioctl(0, TIOCSCTTY, 0);
    tcsetpgrp(0, getpgrp());
  }

  pid_t shell = fork();
  if (shell < 0) {
    perror("init: fork");
    return 1;
  }
  if (shell == 0) {
    char *argv[] = {"sh", NULL};
    execv("/bin/sh", argv);
    perror("init: /bin/sh");
    _exit(127);
  }

  /* The shell takes the terminal for itself and its jobs; init must not be stopped or killed by
   * what happens there. */
  signal(SIGINT, SIG_IGN);
  signal(SIGTTOU, SIG_IGN);
  signal(SIGTSTP, SIG_IGN);
  int status = 0;
  for (;;) {
    int ws;
    pid_t p = waitpid(-1, &ws, 0);
    if (p < 0) {
      if (errno == EINTR) continue;
      break; /* ECHILD: nothing left */
    }
    if (p == shell) {
      status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
      break;
    }
  }
  /* Orphans still running are collected without waiting for them. */
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  sync();
  /* Only as process 1: run by hand (say under qemu-user as root) it must not power off the host. */
  if (getpid() == 1) {
    printf("PopcornJ init: shell exited with status %d, powering off\n", status);
    fflush(stdout);
    reboot(RB_POWER_OFF);
  }
  return status;
}
