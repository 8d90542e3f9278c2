/* Exit statuses: atexit handlers run in reverse order, stdio is flushed at exit, and only the low
 * eight bits of the status reach the parent (298 becomes 42). */
#include <stdio.h>
#include <stdlib.h>

static void first(void) { printf("atexit: registered first, runs last\n"); }
static void second(void) { printf("atexit: registered second, runs first\n"); }

int main(void) {
  atexit(first);
  atexit(second);
  printf("this line is still buffered when exit is called");
  exit(298);
}
