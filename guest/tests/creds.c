/* Changing credentials to what they are: setresuid/setresgid/setreuid/setregid with the caller's
 * own ids or -1 (leave it) succeed for any user, and setgroups with the caller's own list succeeds
 * for root, which is how an SSH server's session sets up a root login. */
#define _GNU_SOURCE
#include <grp.h>
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

int main(void) {
  uid_t ru, eu, su;
  gid_t rg, eg, sg;
  getresuid(&ru, &eu, &su);
  getresgid(&rg, &eg, &sg);
  printf("setresuid(-1,-1,-1) %d\n", setresuid(-1, -1, -1));
  printf("setresuid(own) %d\n", setresuid(ru, eu, su));
  printf("setresgid(own) %d\n", setresgid(rg, eg, sg));
  printf("setreuid(-1,own) %d\n", setreuid(-1, eu));
  printf("setregid(own,-1) %d\n", setregid(rg, -1));
  uid_t ru2, eu2, su2;
  getresuid(&ru2, &eu2, &su2);
  printf("uids unchanged %d\n", ru2 == ru && eu2 == eu && su2 == su);
  gid_t list[64];
  int n = getgroups(64, list);
  printf("setgroups(own list) %d\n", n < 0 ? -2 : setgroups(n, list));
  gid_t primary = eg;
  printf("setgroups(1, egid) %d\n", setgroups(1, &primary));
  printf("setgroups(0) %d\n", setgroups(0, NULL));
  return 0;
}
