/* An illegal instruction (an all-zero word): the process dies by SIGILL (status 128+4). */
#include <stdio.h>

int main(void) {
  printf("executing an illegal instruction\n");
  fflush(stdout);
  __asm__ volatile(".4byte 0");
  printf("not reached\n");
  return 0;
}
