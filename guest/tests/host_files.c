/* The host's files under popcorn run, as under qemu-riscv64: argv[1] and argv[2] name one host file
 * by a relative and an absolute path; the program reads, stats and maps it, lists its directory,
 * checks the working directory against $EXPECT_CWD and $FOO, and in a scratch directory it makes in
 * the working directory creates, renames, links, maps and removes files, checking Linux's errno for
 * each failure. Only relations are printed, never host inode numbers, sizes or times. Without
 * arguments (the plain differential run) it says so and ends. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static char *slurp(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *b = malloc(cap);
  ssize_t r;
  while ((r = read(fd, b + n, cap - n)) > 0) {
    n += r;
    if (n == cap) b = realloc(b, cap *= 2);
  }
  close(fd);
  *len = n;
  return b;
}

static int cmpstr(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

static void list_sorted(const char *dir) {
  DIR *d = opendir(dir);
  char *names[64];
  int n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)) != NULL && n < 64) names[n++] = strdup(e->d_name);
  if (d) closedir(d);
  qsort(names, n, sizeof names[0], cmpstr);
  printf("%s:", dir);
  for (int i = 0; i < n; i++) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  printf("\n");
}

static int fails_with(int r, int e) { return r < 0 && errno == e; }

int main(int argc, char **argv) {
  if (argc < 3) {
    printf("no host files given\n");
    return 0;
  }
  const char *rel = argv[1], *abs = argv[2];
  size_t n1, n2;
  char *a = slurp(rel, &n1), *b = slurp(abs, &n2);
  CHECK(a != NULL && b != NULL);
  CHECK(n1 == n2 && n1 > 0 && memcmp(a, b, n1) == 0);
  struct stat s1, s2;
  CHECK(stat(rel, &s1) == 0 && stat(abs, &s2) == 0);
  CHECK(s1.st_ino == s2.st_ino && s1.st_dev == s2.st_dev);
  CHECK(S_ISREG(s1.st_mode) && (size_t)s1.st_size == n1 && s1.st_nlink >= 1);
  CHECK(s1.st_mtim.tv_nsec >= 0 && s1.st_mtim.tv_nsec < 1000000000 && s1.st_mtime > 1000000000);
  CHECK(s1.st_blksize > 0 && s1.st_blocks * 512 >= s1.st_size);

  char cwd[4096];
  const char *expect = getenv("EXPECT_CWD");
  CHECK(getcwd(cwd, sizeof cwd) != NULL && expect != NULL && strcmp(cwd, expect) == 0);
  printf("FOO=%s\n", getenv("FOO") ? getenv("FOO") : "(unset)");

  /* The file's directory: found by listing, "." and ".." included. */
  char dir[4096];
  strcpy(dir, abs);
  char *slash = strrchr(dir, '/');
  *slash = 0;
  DIR *d = opendir(dir);
  int dot = 0, dotdot = 0, self = 0;
  struct dirent *e;
  while (d && (e = readdir(d)) != NULL) {
    dot |= strcmp(e->d_name, ".") == 0;
    dotdot |= strcmp(e->d_name, "..") == 0;
    self |= strcmp(e->d_name, slash + 1) == 0 && e->d_type == DT_REG;
  }
  CHECK(d != NULL && closedir(d) == 0 && dot && dotdot && self);

  /* A mapping of the host file shows its bytes. */
  int fd = open(abs, O_RDONLY);
  char *m = mmap(NULL, n1, PROT_READ, MAP_SHARED, fd, 0);
  CHECK(m != MAP_FAILED && memcmp(m, a, n1) == 0);
  munmap(m, n1);
  close(fd);

  /* Errors, as Linux gives them. */
  CHECK(fails_with(open("no-such-file", O_RDONLY), ENOENT));
  char sub[4200];
  snprintf(sub, sizeof sub, "%s/x", abs);
  CHECK(fails_with(open(sub, O_RDONLY), ENOTDIR));
  CHECK(fails_with(open(dir, O_WRONLY), EISDIR));
  char longname[300];
  memset(longname, 'n', 299);
  longname[299] = 0;
  CHECK(fails_with(open(longname, O_RDONLY), ENAMETOOLONG));

  /* The scratch directory: made, used and removed on the host. */
  umask(022);
  CHECK(mkdir("scratch", 0750) == 0);
  CHECK(fails_with(mkdir("scratch", 0755), EEXIST));
  struct stat sd;
  CHECK(stat("scratch", &sd) == 0 && S_ISDIR(sd.st_mode) && (sd.st_mode & 0777) == 0750);
  CHECK(chdir("scratch") == 0);
  fd = open("a.txt", O_CREAT | O_WRONLY | O_EXCL, 0666);
  CHECK(fd >= 0 && write(fd, "hello", 5) == 5 && close(fd) == 0);
  CHECK(fails_with(open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0666), EEXIST));
  struct stat sa;
  CHECK(stat("a.txt", &sa) == 0 && sa.st_size == 5 && (sa.st_mode & 0777) == 0644);
  CHECK(rename("a.txt", "b.txt") == 0);
  CHECK(fails_with(open("a.txt", O_RDONLY), ENOENT));
  CHECK(link("b.txt", "c.txt") == 0);
  struct stat sb, sc;
  CHECK(stat("b.txt", &sb) == 0 && stat("c.txt", &sc) == 0);
  CHECK(sb.st_ino == sc.st_ino && sb.st_nlink == 2 && sb.st_ino == sa.st_ino);
  CHECK(symlink("b.txt", "l") == 0);
  char target[64] = {0};
  CHECK(readlink("l", target, sizeof target - 1) == 5 && strcmp(target, "b.txt") == 0);
  struct stat sl, sll;
  CHECK(stat("l", &sl) == 0 && sl.st_ino == sb.st_ino && lstat("l", &sll) == 0 &&
        S_ISLNK(sll.st_mode));
  CHECK(symlink("loop2", "loop1") == 0 && symlink("loop1", "loop2") == 0);
  CHECK(fails_with(open("loop1", O_RDONLY), ELOOP));
  CHECK(mkdir("d", 0755) == 0 && mkdir("d/e", 0755) == 0);
  CHECK(fails_with(rename("d", "d/e/f"), EINVAL));
  CHECK(fails_with(rmdir("d"), ENOTEMPTY));
  CHECK(fails_with(rmdir("b.txt"), ENOTDIR));
  CHECK(fails_with(unlink("d"), EISDIR));
  CHECK(fails_with(link("d", "d2"), EPERM));
  CHECK(chmod("b.txt", 0600) == 0 && stat("c.txt", &sc) == 0 && (sc.st_mode & 0777) == 0600);
  struct timespec ts[2] = {{1000000000, 123456789}, {1100000000, 987654321}};
  CHECK(utimensat(AT_FDCWD, "b.txt", ts, 0) == 0 && stat("b.txt", &sb) == 0);
  CHECK(sb.st_atim.tv_sec == 1000000000 && sb.st_atim.tv_nsec == 123456789);
  CHECK(sb.st_mtim.tv_sec == 1100000000 && sb.st_mtim.tv_nsec == 987654321);
  CHECK(truncate("b.txt", 3) == 0 && stat("b.txt", &sb) == 0 && sb.st_size == 3);
  fd = open("b.txt", O_WRONLY | O_APPEND);
  CHECK(fd >= 0 && write(fd, "XY", 2) == 2 && close(fd) == 0);
  size_t nb;
  char *bb = slurp("c.txt", &nb);
  CHECK(bb != NULL && nb == 5 && memcmp(bb, "helXY", 5) == 0);
  list_sorted(".");
  list_sorted("d");

  /* A shared writable mapping of a host file writes back; write(2) shows in the mapping. */
  fd = open("map.bin", O_CREAT | O_RDWR, 0644);
  CHECK(fd >= 0 && ftruncate(fd, 8192) == 0);
  char *w = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(w != MAP_FAILED);
  memcpy(w + 4096, "mapped", 6);
  CHECK(msync(w, 8192, MS_SYNC) == 0);
  char back[8] = {0};
  CHECK(pread(fd, back, 6, 4096) == 6 && memcmp(back, "mapped", 6) == 0);
  CHECK(pwrite(fd, "WRITE", 5, 10) == 5 && memcmp(w + 10, "WRITE", 5) == 0);
  CHECK(munmap(w, 8192) == 0 && close(fd) == 0);
  size_t nm;
  char *mm = slurp("map.bin", &nm);
  CHECK(mm != NULL && nm == 8192 && memcmp(mm + 4096, "mapped", 6) == 0 &&
        memcmp(mm + 10, "WRITE", 5) == 0);

  /* An open file outlives its name. */
  fd = open("c.txt", O_RDONLY);
  CHECK(unlink("c.txt") == 0 && unlink("b.txt") == 0);
  struct stat so;
  char five[6] = {0};
  CHECK(fstat(fd, &so) == 0 && so.st_nlink == 0 && read(fd, five, 5) == 5 && close(fd) == 0);
  CHECK(strcmp(five, "helXY") == 0);

  CHECK(unlink("l") == 0 && unlink("loop1") == 0 && unlink("loop2") == 0 &&
        unlink("map.bin") == 0);
  CHECK(rmdir("d/e") == 0 && rmdir("d") == 0);
  CHECK(fails_with(rmdir("d"), ENOENT));
  CHECK(chdir("..") == 0 && rmdir("scratch") == 0);
  CHECK(fails_with(stat("scratch", &sd), ENOENT));
  return check_failures;
}
