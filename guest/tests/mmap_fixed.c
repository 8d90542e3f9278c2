/* Placing and moving mappings: MAP_FIXED over part of an existing mapping replaces just those
 * pages, an unaligned MAP_FIXED address is EINVAL, mremap grows in place or moves
 * (MREMAP_MAYMOVE) keeping the contents, MREMAP_FIXED to a chosen address, and shrinking. Only
 * offsets from the first mapping's base are printed. (MAP_FIXED_NOREPLACE is left out: qemu-riscv64
 * 7.2 does not refuse an occupied range.) */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "check.h"

int main(void) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  char *reserve = mmap(NULL, 16 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(reserve != MAP_FAILED);
  char *a = mmap(reserve, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  CHECK(a == reserve);
  memset(a, 'A', 4 * page);
  char *b = mmap(a + page, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  CHECK(b == a + page && b[0] == 0 && a[0] == 'A' && a[2 * page] == 'A');
  CHECK(mmap(a + 1, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED && errno == EINVAL);

  CHECK(munmap(a + 4 * page, 12 * page) == 0); /* free room after a */
  char *g = mremap(a, 4 * page, 8 * page, 0);
  CHECK(g == a && g[3 * page] == 'A' && g[7 * page] == 0);
  char *blocker = mmap(a + 8 * page, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  CHECK(blocker == a + 8 * page);
  CHECK(mremap(a, 8 * page, 12 * page, 0) == MAP_FAILED && errno == ENOMEM);
  char *m = mremap(a, 8 * page, 12 * page, MREMAP_MAYMOVE);
  CHECK(m != MAP_FAILED && m != a && m[0] == 'A' && m[page] == 0 && m[3 * page] == 'A');
  char *target = mmap(NULL, 4 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *f = mremap(m, 12 * page, 4 * page, MREMAP_MAYMOVE | MREMAP_FIXED, target);
  CHECK(f == target && f[0] == 'A' && f[3 * page] == 'A');
  char *s = mremap(f, 4 * page, page, 0);
  CHECK(s == f && s[0] == 'A');
  CHECK(munmap(s, page) == 0 && munmap(blocker, page) == 0);
  return check_failures;
}
