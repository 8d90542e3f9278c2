/* env [NAME=VALUE...] [COMMAND ARGS...]: prints the environment, or runs a command in a changed
 * one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
  int i = 1;
  for (; i < argc && strchr(argv[i], '=') != NULL; i++) putenv(argv[i]);
  if (i == argc) {
    for (char **e = environ; *e != NULL; e++) printf("%s\n", *e);
    return 0;
  }
  execvp(argv[i], argv + i);
  fprintf(stderr, "env: %s: %s\n", argv[i], strerror(errno));
  return errno == ENOENT ? 127 : 126;
}
