/* Long argument lists: prints argc, the bytes of all arguments and a checksum of them, as Linux and
 * qemu-user accept up to a quarter of the 8 MiB stack of arguments and environment. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  unsigned long bytes = 0, sum = 0;
  for (int i = 1; i < argc; i++) {
    size_t n = strlen(argv[i]);
    bytes += n + 1;
    for (size_t j = 0; j < n; j++) sum = sum * 31 + (unsigned char)argv[i][j];
  }
  printf("argc=%d bytes=%lu sum=%lu\n", argc, bytes, sum);
  return 0;
}
