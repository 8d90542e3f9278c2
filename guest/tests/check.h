/* Shared by the differential tests: CHECK prints one line per expectation, "ok" or "FAILED" with
 * errno, and counts failures so that main can return the count as the exit status. Nothing
 * host-dependent is ever printed. */
#ifndef POPCORNJ_CHECK_H
#define POPCORNJ_CHECK_H
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int check_failures;

static void check(const char *what, int ok) {
  if (ok) {
    printf("%-52s ok\n", what);
  } else {
    printf("%-52s FAILED (%s)\n", what, strerror(errno));
    check_failures++;
  }
  fflush(stdout);
}

#define CHECK(cond) check(#cond, (cond))

#endif
