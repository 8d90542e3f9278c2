/* getrandom and the scheduler calls, printing only lengths and relations: getrandom fills
 * buffers of several sizes (GRND_NONBLOCK too) and two 32-byte draws differ, a bad flag is
 * EINVAL; sched_yield succeeds; sched_getaffinity reports at least one CPU and includes the one
 * we are on; sched_getscheduler is SCHED_OTHER; getpriority and nice round-trip. */
#define _GNU_SOURCE
#include <sched.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <unistd.h>
#include "check.h"

int main(void) {
  unsigned char a[32], b[32], big[4096];
  size_t sizes[] = {1, 16, 256, 4096};
  for (int i = 0; i < 4; i++) printf("getrandom(%zu) -> %zd\n", sizes[i], getrandom(big, sizes[i], 0));
  CHECK(getrandom(a, sizeof a, GRND_NONBLOCK) == 32);
  CHECK(getrandom(b, sizeof b, 0) == 32 && memcmp(a, b, 32) != 0);
  CHECK(getrandom(a, sizeof a, 0x40000) == -1 && errno == EINVAL);
  CHECK(getrandom(a, 0, 0) == 0);

  CHECK(sched_yield() == 0);
  cpu_set_t set;
  CPU_ZERO(&set);
  CHECK(sched_getaffinity(0, sizeof set, &set) == 0);
  CHECK(CPU_COUNT(&set) >= 1);
  int cpu = sched_getcpu();
  CHECK(cpu >= 0 && CPU_ISSET(cpu, &set));
  CHECK(sched_getscheduler(0) == SCHED_OTHER);
  CHECK(sysconf(_SC_NPROCESSORS_ONLN) >= 1);
  errno = 0;
  int prio = getpriority(PRIO_PROCESS, 0);
  CHECK(errno == 0 && prio >= -20 && prio <= 19);
  CHECK(setpriority(PRIO_PROCESS, 0, prio + 1 > 19 ? 19 : prio + 1) == 0);
  errno = 0;
  CHECK(getpriority(PRIO_PROCESS, 0) == (prio + 1 > 19 ? 19 : prio + 1) && errno == 0);
  return check_failures;
}
