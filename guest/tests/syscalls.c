/* Process-level system calls a program meets outside pure computation: files that do not exist,
 * bad file descriptors, terminal checks, uname, identity calls, limits and random bytes; only
 * results that do not depend on the host are printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

int main(void) {
  errno = 0;
  int fd = open("/no/such/file", O_RDONLY);
  printf("open missing: %d %s\n", fd, strerror(errno));
  FILE *f = fopen("/no/such/file", "r");
  printf("fopen missing: %s errno=%d\n", f ? "opened?" : "NULL", errno);
  errno = 0;
  printf("write to fd 42: %zd errno=%d\n", write(42, "x", 1), errno);
  errno = 0;
  printf("close fd 42: %d errno=%d\n", close(42), errno);
  char c;
  errno = 0;
  printf("write from bad pointer: %zd errno=%d\n", write(1, (char *)8, 5), errno);
  printf("read of empty stdin: %zd\n", read(0, &c, 1));

  struct utsname u;
  printf("uname: %d sysname=%s machine=%s\n", uname(&u), u.sysname, u.machine);
  printf("ids: uid==euid %d gid==egid %d pid==tid %d\n", getuid() == geteuid(), getgid() == getegid(),
         getpid() == gettid());
  struct rlimit rl;
  printf("getrlimit(STACK): %d cur>=1MiB %d\n", getrlimit(RLIMIT_STACK, &rl), rl.rlim_cur >= (1u << 20));

  struct stat st;
  printf("fstat(1): %d\n", fstat(1, &st));
  struct timespec t1, t2;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  volatile double x = 0;
  for (int i = 0; i < 100000; i++) x += i;
  clock_gettime(CLOCK_MONOTONIC, &t2);
  long long dt = (t2.tv_sec - t1.tv_sec) * 1000000000LL + (t2.tv_nsec - t1.tv_nsec);
  printf("monotonic clock advances: %d\n", dt > 0);
  struct timeval tv;
  printf("gettimeofday: %d after 2020: %d\n", gettimeofday(&tv, NULL), tv.tv_sec > 1577836800);

  unsigned char rnd[32];
  ssize_t got = getrandom(rnd, sizeof rnd, 0);
  int nonzero = 0;
  for (int i = 0; i < 32; i++) nonzero |= rnd[i];
  printf("getrandom: %zd nonzero %d\n", got, nonzero != 0);

  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_IGN;
  printf("sigaction(SIGPIPE, ignore): %d\n", sigaction(SIGPIPE, &sa, &old));
  printf("previous SIGPIPE handler was default: %d\n", old.sa_handler == SIG_DFL);
  sigaction(SIGPIPE, NULL, &old);
  printf("now ignored: %d\n", old.sa_handler == SIG_IGN);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, NULL);
  sigset_t cur;
  sigprocmask(SIG_BLOCK, NULL, &cur);
  printf("SIGUSR1 blocked: %d\n", sigismember(&cur, SIGUSR1));
  printf("kill(self, 0): %d\n", kill(getpid(), 0));
  char cwd[4096];
  printf("sysconf(PAGESIZE)=%ld cwd ok=%d\n", sysconf(_SC_PAGESIZE), getcwd(cwd, sizeof cwd) != NULL);
  return 0;
}
