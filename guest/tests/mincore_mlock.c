/* mincore reports which pages are in memory: untouched anonymous pages are not, touched ones are,
 * and a freshly written file's pages are even where this mapping never touched them; mlock faults
 * its range in; both refuse ranges with holes (ENOMEM), and mincore an unaligned start (EINVAL).
 * (mlock2 is left out: qemu-user does not implement it.) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "check.h"

static int resident(const unsigned char *v, int n, const char *want) {
  for (int i = 0; i < n; i++) {
    if ((v[i] & 1) != (want[i] == '1')) return 0;
  }
  return 1;
}

int main(void) {
  long pg = sysconf(_SC_PAGESIZE);
  unsigned char v[4];
  char *m = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(m != MAP_FAILED);
  CHECK(mincore(m, 4 * pg, v) == 0 && resident(v, 4, "0000"));
  m[pg + 10] = 1;
  CHECK(mincore(m, 4 * pg, v) == 0 && resident(v, 4, "0100"));
  CHECK(mlock(m + 2 * pg + 5, pg) == 0); /* pages 2 and 3 */
  CHECK(mincore(m, 4 * pg, v) == 0 && resident(v, 4, "0111"));
  CHECK(munlock(m, 4 * pg) == 0);
  errno = 0;
  CHECK(mincore(m + 1, pg, v) == -1 && errno == EINVAL);
  CHECK(munmap(m + pg, pg) == 0);
  errno = 0;
  CHECK(mincore(m, 4 * pg, v) == -1 && errno == ENOMEM);
  errno = 0;
  CHECK(mlock(m, 4 * pg) == -1 && errno == ENOMEM);
  munmap(m, 4 * pg);

  char *n = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(mincore(n, 2 * pg, v) == 0 && resident(v, 2, "00"));
  CHECK(munlockall() == 0);
  errno = 0;
  CHECK(mlockall(0) == -1 && errno == EINVAL);
  munmap(n, 2 * pg);

  char path[] = "/tmp/mincore_XXXXXX";
  int fd = mkstemp(path);
  char *buf = calloc(1, 2 * pg);
  CHECK(fd >= 0 && write(fd, buf, 2 * pg) == 2 * pg);
  char *f = mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, fd, 0);
  CHECK(f != MAP_FAILED && mincore(f, 2 * pg, v) == 0 && resident(v, 2, "11"));
  munmap(f, 2 * pg);
  close(fd);
  unlink(path);
  free(buf);
  return check_failures;
}
