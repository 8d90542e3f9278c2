/* File-backed mappings: MAP_SHARED stores reach the file (read back with pread) and file writes
 * show in the mapping; MAP_PRIVATE stores stay private (copy on write) and the file keeps its
 * bytes; msync; mapping at an offset; the part of the last page past EOF reads as zeros; and a
 * mapping outlives close of its descriptor. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "check.h"

#define PATH "/tmp/pj_mmap_file.dat"

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
  CHECK(fd >= 0);
  char buf[3 * 4096];
  for (int i = 0; i < (int)sizeof buf; i++) buf[i] = (char)('a' + i % 26);
  CHECK(write(fd, buf, 2 * (size_t)page + 100) == 2 * page + 100); /* 2 pages and a bit */

  char *shared = mmap(NULL, 3 * (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(shared != MAP_FAILED);
  CHECK(shared[0] == 'a' && shared[page] == buf[page] && shared[2 * page + 99] == buf[2 * page + 99]);
  CHECK(shared[2 * page + 100] == 0 && shared[3 * page - 1] == 0); /* past EOF in the last page */
  memcpy(shared + 10, "SHARED", 6);
  char back[8] = {0};
  CHECK(pread(fd, back, 6, 10) == 6 && memcmp(back, "SHARED", 6) == 0);
  CHECK(pwrite(fd, "written", 7, page + 5) == 7);
  CHECK(memcmp(shared + page + 5, "written", 7) == 0);
  CHECK(msync(shared, 3 * (size_t)page, MS_SYNC) == 0);

  char *priv = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, page);
  CHECK(priv != MAP_FAILED && memcmp(priv + 5, "written", 7) == 0);
  memcpy(priv, "PRIVATE", 7);
  CHECK(pread(fd, back, 7, page) == 7 && memcmp(back, "PRIVATE", 7) != 0);
  CHECK(memcmp(shared + page, "PRIVATE", 7) != 0);
  CHECK(mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, 100) == MAP_FAILED && errno == EINVAL);

  close(fd);
  shared[20] = '!'; /* still mapped, still the file */
  CHECK(munmap(shared, 3 * (size_t)page) == 0 && munmap(priv, (size_t)page) == 0);
  fd = open(PATH, O_RDONLY);
  CHECK(fd >= 0 && pread(fd, back, 1, 20) == 1 && back[0] == '!');
  close(fd);
  int ro = open(PATH, O_RDONLY);
  CHECK(mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED && errno == EACCES);
  char *rp = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
  CHECK(rp != MAP_FAILED && (rp[0] = 'Q') == 'Q'); /* private writable of a read-only fd is fine */
  close(ro);
  CHECK(unlink(PATH) == 0);
  return check_failures;
}
