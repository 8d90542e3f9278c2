/* mv SRC DST | mv SRC... DIR: renames (within one file system). */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: mv SRC DST | mv SRC... DIR\n");
    return 2;
  }
  struct stat st;
  const char *dest = argv[argc - 1];
  int into_dir = stat(dest, &st) == 0 && S_ISDIR(st.st_mode);
  if (!into_dir && argc != 3) {
    fprintf(stderr, "mv: %s: not a directory\n", dest);
    return 1;
  }
  int status = 0;
  for (int i = 1; i < argc - 1; i++) {
    char path[4096], src[4096];
    snprintf(src, sizeof src, "%s", argv[i]);
    if (into_dir)
      snprintf(path, sizeof path, "%s/%s", dest, basename(src));
    else
      snprintf(path, sizeof path, "%s", dest);
    if (rename(argv[i], path) != 0) {
      fprintf(stderr, "mv: %s -> %s: %s\n", argv[i], path, strerror(errno));
      status = 1;
    }
  }
  return status;
}
