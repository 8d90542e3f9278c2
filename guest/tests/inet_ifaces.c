/* The loopback interface as programs see it: the interface ioctls on an AF_INET socket for "lo"
 * (flags, address, netmask, MTU, index, hardware address, name by index, ENODEV for a name that
 * does not exist), if_nametoindex, lo among SIOCGIFCONF's entries, FIONREAD and SIOCOUTQ on a TCP
 * socket, and /proc/net/dev, /proc/net/tcp and /proc/net/udp listing lo and this program's
 * sockets. Only what every Linux host has is printed. */
#define _GNU_SOURCE
#include <linux/sockios.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include "check.h"
#include "inet.h"

#define PORT 27171
#define UDP_PORT 27172

static int get(int s, unsigned long req, struct ifreq *r, const char *name) {
  memset(r, 0, sizeof *r);
  strcpy(r->ifr_name, name);
  return ioctl(s, req, r);
}

static unsigned addr_of(struct sockaddr *sa) {
  return ntohl(((struct sockaddr_in *)sa)->sin_addr.s_addr);
}

/* Whether the file at path has a line containing needle. */
static int file_has(const char *path, const char *needle) {
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    return 0;
  }
  char line[512];
  int found = 0;
  while (fgets(line, sizeof line, f) != NULL) {
    if (strstr(line, needle) != NULL) {
      found = 1;
    }
  }
  fclose(f);
  return found;
}

int main(void) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct ifreq r;
  CHECK(get(s, SIOCGIFFLAGS, &r, "lo") == 0 &&
        (r.ifr_flags & (IFF_UP | IFF_LOOPBACK | IFF_RUNNING)) == (IFF_UP | IFF_LOOPBACK | IFF_RUNNING));
  CHECK(get(s, SIOCGIFADDR, &r, "lo") == 0 && r.ifr_addr.sa_family == AF_INET &&
        addr_of(&r.ifr_addr) == INADDR_LOOPBACK);
  CHECK(get(s, SIOCGIFNETMASK, &r, "lo") == 0 && addr_of(&r.ifr_netmask) == 0xff000000u);
  CHECK(get(s, SIOCGIFMTU, &r, "lo") == 0 && r.ifr_mtu == 65536);
  CHECK(get(s, SIOCGIFINDEX, &r, "lo") == 0 && r.ifr_ifindex == 1);
  CHECK(get(s, SIOCGIFHWADDR, &r, "lo") == 0 && r.ifr_hwaddr.sa_family == ARPHRD_LOOPBACK &&
        memcmp(r.ifr_hwaddr.sa_data, "\0\0\0\0\0\0", 6) == 0);
  memset(&r, 0, sizeof r);
  r.ifr_ifindex = 1;
  CHECK(ioctl(s, SIOCGIFNAME, &r) == 0 && strcmp(r.ifr_name, "lo") == 0);
  CHECK(get(s, SIOCGIFFLAGS, &r, "nosuch0") == -1 && errno == ENODEV);
  CHECK(if_nametoindex("lo") == 1);

  struct ifconf ic = {0};
  CHECK(ioctl(s, SIOCGIFCONF, &ic) == 0 && ic.ifc_len >= (int)sizeof(struct ifreq));
  struct ifreq reqs[32];
  ic.ifc_len = sizeof reqs;
  ic.ifc_req = reqs;
  int lo_listed = 0;
  CHECK(ioctl(s, SIOCGIFCONF, &ic) == 0 && ic.ifc_len % sizeof(struct ifreq) == 0);
  for (int i = 0; i < ic.ifc_len / (int)sizeof(struct ifreq); i++) {
    if (strcmp(reqs[i].ifr_name, "lo") == 0 && addr_of(&reqs[i].ifr_addr) == INADDR_LOOPBACK) {
      lo_listed = 1;
    }
  }
  CHECK(lo_listed);
  close(s);

  int l = listener(PORT, 4);
  int c = connect_to(PORT);
  int a = accept(l, NULL, NULL);
  CHECK(l >= 0 && c >= 0 && a >= 0);
  CHECK(write(c, "12345", 5) == 5 && wait_for(a, POLLIN, 5000) == POLLIN);
  int n = -1;
  CHECK(ioctl(a, FIONREAD, &n) == 0 && n == 5);
  CHECK(ioctl(a, SIOCOUTQ, &n) == 0 && n == 0);
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in ua = loopback(UDP_PORT);
  CHECK(bind(u, (struct sockaddr *)&ua, sizeof ua) == 0);

  CHECK(file_has("/proc/net/dev", "    lo:"));
  char want[64];
  snprintf(want, sizeof want, ": 0100007F:%04X 00000000:0000 0A ", PORT);
  CHECK(file_has("/proc/net/tcp", want));
  snprintf(want, sizeof want, ": 0100007F:%04X 0100007F:", PORT);
  CHECK(file_has("/proc/net/tcp", want));
  snprintf(want, sizeof want, ": 0100007F:%04X 00000000:0000 07 ", UDP_PORT);
  CHECK(file_has("/proc/net/udp", want));
  CHECK(file_has("/proc/net/tcp", "  sl  local_address rem_address   st tx_queue rx_queue"));
  close(u);
  close(a);
  close(c);
  close(l);
  return check_failures;
}
