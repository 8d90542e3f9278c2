/* ls [-l] [-a] [-1] [PATH...]: lists directories (entries sorted by byte order) and files. With
 * -l: mode, links, owner, group, size, modification time (UTC) and symlink targets. Names go one
 * a line unless stdout is a terminal and -l/-1 are not given. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

static int opt_long, opt_all, opt_one;
static int column; /* current output column in the across format */

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void mode_string(mode_t m, char *s) {
  s[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' : S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '-';
  const char *rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; i++) s[i + 1] = (m & (0400 >> i)) ? rwx[i] : '-';
  if (m & S_ISUID) s[3] = (m & S_IXUSR) ? 's' : 'S';
  if (m & S_ISGID) s[6] = (m & S_IXGRP) ? 's' : 'S';
  if (m & S_ISVTX) s[9] = (m & S_IXOTH) ? 't' : 'T';
  s[10] = '\0';
}

static void show(const char *path, const char *name) {
  if (!opt_long) {
    if (opt_one) {
      printf("%s\n", name);
      return;
    }
    int len = (int)strlen(name);
    if (column > 0 && column + 2 + len > 79) {
      putchar('\n');
      column = 0;
    }
    printf("%s%s", column > 0 ? "  " : "", name);
    column += (column > 0 ? 2 : 0) + len;
    return;
  }
  struct stat st;
  if (lstat(path, &st) != 0) {
    fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
    return;
  }
  char mode[11], when[32];
  mode_string(st.st_mode, mode);
  struct tm tm;
  gmtime_r(&st.st_mtime, &tm);
  strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
  printf("%s %3lu %-4s %-4s ", mode, (unsigned long)st.st_nlink,
         st.st_uid == 0 ? "root" : "-", st.st_gid == 0 ? "root" : "-");
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
    printf("%3u, %3u", major(st.st_rdev), minor(st.st_rdev));
  else
    printf("%8lld", (long long)st.st_size);
  printf(" %s %s", when, name);
  if (S_ISLNK(st.st_mode)) {
    char target[4096];
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n >= 0) {
      target[n] = '\0';
      printf(" -> %s", target);
    }
  }
  putchar('\n');
}

static void end_line(void) {
  if (column > 0) putchar('\n');
  column = 0;
}

static int list_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (d == NULL) {
    fprintf(stderr, "ls: %s: %s\n", dir, strerror(errno));
    return 1;
  }
  char **names = NULL;
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' && !opt_all) continue;
    names = realloc(names, (n + 1) * sizeof *names);
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, cmp);
  for (size_t i = 0; i < n; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    show(path, names[i]);
    free(names[i]);
  }
  free(names);
  end_line();
  return 0;
}

int main(int argc, char **argv) {
  int first = 1;
  for (; first < argc && argv[first][0] == '-' && argv[first][1] != '\0'; first++) {
    for (const char *o = argv[first] + 1; *o; o++) {
      if (*o == 'l') opt_long = 1;
      else if (*o == 'a') opt_all = 1;
      else if (*o == '1') opt_one = 1;
      else {
        fprintf(stderr, "ls: unknown option -%c\n", *o);
        return 2;
      }
    }
  }
  if (!isatty(1)) opt_one = 1;
  if (first == argc) return list_dir(".");

  /* files first, then each directory under its name, as ls does */
  int status = 0, nargs = argc - first;
  qsort(argv + first, (size_t)nargs, sizeof(char *), cmp);
  int ndirs = 0;
  for (int i = first; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "ls: %s: %s\n", argv[i], strerror(errno));
      status = 1;
    } else if (S_ISDIR(st.st_mode)) {
      ndirs++;
    } else {
      show(argv[i], argv[i]);
    }
  }
  end_line();
  int shown_files = nargs - ndirs;
  for (int i = first; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    if (nargs > 1) printf("%s%s:\n", shown_files > 0 ? "\n" : "", argv[i]);
    shown_files = 1;
    status |= list_dir(argv[i]);
  }
  return status;
}
