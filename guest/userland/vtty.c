/* vtty N: attaches this terminal to kernel N's console, which the primary kernel exposes as the
 * character device /dev/vttyN (an argument starting with '/' names the device itself, for tests).
 * Two processes relay, without poll: a child copies the device to stdout, the parent copies stdin
 * to the device. On a terminal, stdin goes raw (Ctrl-C and the other control keys reach the
 * remote kernel) until the user types Ctrl-A then d; Ctrl-A Ctrl-A sends one Ctrl-A. The terminal
 * is restored on every way out, SIGTERM and SIGHUP included. When stdin is not a terminal it
 * relays to end of input, waits 0.2 s for the replies, and exits. It also ends when the remote
 * console closes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define CTRL_A 0x01

static volatile sig_atomic_t child_ended;
static int raw_tty;          /* the terminal is raw and saved_termios must come back */
static struct termios saved_termios;
static pid_t relay_child;

/* Killed by SIGTERM or SIGHUP: the terminal must not stay raw. */
static void on_fatal(int sig) {
  if (raw_tty) tcsetattr(0, TCSAFLUSH, &saved_termios);
  if (relay_child > 0) kill(relay_child, SIGTERM);
  signal(sig, SIG_DFL);
  raise(sig);
}

static void on_sigchld(int sig) {
  (void)sig;
  child_ended = 1;
}

/* Writes all of buf; -1 when the other side is gone. */
static int write_all(int fd, const char *buf, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, buf, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    buf += w;
    n -= (size_t)w;
  }
  return 0;
}

/* The child: device -> stdout until the device closes. */
static void copy_out(int dev) {
  char buf[512];
  for (;;) {
    ssize_t r = read(dev, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) _exit(r == 0 ? 0 : 1);
    if (write_all(1, buf, (size_t)r) != 0) _exit(1);
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: vtty N\n");
    return 2;
  }
  char path[64];
  const char *arg = argv[1];
  if (arg[0] == '/') {
    snprintf(path, sizeof path, "%s", arg);
  } else {
    char *end;
    long n = strtol(arg, &end, 10);
    if (end == arg || *end != '\0' || n < 0) {
      fprintf(stderr, "vtty: %s: not a kernel number\n", arg);
      return 2;
    }
    snprintf(path, sizeof path, "/dev/vtty%ld", n);
  }
  int in = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
  int out = in < 0 ? -1 : open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (in < 0 || out < 0) {
    fprintf(stderr, "vtty: %s: %s\n", path, strerror(errno));
    return 1;
  }

  int tty = isatty(0);
  struct termios saved;
  if (tty && tcgetattr(0, &saved) != 0) tty = 0;
  saved_termios = saved;
  signal(SIGTERM, on_fatal);
  signal(SIGHUP, on_fatal);
  printf("[attached to kernel %s; Ctrl-A d detaches]\n", arg);
  fflush(stdout);
  if (tty) {
    struct termios raw = saved;
    cfmakeraw(&raw);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    tcsetattr(0, TCSAFLUSH, &raw);
    raw_tty = 1;
  }

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigchld; /* no SA_RESTART: the read of stdin returns EINTR */
  sigaction(SIGCHLD, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  pid_t child = fork();
  if (child < 0) {
    if (tty) tcsetattr(0, TCSAFLUSH, &saved);
    fprintf(stderr, "vtty: fork: %s\n", strerror(errno));
    return 1;
  }
  if (child == 0) {
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    raw_tty = 0;
    close(out);
    copy_out(in);
  }
  relay_child = child;
  close(in);

  /* The parent: stdin -> device, watching for Ctrl-A d. */
  const char *why = NULL;
  int saw_ctrl_a = 0;
  char buf[512], send[1024];
  while (why == NULL) {
    if (child_ended) {
      why = "console closed";
      break;
    }
    ssize_t r = read(0, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      why = "end of input";
      break;
    }
    size_t m = 0;
    for (ssize_t i = 0; i < r; i++) {
      char c = buf[i];
      if (saw_ctrl_a) {
        saw_ctrl_a = 0;
        if (c == 'd') {
          why = "detached";
          break;
        }
        send[m++] = CTRL_A;
        if (c != CTRL_A) send[m++] = c;
      } else if (c == CTRL_A) {
        saw_ctrl_a = 1;
      } else {
        send[m++] = c;
      }
    }
    if (m > 0 && write_all(out, send, m) != 0) why = "console closed";
  }
  if (!tty && strcmp(why, "end of input") == 0) {
    struct timespec wait_for_output = {0, 200000000};
    while (nanosleep(&wait_for_output, &wait_for_output) != 0 && errno == EINTR) {
    }
  }
  kill(child, SIGTERM);
  while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {
  }
  close(out);
  if (tty) tcsetattr(0, TCSAFLUSH, &saved);
  raw_tty = 0;
  if (tty || strcmp(why, "end of input") != 0) {
    printf("%s[%s from kernel %s]\n", tty ? "\n" : "", why, arg);
    fflush(stdout);
  }
  return 0;
}
