/* rtnetlink as programs use it: a NETLINK_ROUTE socket has port 0 until bound, and binding to 0
 * gives it the process's id (a second socket gets another id, a taken one is EADDRINUSE); dumps of
 * the links (RTM_GETLINK) and addresses (RTM_GETADDR) come from the kernel (port 0) to this port
 * with the request's sequence number, list lo with index 1 and 127.0.0.1/8, and end with
 * NLMSG_DONE; glibc's getifaddrs and if_nameindex, which ask the same way, find lo. Only what every
 * Linux host has is printed. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include "check.h"

static int lo_link, lo_addr;

static int request_dump(int s, int type, int family, unsigned seq) {
  struct {
    struct nlmsghdr h;
    struct rtgenmsg g;
  } req;
  memset(&req, 0, sizeof req);
  req.h.nlmsg_len = sizeof req;
  req.h.nlmsg_type = type;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.h.nlmsg_seq = seq;
  req.g.rtgen_family = family;
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  return sendto(s, &req, sizeof req, 0, (struct sockaddr *)&kernel, sizeof kernel) ==
         (ssize_t)sizeof req;
}

static void look_at(struct nlmsghdr *h) {
  if (h->nlmsg_type == RTM_NEWLINK) {
    struct ifinfomsg *i = NLMSG_DATA(h);
    int len = IFLA_PAYLOAD(h);
    for (struct rtattr *a = IFLA_RTA(i); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
      if (a->rta_type == IFLA_IFNAME && strcmp(RTA_DATA(a), "lo") == 0 && i->ifi_index == 1 &&
          i->ifi_type == ARPHRD_LOOPBACK &&
          (i->ifi_flags & (IFF_UP | IFF_LOOPBACK)) == (IFF_UP | IFF_LOOPBACK)) {
        lo_link = 1;
      }
    }
  } else if (h->nlmsg_type == RTM_NEWADDR) {
    struct ifaddrmsg *i = NLMSG_DATA(h);
    int len = IFA_PAYLOAD(h);
    for (struct rtattr *a = IFA_RTA(i); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
      uint32_t addr;
      memcpy(&addr, RTA_DATA(a), sizeof addr);
      if (a->rta_type == IFA_LOCAL && i->ifa_family == AF_INET && i->ifa_index == 1 &&
          i->ifa_prefixlen == 8 && i->ifa_scope == RT_SCOPE_HOST &&
          addr == htonl(INADDR_LOOPBACK)) {
        lo_addr = 1;
      }
    }
  }
}

/* Reads the answers to dump seq up to NLMSG_DONE: 1 when every one came from the kernel to port
 * with seq, 0 otherwise. */
static int read_dump(int s, unsigned seq, unsigned port) {
  static char buf[32768];
  int good = 1;
  for (;;) {
    struct sockaddr_nl from;
    struct iovec iov = {buf, sizeof buf};
    struct msghdr msg = {
        .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1};
    ssize_t n = recvmsg(s, &msg, 0);
    if (n <= 0 || msg.msg_namelen != sizeof from || from.nl_family != AF_NETLINK ||
        from.nl_pid != 0 || (msg.msg_flags & MSG_TRUNC)) {
      return 0;
    }
    int left = (int)n;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
      if (h->nlmsg_seq != seq || h->nlmsg_pid != port) {
        good = 0;
      }
      if (h->nlmsg_type == NLMSG_DONE) {
        return good;
      }
      if (h->nlmsg_type == NLMSG_ERROR) {
        return 0;
      }
      look_at(h);
    }
  }
}

int main(void) {
  int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  CHECK(s >= 0);
  struct sockaddr_nl me;
  socklen_t ml = sizeof me;
  CHECK(getsockname(s, (struct sockaddr *)&me, &ml) == 0 && ml == sizeof me &&
        me.nl_family == AF_NETLINK && me.nl_pid == 0);
  struct sockaddr_nl bad = {.nl_family = AF_INET};
  CHECK(bind(s, (struct sockaddr *)&bad, sizeof bad) == -1 && errno == EINVAL);
  struct sockaddr_nl any = {.nl_family = AF_NETLINK};
  CHECK(bind(s, (struct sockaddr *)&any, sizeof any) == 0);
  ml = sizeof me;
  CHECK(getsockname(s, (struct sockaddr *)&me, &ml) == 0 && me.nl_pid == (unsigned)getpid());
  int type = -1;
  socklen_t tl = sizeof type;
  CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_RAW);

  int s2 = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE);
  struct sockaddr_nl taken = {.nl_family = AF_NETLINK, .nl_pid = getpid()};
  CHECK(bind(s2, (struct sockaddr *)&taken, sizeof taken) == -1 && errno == EADDRINUSE);
  struct sockaddr_nl other;
  socklen_t ol = sizeof other;
  CHECK(bind(s2, (struct sockaddr *)&any, sizeof any) == 0);
  CHECK(getsockname(s2, (struct sockaddr *)&other, &ol) == 0 && other.nl_pid != me.nl_pid);
  close(s2);

  CHECK(request_dump(s, RTM_GETLINK, AF_UNSPEC, 7));
  CHECK(read_dump(s, 7, me.nl_pid));
  CHECK(lo_link);
  CHECK(request_dump(s, RTM_GETADDR, AF_INET, 8));
  CHECK(read_dump(s, 8, me.nl_pid));
  CHECK(lo_addr);
  char small[4];
  CHECK(recv(s, small, sizeof small, MSG_DONTWAIT) == -1 && errno == EAGAIN);

  struct sockaddr_nl user = {.nl_family = AF_NETLINK, .nl_pid = 0x7ffffff0};
  char ping[16] = {0};
  CHECK(sendto(s, ping, sizeof ping, 0, (struct sockaddr *)&user, sizeof user) == -1 &&
        errno == ECONNREFUSED);
  close(s);

  struct ifaddrs *list;
  CHECK(getifaddrs(&list) == 0);
  int inet_lo = 0, packet_lo = 0;
  for (struct ifaddrs *i = list; i != NULL; i = i->ifa_next) {
    if (strcmp(i->ifa_name, "lo") != 0 || i->ifa_addr == NULL) {
      continue;
    }
    if (i->ifa_addr->sa_family == AF_PACKET) {
      packet_lo = 1;
    }
    if (i->ifa_addr->sa_family == AF_INET) {
      struct sockaddr_in *a = (struct sockaddr_in *)i->ifa_addr;
      struct sockaddr_in *m = (struct sockaddr_in *)i->ifa_netmask;
      inet_lo = a->sin_addr.s_addr == htonl(INADDR_LOOPBACK) && m != NULL &&
                m->sin_addr.s_addr == htonl(0xff000000) && (i->ifa_flags & IFF_LOOPBACK) &&
                (i->ifa_flags & IFF_UP);
    }
  }
  freeifaddrs(list);
  CHECK(inet_lo);
  CHECK(packet_lo);

  struct if_nameindex *names = if_nameindex();
  int lo_index = 0;
  for (struct if_nameindex *n = names; n != NULL && n->if_index != 0; n++) {
    if (strcmp(n->if_name, "lo") == 0) {
      lo_index = (int)n->if_index;
    }
  }
  if_freenameindex(names);
  CHECK(lo_index == 1);
  return check_failures;
}
