/*
 * Runs a program with one end of a Unix-domain stream socketpair as its standard input and output,
 * and relays its own standard input and output to the other end: a stand-in for inetd, so that a
 * server that wants a socket on descriptor 0 (`dropbear -i`) can be a client's proxy command
 * (`dbclient -J "sockpair /usr/sbin/dropbear -i"`) with no network. Usage: sockpair PROGRAM
 * [ARGS...]. Ends when the program closes its end, with the program's status (128+signal when a
 * signal killed it); end of file on standard input shuts the socket's writing side.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_all(int fd, const char *buf, ssize_t n) {
  while (n > 0) {
    ssize_t w = write(fd, buf, n);
    if (w < 0 && errno == EINTR) {
      continue;
    }
    if (w <= 0) {
      return -1;
    }
    buf += w;
    n -= w;
  }
  return 0;
}

int main(int argc, char **argv) {
  int sv[2];
  if (argc < 2) {
    fprintf(stderr, "usage: sockpair PROGRAM [ARGS...]\n");
    return 2;
  }
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
    perror("sockpair: socketpair");
    return 2;
  }
  pid_t pid = fork();
  if (pid < 0) {
    perror("sockpair: fork");
    return 2;
  }
  if (pid == 0) {
    dup2(sv[1], 0);
    dup2(sv[1], 1);
    close(sv[0]);
    close(sv[1]);
    execv(argv[1], argv + 1);
    perror("sockpair: execv");
    _exit(127);
  }
  close(sv[1]);
  signal(SIGPIPE, SIG_IGN);
  struct pollfd p[2] = {{0, POLLIN, 0}, {sv[0], POLLIN, 0}};
  char buf[16384];
  for (;;) {
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    if (p[0].revents) {
      ssize_t n = read(0, buf, sizeof buf);
      if (n <= 0 || write_all(sv[0], buf, n) < 0) {
        shutdown(sv[0], SHUT_WR);
        p[0].fd = -1;
      }
    }
    if (p[1].revents) {
      ssize_t n = read(sv[0], buf, sizeof buf);
      if (n <= 0 || write_all(1, buf, n) < 0) {
        break;
      }
    }
  }
  close(sv[0]);
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return 2;
    }
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
