/* /proc/self/fd: each open descriptor is a link whose text is the file's path (pipe:[N] for a
 * pipe) and whose open reaches the same open file, not a new one found by that path; a closed
 * descriptor has no link; a directory descriptor works as the start of a longer path. Prints only
 * relations, since paths and inode numbers differ between hosts. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"

static int link_of(int fd, char *buf, size_t n) {
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  ssize_t r = readlink(path, buf, n - 1);
  if (r < 0) return -1;
  buf[r] = '\0';
  return 0;
}

static int reopen(int fd, int flags) {
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  return open(path, flags);
}

int main(void) {
  char dir[] = "/tmp/proc_fd_XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char file[64];
  snprintf(file, sizeof file, "%s/data", dir);
  int fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0 && write(fd, "hello", 5) == 5);

  char link[256];
  CHECK(link_of(fd, link, sizeof link) == 0 && strcmp(link, file) == 0);
  struct stat ls;
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  CHECK(lstat(path, &ls) == 0 && S_ISLNK(ls.st_mode));

  /* Opening the link opens the file: same inode, own offset. */
  int again = reopen(fd, O_RDONLY);
  struct stat a, b;
  CHECK(again >= 0 && fstat(again, &a) == 0 && fstat(fd, &b) == 0);
  CHECK(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
  char got[8] = {0};
  CHECK(read(again, got, sizeof got) == 5 && memcmp(got, "hello", 5) == 0);
  close(again);

  /* Renamed: the link follows the file, not the old name. */
  char moved[64];
  snprintf(moved, sizeof moved, "%s/moved", dir);
  CHECK(rename(file, moved) == 0);
  int via = reopen(fd, O_RDONLY);
  CHECK(via >= 0 && fstat(via, &a) == 0 && a.st_ino == b.st_ino);
  close(via);

  /* A pipe: both ends name the same pipe, and reopening the read end reads what was written. */
  int p[2];
  CHECK(pipe(p) == 0);
  char r[64], w[64];
  CHECK(link_of(p[0], r, sizeof r) == 0 && link_of(p[1], w, sizeof w) == 0);
  CHECK(strncmp(r, "pipe:[", 6) == 0 && strcmp(r, w) == 0);
  CHECK(write(p[1], "xyz", 3) == 3);
  int pr = reopen(p[0], O_RDONLY);
  char pb[4] = {0};
  CHECK(pr >= 0 && read(pr, pb, 3) == 3 && strcmp(pb, "xyz") == 0);
  close(pr);

  /* dup names the same file; a closed descriptor has no link. */
  int d = dup(fd);
  char dl[256];
  CHECK(link_of(d, dl, sizeof dl) == 0 && link_of(fd, link, sizeof link) == 0 && strcmp(dl, link) == 0);
  close(d);
  errno = 0;
  CHECK(link_of(d, dl, sizeof dl) == -1 && errno == ENOENT);

  /* A directory descriptor starts a longer path. */
  int dfd = open(dir, O_RDONLY | O_DIRECTORY);
  char inside[96];
  snprintf(inside, sizeof inside, "/proc/self/fd/%d/moved", dfd);
  int in = open(inside, O_RDONLY);
  CHECK(in >= 0 && fstat(in, &a) == 0 && a.st_ino == b.st_ino);
  close(in);

  close(dfd);
  close(fd);
  close(p[0]);
  close(p[1]);
  unlink(moved);
  rmdir(dir);
  return check_failures;
}
