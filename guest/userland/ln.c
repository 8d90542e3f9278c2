/* ln [-s] TARGET LINK: makes a hard link, or with -s a symbolic one. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int symbolic = argc > 1 && strcmp(argv[1], "-s") == 0;
  if (argc != 3 + symbolic) {
    fprintf(stderr, "usage: ln [-s] TARGET LINK\n");
    return 2;
  }
  const char *target = argv[1 + symbolic], *link_name = argv[2 + symbolic];
  if ((symbolic ? symlink(target, link_name) : link(target, link_name)) != 0) {
    fprintf(stderr, "ln: %s: %s\n", link_name, strerror(errno));
    return 1;
  }
  return 0;
}
