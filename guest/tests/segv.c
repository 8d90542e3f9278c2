/* A store through a null pointer: the process dies by SIGSEGV (status 128+11). */
#include <stdio.h>

int main(void) {
  printf("storing through a null pointer\n");
  fflush(stdout);
  volatile int *volatile p = (int *)0x10;
  *p = 1;
  printf("not reached\n");
  return 0;
}
