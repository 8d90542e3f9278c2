/* rm [-r] [-f] PATH...: removes files; -r also directories with everything in them; -f keeps
 * quiet about missing files. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int recursive, force;

static int remove_at(int at, const char *name, const char *shown) {
  struct stat st;
  if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (force && errno == ENOENT) return 0;
    fprintf(stderr, "rm: %s: %s\n", shown, strerror(errno));
    return 1;
  }
  if (S_ISDIR(st.st_mode)) {
    if (!recursive) {
      fprintf(stderr, "rm: %s: is a directory\n", shown);
      return 1;
    }
    int fd = openat(at, name, O_RDONLY | O_DIRECTORY);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (d == NULL) {
      fprintf(stderr, "rm: %s: %s\n", shown, strerror(errno));
      return 1;
    }
    /* names first, deletions after: a directory changing under readdir may skip entries */
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      names = realloc(names, (n + 1) * sizeof *names);
      names[n++] = strdup(e->d_name);
    }
    int status = 0;
    for (size_t i = 0; i < n; i++) {
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", shown, names[i]);
      status |= remove_at(dirfd(d), names[i], path);
      free(names[i]);
    }
    free(names);
    closedir(d);
    if (unlinkat(at, name, AT_REMOVEDIR) != 0) {
      fprintf(stderr, "rm: %s: %s\n", shown, strerror(errno));
      return 1;
    }
    return status;
  }
  if (unlinkat(at, name, 0) != 0) {
    fprintf(stderr, "rm: %s: %s\n", shown, strerror(errno));
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  int status = 0, i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
    for (const char *o = argv[i] + 1; *o; o++) {
      if (*o == 'r' || *o == 'R') recursive = 1;
      else if (*o == 'f') force = 1;
      else {
        fprintf(stderr, "rm: unknown option -%c\n", *o);
        return 2;
      }
    }
  }
  if (i == argc && !force) {
    fprintf(stderr, "usage: rm [-rf] PATH...\n");
    return 2;
  }
  for (; i < argc; i++) status |= remove_at(AT_FDCWD, argv[i], argv[i]);
  return status;
}
