/*
 * Touches memory a page at a time until it has MiB mebibytes or the kernel stops it: prints each
 * 16 MiB reached. With more than the machine (or the host) can back, the OOM killer ends it.
 *
 *   memhog MIB
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: memhog MIB\n");
    return 2;
  }
  long mib = atol(argv[1]);
  char *p = mmap(NULL, (size_t)mib << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                 -1, 0);
  if (p == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  for (long off = 0; off < mib << 20; off += 4096) {
    p[off] = 1;
    if (off % (16L << 20) == 0 && off > 0) {
      printf("%ld MiB\n", off >> 20);
      fflush(stdout);
    }
  }
  printf("touched %ld MiB\n", mib);
  return 0;
}
