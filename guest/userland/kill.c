/* kill [-SIG | -s SIG | -NUM] PID...: sends a signal (TERM by default) to processes (a negative
 * PID names a process group); kill -l lists the signal names. */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const names[] = {
    NULL,   "HUP",  "INT",    "QUIT", "ILL",  "TRAP", "ABRT",   "BUS",  "FPE",   "KILL", "USR1",
    "SEGV", "USR2", "PIPE",   "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP",  "TSTP", "TTIN",
    "TTOU", "URG",  "XCPU",   "XFSZ", "VTALRM", "PROF", "WINCH", "IO",  "PWR",   "SYS"};
#define NSIG_NAMED ((int)(sizeof names / sizeof names[0]))

static int parse_signal(const char *s) {
  if (isdigit((unsigned char)s[0])) return atoi(s);
  if (strncasecmp(s, "SIG", 3) == 0) s += 3;
  for (int i = 1; i < NSIG_NAMED; i++)
    if (strcasecmp(s, names[i]) == 0) return i;
  return -1;
}

int main(int argc, char **argv) {
  int sig = SIGTERM, i = 1;
  if (argc > 1 && strcmp(argv[1], "-l") == 0) {
    for (int k = 1; k < NSIG_NAMED; k++) printf("%2d) SIG%s\n", k, names[k]);
    return 0;
  }
  if (argc > 2 && strcmp(argv[1], "-s") == 0) {
    sig = parse_signal(argv[2]);
    i = 3;
  } else if (argc > 1 && argv[1][0] == '-' && argv[1][1] != '\0') {
    sig = parse_signal(argv[1] + 1);
    i = 2;
  }
  if (sig < 0) {
    fprintf(stderr, "kill: unknown signal\n");
    return 2;
  }
  if (i == argc) {
    fprintf(stderr, "usage: kill [-SIG | -s SIG | -NUM] PID...  or  kill -l\n");
    return 2;
  }
  int status = 0;
  for (; i < argc; i++) {
    char *end;
    long pid = strtol(argv[i], &end, 10);
    if (*end != '\0' || end == argv[i]) {
      fprintf(stderr, "kill: %s: not a process id\n", argv[i]);
      status = 1;
    } else if (kill((pid_t)pid, sig) != 0) {
      fprintf(stderr, "kill: %s: %s\n", argv[i], strerror(errno));
      status = 1;
    }
  }
  return status;
}
