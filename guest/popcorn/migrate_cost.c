/*
 * What migration costs in virtual time, measured by `scripts/bench-migration` from the run's
 * statistics: ROUNDS round trips between kernels 0 and 1, then, on kernel 1, CALLS system calls
 * served at home (getppid) and PAGES page faults on memory that lives at home (half of it written
 * there first, half never touched). Usage: migrate_cost [ROUNDS CALLS PAGES].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NR_POPCORN_MIGRATE 1001

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 50;
  int calls = argc > 2 ? atoi(argv[2]) : 1000;
  int pages = argc > 3 ? atoi(argv[3]) : 256;
  long page = sysconf(_SC_PAGESIZE);
  char *mem = malloc((size_t)pages * page + page);
  char *base = (char *)(((unsigned long)mem + page - 1) & ~(page - 1));
  memset(base, 1, (size_t)(pages / 2) * page); /* written at home: contents travel */
  for (int i = 0; i < rounds; i++) {
    if (syscall(NR_POPCORN_MIGRATE, 1, 0, 0) != 0 || syscall(NR_POPCORN_MIGRATE, 0, 0, 0) != 0) {
      perror("popcorn_migrate");
      return 1;
    }
  }
  if (syscall(NR_POPCORN_MIGRATE, 1, 0, 0) != 0) {
    perror("popcorn_migrate");
    return 1;
  }
  long sum = 0;
  for (int i = 0; i < calls; i++) sum += getppid();
  for (int i = 0; i < pages; i++) sum += base[(long)i * page];
  printf("rounds %d calls %d pages %d (%ld)\n", rounds, calls, pages, sum > 0 ? 1L : 0L);
  return 0;
}
