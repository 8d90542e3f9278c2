/* Directories: mkdir, EEXIST, chdir and getcwd, readdir of entries we made (sorted, since the
 * order is the file system's), rename of files and directories, rmdir of a non-empty directory
 * failing, unlink of a directory failing, and cleaning up. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

#define DIR_PATH "/tmp/pj_dirs"

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *path) {
  DIR *d = opendir(path);
  if (d == NULL) {
    printf("opendir %s failed\n", path);
    check_failures++;
    return;
  }
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 64) {
    char kind = e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' : e->d_type == DT_LNK ? 'l' : '?';
    char *s;
    if (asprintf(&s, "%s(%c)", e->d_name, kind) > 0) names[n++] = s;
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof names[0], cmp);
  printf("%s:", path);
  for (int i = 0; i < n; i++) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  printf("\n");
}

int main(void) {
  char start[4096];
  CHECK(getcwd(start, sizeof start) != NULL);
  CHECK(mkdir(DIR_PATH, 0755) == 0);
  CHECK(mkdir(DIR_PATH, 0755) == -1 && errno == EEXIST);
  CHECK(mkdir(DIR_PATH "/no/such", 0755) == -1 && errno == ENOENT);
  CHECK(chdir(DIR_PATH) == 0);
  char cwd[4096];
  CHECK(getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, DIR_PATH) == 0);
  CHECK(getcwd(cwd, 3) == NULL && errno == ERANGE);
  CHECK(mkdir("sub", 0700) == 0 && mkdir("sub/deeper", 0700) == 0);
  for (const char *const *f = (const char *const[]){"b.txt", "a.txt", "c.txt", NULL}; *f; f++) {
    int fd = open(*f, O_CREAT | O_WRONLY, 0600);
    if (fd >= 0) close(fd);
  }
  list(".");
  CHECK(rename("a.txt", "sub/moved.txt") == 0);
  CHECK(rename("c.txt", "b.txt") == 0); /* replaces b.txt */
  CHECK(rename("sub/deeper", "deeper2") == 0);
  CHECK(rename("nothing", "x") == -1 && errno == ENOENT);
  list(".");
  list("sub");
  CHECK(chdir("sub") == 0 && getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, DIR_PATH "/sub") == 0);
  CHECK(chdir("..") == 0 && getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, DIR_PATH) == 0);
  CHECK(chdir("b.txt") == -1 && errno == ENOTDIR);
  CHECK(rmdir("sub") == -1 && errno == ENOTEMPTY);
  CHECK(unlink("sub") == -1 && (errno == EISDIR || errno == EPERM));
  CHECK(rmdir("b.txt") == -1 && errno == ENOTDIR);
  struct stat st;
  CHECK(stat("sub", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700);
  CHECK(unlink("sub/moved.txt") == 0 && rmdir("sub") == 0 && rmdir("deeper2") == 0);
  CHECK(unlink("b.txt") == 0);
  list(".");
  CHECK(chdir(start) == 0 && rmdir(DIR_PATH) == 0);
  return check_failures;
}
