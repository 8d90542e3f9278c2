/* Prints argc, every argument and the environment the loader built, then a few getenv look-ups. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; i++) {
    printf("argv[%d]=\"%s\" (len %zu)\n", i, argv[i], strlen(argv[i]));
  }
  if (argv[argc] != NULL) {
    printf("argv not NULL-terminated\n");
    return 1;
  }
  int n = 0;
  for (char **e = environ; *e != NULL; e++, n++) {
    printf("env: %s\n", *e);
  }
  printf("envc=%d\n", n);
  const char *keys[] = {"PATH", "HOME", "TERM", "NO_SUCH_VARIABLE"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    const char *v = getenv(keys[i]);
    printf("getenv(%s)=%s\n", keys[i], v ? v : "(null)");
  }
  setenv("ADDED", "yes", 1);
  printf("after setenv: %s\n", getenv("ADDED"));
  return 0;
}
