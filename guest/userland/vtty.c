/* vtty N: attaches this terminal to kernel N's console, which the primary kernel exposes as the
 * character device /dev/vttyN (an argument starting with '/' names the device itself, for tests).
 * One process relays both ways with poll(2): the device to stdout, stdin to the device. On a
 * terminal, stdin goes raw (Ctrl-C and the other control keys reach the remote kernel) until the
 * user types Ctrl-A then d; Ctrl-A Ctrl-A sends one Ctrl-A. The terminal is restored on every way
 * out, SIGTERM and SIGHUP included. When stdin is not a terminal it relays to end of input, keeps
 * copying the replies until the console has been quiet for 0.2 s, and exits. It also ends when the
 * remote console closes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define CTRL_A 0x01

static int raw_tty;          /* the terminal is raw and saved_termios must come back */
static struct termios saved_termios;

/* Killed by SIGTERM or SIGHUP: the terminal must not stay raw. */
static void on_fatal(int sig) {
  if (raw_tty) tcsetattr(0, TCSAFLUSH, &saved_termios);
  signal(sig, SIG_DFL);
  raise(sig);
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

/* Copies what the device has to stdout: 1 copied, 0 the console closed, -1 an error. */
static int copy_out(int dev) {
  char buf[512];
  ssize_t r = read(dev, buf, sizeof buf);
  if (r < 0 && errno == EINTR) return 1;
  if (r <= 0) return r == 0 ? 0 : -1;
  return write_all(1, buf, (size_t)r) == 0 ? 1 : -1;
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
  int dev = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (dev < 0) {
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

  signal(SIGPIPE, SIG_IGN);

  const char *why = NULL;
  int saw_ctrl_a = 0;
  int input_open = 1;
  char buf[512], send[1024];
  while (why == NULL) {
    struct pollfd fds[2] = {{.fd = dev, .events = POLLIN}, {.fd = 0, .events = POLLIN}};
    /* After the end of piped input, 0.2 s without output ends the session. */
    int n = poll(fds, input_open ? 2 : 1, input_open ? -1 : 200);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      why = "poll failed";
      break;
    }
    if (n == 0) {
      why = "end of input";
      break;
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      int c = copy_out(dev);
      if (c <= 0) why = "console closed";
    }
    if (why != NULL || !input_open || !(fds[1].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    ssize_t r = read(0, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (tty) {
        why = "end of input";
      } else {
        input_open = 0;
      }
      continue;
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
    if (m > 0 && write_all(dev, send, m) != 0) why = "console closed";
  }
  close(dev);
  if (tty) tcsetattr(0, TCSAFLUSH, &saved);
  raw_tty = 0;
  if (tty || strcmp(why, "end of input") != 0) {
    printf("%s[%s from kernel %s]\n", tty ? "\n" : "", why, arg);
    fflush(stdout);
  }
  return 0;
}
