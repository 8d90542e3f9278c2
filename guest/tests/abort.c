/* abort(): the process dies by SIGABRT (status 128+6 seen from a shell); only output flushed
 * before the call is seen. */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  printf("about to abort\n");
  fflush(stdout);
  printf("this line is lost with the stdio buffer\n");
  abort();
}
