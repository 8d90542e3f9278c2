/* setrlimit and prlimit64 refusals, as Linux gives them: a soft limit above the hard one is
 * EINVAL, a RLIMIT_NOFILE hard limit above fs.nr_open (1048576) is EPERM even for root, and a
 * refused call changes nothing and writes no old value; lowering needs no privilege. Raising a
 * hard limit is not tried: it takes CAP_SYS_RESOURCE, which PopcornJ's root has and the host
 * behind qemu-riscv64 may lack even as root (a container). Only limits qemu passes to its host
 * are set (not AS, DATA or STACK), and no host value is printed. */
#define _GNU_SOURCE
#include <sys/resource.h>
#include <unistd.h>
#include "check.h"

#define NR_OPEN 1048576

int main(void) {
  struct rlimit old, now, r;
  CHECK(getrlimit(RLIMIT_NOFILE, &old) == 0);

  r = (struct rlimit){old.rlim_max + 1, old.rlim_max};
  CHECK(setrlimit(RLIMIT_NOFILE, &r) == -1 && errno == EINVAL);
  r = (struct rlimit){old.rlim_cur, NR_OPEN + 1};
  CHECK(setrlimit(RLIMIT_NOFILE, &r) == -1 && errno == EPERM);
  r = (struct rlimit){RLIM_INFINITY, RLIM_INFINITY};
  CHECK(setrlimit(RLIMIT_NOFILE, &r) == -1 && errno == EPERM);
  struct rlimit untouched = {7, 7};
  r = (struct rlimit){old.rlim_cur, NR_OPEN + 1};
  CHECK(prlimit(0, RLIMIT_NOFILE, &r, &untouched) == -1 && errno == EPERM);
  CHECK(untouched.rlim_cur == 7 && untouched.rlim_max == 7);
  CHECK(getrlimit(RLIMIT_NOFILE, &now) == 0 && now.rlim_cur == old.rlim_cur &&
        now.rlim_max == old.rlim_max);

  struct rlimit core;
  CHECK(getrlimit(RLIMIT_CORE, &core) == 0);
  r = (struct rlimit){0, 0};
  CHECK(setrlimit(RLIMIT_CORE, &r) == 0);
  CHECK(getrlimit(RLIMIT_CORE, &now) == 0 && now.rlim_cur == 0 && now.rlim_max == 0);
  r = (struct rlimit){1, 0};
  CHECK(setrlimit(RLIMIT_CORE, &r) == -1 && errno == EINVAL);
  struct rlimit before = {1, 1};
  r = (struct rlimit){0, 0};
  CHECK(prlimit(getpid(), RLIMIT_CORE, &r, &before) == 0);
  CHECK(before.rlim_cur == 0 && before.rlim_max == 0);
  return check_failures;
}
