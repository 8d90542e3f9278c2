/* /init of the light initramfs a secondary kernel boots with: it says the kernel is ready (with
 * /proc/popcorn's first line when there is one, else uname's node name), then keeps an interactive
 * /bin/sh on its console: when the shell ends, a new one starts (after a second's pause once three
 * in a row ended within a second). It never powers off, since a
 * secondary kernel has no power button; it reaps every orphan handed to it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* What this kernel is: the first line of /proc/popcorn if readable, else the node name. */
static void identity(char *out, size_t n) {
  int fd = open("/proc/popcorn", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t r = read(fd, out, n - 1);
    close(fd);
    if (r > 0) {
      out[r] = '\0';
      out[strcspn(out, "\n")] = '\0';
      if (out[0] != '\0') return;
    }
  }
  struct utsname u;
  snprintf(out, n, "%s", uname(&u) == 0 ? u.nodename : "unknown");
}

static long long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static pid_t start_shell(void) {
  pid_t p = fork();
  if (p == 0) {
    signal(SIGINT, SIG_DFL);
    signal(SIGTTOU, SIG_DFL);
    signal(SIGTSTP, SIG_DFL);
    char *argv[] = {"sh", NULL};
    execv("/bin/sh", argv);
    perror("init: /bin/sh");
    _exit(127);
  }
  if (p < 0) perror("init: fork");
  return p;
}

int main(void) {
  setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 1);
  setenv("HOME", "/", 1);
  setenv("TERM", "linux", 1);
  char who[256];
  identity(who, sizeof who);
  printf("PopcornJ kernel ready: %s\n", who);
  fflush(stdout);

  if (isatty(0)) {
    if (getsid(0) != getpid()) setsid();
    ioctl(0, TIOCSCTTY, 0);
    tcsetpgrp(0, getpgrp());
  }
  signal(SIGINT, SIG_IGN);
  signal(SIGTTOU, SIG_IGN);
  signal(SIGTSTP, SIG_IGN);

  pid_t shell = start_shell();
  long long started = now_ms();
  int quick = 0; /* shells in a row that ended within a second */
  for (;;) {
    int ws;
    pid_t p = shell > 0 ? waitpid(-1, &ws, 0) : 0;
    if (p < 0 && errno == EINTR) continue;
    if (p > 0 && p != shell) continue; /* an orphan */
    if (p < 0 && errno != ECHILD) continue;
    /* The shell ended (or could not start): take the terminal back and start another. Shells that
     * keep ending at once (no shell, input at its end) are restarted only once a second, so they
     * do not spin. */
    if (isatty(0)) tcsetpgrp(0, getpgrp());
    quick = now_ms() - started < 1000 ? quick + 1 : 0;
    if (p <= 0 || quick >= 3) {
      struct timespec pause = {1, 0};
      nanosleep(&pause, NULL);
    }
    shell = start_shell();
    started = now_ms();
  }
}
