/* Pipes between processes: a child writes lines and exits, the parent reads them all and then sees
 * EOF once the last writer is gone (its own write end closed too); a pipe with no writer at all
 * reads EOF at once; a big transfer (1 MiB) that must block the writer on a full pipe arrives
 * intact; O_NONBLOCK on an empty pipe gives EAGAIN. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

int main(void) {
  int p[2];
  CHECK(pipe(p) == 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    for (int i = 0; i < 5; i++) {
      char line[32];
      int n = snprintf(line, sizeof line, "line %d\n", i);
      if (write(p[1], line, (size_t)n) != n) _exit(1);
    }
    _exit(0);
  }
  close(p[1]);
  char buf[256];
  size_t total = 0;
  ssize_t n;
  while ((n = read(p[0], buf + total, sizeof buf - 1 - total)) > 0) total += (size_t)n;
  buf[total] = '\0';
  CHECK(n == 0);
  printf("received:\n%s", buf);
  int st;
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  close(p[0]);

  CHECK(pipe(p) == 0);
  close(p[1]);
  CHECK(read(p[0], buf, 1) == 0);
  close(p[0]);

  CHECK(pipe2(p, O_NONBLOCK) == 0);
  CHECK(read(p[0], buf, 1) == -1 && errno == EAGAIN);
  close(p[0]);
  close(p[1]);

  enum { BIG = 1 << 20 };
  CHECK(pipe(p) == 0);
  pid = fork();
  if (pid == 0) {
    close(p[0]);
    static unsigned char out[BIG];
    for (int i = 0; i < BIG; i++) out[i] = (unsigned char)(i * 31 + (i >> 8));
    for (size_t off = 0; off < BIG;) {
      ssize_t w = write(p[1], out + off, BIG - off);
      if (w <= 0) _exit(1);
      off += (size_t)w;
    }
    _exit(0);
  }
  close(p[1]);
  static unsigned char in[BIG];
  total = 0;
  while (total < BIG && (n = read(p[0], in + total, BIG - total)) > 0) total += (size_t)n;
  int same = total == BIG;
  for (int i = 0; same && i < BIG; i++) same = in[i] == (unsigned char)(i * 31 + (i >> 8));
  CHECK(same);
  CHECK(read(p[0], in, 1) == 0);
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  return check_failures;
}
