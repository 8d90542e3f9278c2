/* The smallest glibc program: one line on stdout, exit status 0. */
#include <stdio.h>

int main(void) {
  printf("Hello from riscv64!\n");
  return 0;
}
