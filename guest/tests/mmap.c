/* The memory system calls directly: anonymous mmap (zero filled, hinted and fixed), munmap of
 * part of a mapping, mprotect, mremap, brk through sbrk, and the errno of invalid requests. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096

static void report(const char *what, int ok) { printf("%-40s %s (errno %d)\n", what, ok ? "ok" : "FAILED", ok ? 0 : errno); }

int main(void) {
  size_t len = 64 * PAGE;
  unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  report("mmap anonymous 256 KiB", p != MAP_FAILED);
  int zero = 1;
  for (size_t i = 0; i < len; i += 512) zero &= p[i] == 0;
  report("fresh pages read as zero", zero);
  for (size_t i = 0; i < len; i++) p[i] = (unsigned char)(i * 7);
  report("munmap of pages 8..15", munmap(p + 8 * PAGE, 8 * PAGE) == 0);
  unsigned char *q = mmap(p + 8 * PAGE, 8 * PAGE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  report("MAP_FIXED into the hole", q == p + 8 * PAGE);
  report("hole is zero again", q[0] == 0 && q[8 * PAGE - 1] == 0);
  report("neighbours kept their bytes", p[8 * PAGE - 1] == (unsigned char)(8 * PAGE - 1) * 7 % 256 &&
                                            p[16 * PAGE] == (unsigned char)(16 * PAGE * 7));
  report("mprotect read-only", mprotect(p, 4 * PAGE, PROT_READ) == 0);
  report("read-only pages still readable", p[PAGE + 3] == (unsigned char)((PAGE + 3) * 7));
  report("mprotect read-write again", mprotect(p, 4 * PAGE, PROT_READ | PROT_WRITE) == 0);
  p[0] = 99;
  unsigned char *r = mremap(p, len, 2 * len, MREMAP_MAYMOVE);
  report("mremap grow", r != MAP_FAILED && r[0] == 99 && r[len - 1] == (unsigned char)((len - 1) * 7));
  report("mremap grown tail is zero", r != MAP_FAILED && r[2 * len - 1] == 0);
  report("munmap all", munmap(r, 2 * len) == 0);

  errno = 0;
  report("mmap of length 0 fails with EINVAL",
         mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
  errno = 0;
  report("munmap of unaligned address fails with EINVAL", munmap((char *)p + 1, PAGE) == -1 && errno == EINVAL);
  errno = 0;
  report("mmap of a bad fd fails with EBADF", mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 99, 0) == MAP_FAILED && errno == EBADF);

  char *b0 = sbrk(0);
  char *b1 = sbrk(3 * PAGE + 100);
  report("sbrk grow returns old break", b1 == b0);
  memset(b1, 0x5a, 3 * PAGE + 100);
  report("sbrk(0) is old + increment", sbrk(0) == b0 + 3 * PAGE + 100);
  report("sbrk shrink", sbrk(-(3 * PAGE + 100)) == b0 + 3 * PAGE + 100 && sbrk(0) == b0);
  char *b2 = sbrk(PAGE);
  report("memory regrown after shrink is zero", b2[0] == 0 && b2[PAGE - 1] == 0);
  sbrk(-PAGE);

  unsigned char *big = mmap(NULL, 300u << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  report("300 MiB reservation", big != MAP_FAILED);
  big[0] = 1;
  big[(300u << 20) - 1] = 2;
  report("touch both ends of it", big[0] + big[(300u << 20) - 1] == 3);
  munmap(big, 300u << 20);
  return 0;
}
