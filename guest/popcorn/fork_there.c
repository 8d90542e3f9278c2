/*
 * fork where the caller runs: the main thread moves to kernel K and forks there. The child's
 * origin is K (its pid is of K's range) and its own children are made there too; its files, cwd
 * and umask are its parent's, kept at the parent's home: a shared file offset, a pipe, a cwd the
 * child's chdir does not change; getppid names the parent; execve finds programs as the parent
 * sees files; a signal from the parent ends a blocked read there; the exit status reaches the
 * parent. Usage: fork_there K [DIR] (DIR: where its scratch file goes, the cwd by default).
 * Prints one line per case; exits 0 when every case holds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "popcorn.h"

static int bad;

static void expect(const char *what, int ok) {
  printf("%-56s %s\n", what, ok ? "ok" : "FAILED");
  bad |= !ok;
}

static void on_usr1(int sig) { (void)sig; }

static int status_of(pid_t c) {
  int st = -1;
  if (waitpid(c, &st, 0) != c) return -1;
  return st;
}

int main(int argc, char **argv) {
  if (argc > 2 && strcmp(argv[1], "exec") == 0) {
    /* The program a child forked on kernel K runs: it is still there, with its pid. */
    int k = atoi(argv[2]);
    return (getpid() >> 16) == k ? 42 : 1;
  }
  int k = argc > 1 ? atoi(argv[1]) : 1;
  if (argc > 2 && chdir(argv[2]) != 0) return 2;
  pid_t me = getpid();
  char cwd[256], cwd2[256];
  if (!getcwd(cwd, sizeof cwd)) return 2;
  char name[] = "fork_there.tmp";
  int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || write(fd, "abcdef", 6) != 6 || lseek(fd, 0, SEEK_SET) != 0) return 2;
  int p[2];
  if (pipe(p) != 0) return 2;
  expect("the parent moves to kernel K", popcorn_migrate(k, 0) == 0);

  pid_t c = fork();
  if (c == 0) {
    char b[3];
    int ok = read(fd, b, 3) == 3 && memcmp(b, "abc", 3) == 0;
    ok &= write(p[1], b, 3) == 3;
    ok &= (getpid() >> 16) == k && getppid() == me;
    ok &= chdir("/") == 0;
    pid_t g = fork(); /* the child's own child: made where it runs, its origin */
    if (g == 0) _exit((getpid() >> 16) == k && getppid() != me ? 9 : 1);
    int st;
    ok &= g > 0 && (g >> 16) == k && waitpid(g, &st, 0) == g && WEXITSTATUS(st) == 9;
    _exit(ok ? 0 : 1);
  }
  expect("the child's pid is of kernel K", c > 0 && (c >> 16) == k);
  int st = status_of(c);
  expect("the child saw its pid, its parent, its child", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  char b[4] = {0};
  expect("the child wrote into the parent's pipe", read(p[0], b, 3) == 3 && !strcmp(b, "abc"));
  expect("the child's read moved the shared offset", read(fd, b, 3) == 3 && !strcmp(b, "def"));
  expect("the child's chdir left the parent's cwd",
         getcwd(cwd2, sizeof cwd2) && strcmp(cwd, cwd2) == 0);

  c = fork();
  if (c == 0) {
    char karg[16];
    snprintf(karg, sizeof karg, "%d", k);
    execl(argv[0], argv[0], "exec", karg, (char *)NULL);
    _exit(3);
  }
  st = status_of(c);
  expect("the child runs a program found as the parent sees files",
         WIFEXITED(st) && WEXITSTATUS(st) == 42);

  c = fork();
  if (c == 0) {
    struct sigaction sa = {0};
    sa.sa_handler = on_usr1; /* no SA_RESTART: the read ends with EINTR */
    sigaction(SIGUSR1, &sa, NULL);
    close(p[1]);
    write(fd, "!", 1); /* ready */
    char x;
    ssize_t r = read(p[0], &x, 1);
    _exit(r == -1 && errno == EINTR ? 5 : 1);
  }
  /* Wait until the child is about to block, then signal it. */
  for (int i = 0; i < 100000 && lseek(fd, 0, SEEK_CUR) != 7; i++) usleep(100);
  usleep(2000);
  kill(c, SIGUSR1);
  st = status_of(c);
  expect("a signal ends the child's read of the parent's pipe",
         WIFEXITED(st) && WEXITSTATUS(st) == 5);

  c = fork();
  if (c == 0) {
    for (;;) pause();
  }
  kill(c, SIGTERM);
  st = status_of(c);
  expect("the parent's kill ends the child", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);

  expect("the parent moves home", popcorn_migrate(0, 0) == 0);
  close(fd);
  unlink(name);
  return bad;
}
