/* uname [-a | -s -n -r -v -m]: prints fields of the system's identity; -s alone by default. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

int main(int argc, char **argv) {
  struct utsname u;
  if (uname(&u) != 0) {
    perror("uname");
    return 1;
  }
  int want[5] = {0}; /* s n r v m */
  const char *letters = "snrvm";
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] != '-') {
      fprintf(stderr, "uname: extra operand %s\n", argv[i]);
      return 2;
    }
    for (const char *o = argv[i] + 1; *o; o++) {
      const char *at = strchr(letters, *o);
      if (*o == 'a') {
        for (int k = 0; k < 5; k++) want[k] = 1;
      } else if (at != NULL) {
        want[at - letters] = 1;
      } else {
        fprintf(stderr, "uname: unknown option -%c\n", *o);
        return 2;
      }
    }
  }
  if (!(want[0] | want[1] | want[2] | want[3] | want[4])) want[0] = 1;
  const char *fields[5] = {u.sysname, u.nodename, u.release, u.version, u.machine};
  int first = 1;
  for (int k = 0; k < 5; k++) {
    if (!want[k]) continue;
    printf("%s%s", first ? "" : " ", fields[k]);
    first = 0;
  }
  putchar('\n');
  return 0;
}
