/* A raw ICMP socket as ping uses it: an echo request to 127.0.0.1 is answered by the kernel with an
 * echo reply carrying the same identifier, sequence number and data, which the socket receives
 * whole, IPv4 header first, from 127.0.0.1 (port 0), beside its own request on the loopback; a
 * connected raw socket sends without an address, an unconnected one without one is EDESTADDRREQ.
 * Packets of other identifiers (another ping on the host) are skipped. */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include "check.h"

static const char DATA[] = "popcornj ping";

static unsigned short checksum(const void *p, int n) {
  const unsigned char *b = p;
  unsigned long sum = 0;
  for (int i = 0; i + 1 < n; i += 2) {
    sum += (unsigned)(b[i] | b[i + 1] << 8);
  }
  if (n & 1) {
    sum += b[n - 1];
  }
  while (sum >> 16) {
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return (unsigned short)~sum;
}

static int request(int s, unsigned short id, unsigned short seq, int with_address) {
  unsigned char out[sizeof(struct icmphdr) + sizeof DATA];
  struct icmphdr *h = (struct icmphdr *)out;
  memset(out, 0, sizeof out);
  h->type = ICMP_ECHO;
  h->un.echo.id = htons(id);
  h->un.echo.sequence = htons(seq);
  memcpy(out + sizeof *h, DATA, sizeof DATA);
  h->checksum = checksum(out, sizeof out);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  ssize_t n = with_address ? sendto(s, out, sizeof out, 0, (struct sockaddr *)&to, sizeof to)
                           : send(s, out, sizeof out, 0);
  return n == (ssize_t)sizeof out;
}

/* Waits for the echo reply to (id, seq): 1 when it came right, 0 otherwise. */
static int reply(int s, unsigned short id, unsigned short seq) {
  for (int tries = 0; tries < 100; tries++) {
    unsigned char in[1024];
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(s, in, sizeof in, 0, (struct sockaddr *)&from, &fl);
    if (n < (ssize_t)sizeof(struct iphdr)) {
      return 0;
    }
    struct iphdr *ip = (struct iphdr *)in;
    int hl = ip->ihl * 4;
    if (ip->version != 4 || ip->protocol != IPPROTO_ICMP || n < hl + (ssize_t)sizeof DATA + 8) {
      continue;
    }
    struct icmphdr *h = (struct icmphdr *)(in + hl);
    if (h->un.echo.id != htons(id) || h->un.echo.sequence != htons(seq) || h->type != ICMP_ECHOREPLY) {
      continue; /* another ping's, or our own request seen on the loopback */
    }
    return fl == sizeof from && from.sin_family == AF_INET &&
           from.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && from.sin_port == 0 &&
           ip->saddr == htonl(INADDR_LOOPBACK) && ntohs(ip->tot_len) == n &&
           checksum(h, (int)(n - hl)) == 0 && memcmp(in + hl + 8, DATA, sizeof DATA) == 0;
  }
  return 0;
}

int main(void) {
  int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  CHECK(s >= 0);
  int v = 0;
  socklen_t vl = sizeof v;
  CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &vl) == 0 && v == SOCK_RAW);
  CHECK(getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &vl) == 0 && v == IPPROTO_ICMP);
  unsigned short id = (unsigned short)(getpid() ^ 0x5a5a);
  CHECK(request(s, id, 1, 0) == 0 && errno == EDESTADDRREQ);
  CHECK(request(s, id, 1, 1));
  CHECK(reply(s, id, 1));
  struct sockaddr_in lo = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  CHECK(connect(s, (struct sockaddr *)&lo, sizeof lo) == 0);
  CHECK(request(s, id, 2, 0));
  CHECK(reply(s, id, 2));
  close(s);
  return check_failures;
}
