package dev.popcornj.kernel.net.netlink;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.net.inet.InetStack;
import dev.popcornj.kernel.net.inet.NetDevice;
import dev.popcornj.kernel.net.inet.RoutingTable;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The rtnetlink messages of one kernel's IPv4 stack, in Linux's layouts: the answers to the dumps
 * {@code ip link}, {@code ip addr}, {@code ip route} and glibc's getifaddrs ask for (RTM_GETLINK,
 * RTM_GETADDR, RTM_GETROUTE with NLM_F_DUMP), and NLMSG_ERROR for what this stack does not do
 * (changing links, addresses or routes, or a get of one object).
 *
 * <pre>
 *  struct nlmsghdr (16 bytes, host order)           a message is its header and payload,
 *  +---------------------------------------------+  padded to 4 bytes (NLMSG_ALIGN)
 *  | nlmsg_len u32 | type u16 | flags u16 |          payload: ifinfomsg (16), ifaddrmsg (8) or
 *  | nlmsg_seq u32 | nlmsg_pid u32        |          rtmsg (12), then attributes:
 *  +---------------------------------------------+
 *  struct rtattr: | rta_len u16 | rta_type u16 | data, padded to 4 |
 * </pre>
 *
 * Integers are little-endian (riscv64's host order); IPv4 addresses are in network order.
 */
public final class RouteMessages {
  static final int HEADER = 16;
  static final int NLMSG_ERROR = 2;
  static final int NLMSG_DONE = 3;
  static final int NLMSG_MIN_TYPE = 16;
  static final int NLM_F_REQUEST = 0x1;
  static final int NLM_F_MULTI = 0x2;
  static final int NLM_F_DUMP = 0x300;

  static final int RTM_NEWLINK = 16;
  static final int RTM_GETLINK = 18;
  static final int RTM_NEWADDR = 20;
  static final int RTM_GETADDR = 22;
  static final int RTM_NEWROUTE = 24;
  static final int RTM_GETROUTE = 26;

  private static final int AF_UNSPEC = 0;
  private static final int AF_INET = 2;
  private static final int AF_PACKET = 17;
  private static final int IFF_RUNNING = 0x40;
  private static final int IFF_LOWER_UP = 0x10000;
  private static final int IFLA_ADDRESS = 1;
  private static final int IFLA_BROADCAST = 2;
  private static final int IFLA_IFNAME = 3;
  private static final int IFLA_MTU = 4;
  private static final int IFLA_QDISC = 6;
  private static final int IFLA_TXQLEN = 13;
  private static final int IFLA_OPERSTATE = 16;
  private static final int IFLA_LINKMODE = 17;
  private static final int IF_OPER_UNKNOWN = 0;
  private static final int IF_OPER_UP = 6;
  private static final int IFA_ADDRESS = 1;
  private static final int IFA_LOCAL = 2;
  private static final int IFA_LABEL = 3;
  private static final int IFA_BROADCAST = 4;
  private static final int IFA_FLAGS = 8;
  private static final int IFA_F_PERMANENT = 0x80;
  private static final int RT_SCOPE_UNIVERSE = 0;
  private static final int RT_SCOPE_LINK = 253;
  private static final int RT_SCOPE_HOST = 254;
  private static final int RT_TABLE_MAIN = 254;
  private static final int RTPROT_KERNEL = 2;
  private static final int RTN_UNICAST = 1;
  private static final int RTA_DST = 1;
  private static final int RTA_OIF = 4;
  private static final int RTA_PREFSRC = 7;
  private static final int RTA_TABLE = 15;

  private RouteMessages() {}

  /**
   * The answer to the messages a program sent to the kernel in one datagram, as one datagram (null
   * when there is nothing to answer), addressed to portId: each request gets its dump ending in
   * NLMSG_DONE, its ACK when it asked for one, or NLMSG_ERROR.
   */
  static byte[] answer(InetStack stack, byte[] sent, int portId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    while (sent.length - at >= HEADER) {
      int len = u32(sent, at);
      if (len < HEADER || len > sent.length - at) {
        break; // NLMSG_OK fails: the rest is ignored, as netlink_rcv_skb does
      }
      int type = u16(sent, at + 4);
      int flags = u16(sent, at + 6);
      int seq = u32(sent, at + 8);
      int family = len > HEADER ? sent[at + HEADER] & 0xff : AF_UNSPEC;
      byte[] request = java.util.Arrays.copyOfRange(sent, at, at + len);
      at += align(len);
      if ((flags & NLM_F_REQUEST) == 0 || type < NLMSG_MIN_TYPE) {
        continue; // control messages and answers are not requests
      }
      if ((flags & NLM_F_DUMP) == NLM_F_DUMP
          && (type == RTM_GETLINK || type == RTM_GETADDR || type == RTM_GETROUTE)) {
        dump(stack, type, family, seq, portId, out);
      } else {
        // Changes, and gets of one object, are not modelled.
        writeError(out, -Errno.EOPNOTSUPP, request, seq, portId);
      }
    }
    return out.size() == 0 ? null : out.toByteArray();
  }

  private static void dump(
      InetStack stack, int type, int family, int seq, int portId, ByteArrayOutputStream out) {
    boolean ipv4 = family == AF_UNSPEC || family == AF_INET;
    switch (type) {
      case RTM_GETLINK -> {
        if (ipv4 || family == AF_PACKET) {
          for (NetDevice d : stack.devices()) {
            out.writeBytes(message(RTM_NEWLINK, NLM_F_MULTI, seq, portId, link(d)));
          }
        }
      }
      case RTM_GETADDR -> {
        if (ipv4) {
          for (NetDevice d : stack.devices()) {
            out.writeBytes(message(RTM_NEWADDR, NLM_F_MULTI, seq, portId, address(d)));
          }
        }
      }
      default -> {
        if (ipv4) {
          for (RoutingTable.Route r : stack.routes().routes()) {
            if ((r.device().flags() & NetDevice.IFF_LOOPBACK) == 0) {
              out.writeBytes(message(RTM_NEWROUTE, NLM_F_MULTI, seq, portId, route(r)));
            }
          }
        }
      }
    }
    out.writeBytes(message(NLMSG_DONE, NLM_F_MULTI, seq, portId, new byte[4]));
  }

  /** NLMSG_ERROR: the error (0 is an ACK), the request's header, and for an error its payload. */
  private static void writeError(
      ByteArrayOutputStream out, int error, byte[] request, int seq, int portId) {
    int quoted = error == 0 ? HEADER : request.length;
    byte[] body = new byte[4 + quoted];
    put32(body, 0, error);
    System.arraycopy(request, 0, body, 4, quoted);
    out.writeBytes(message(NLMSG_ERROR, 0, seq, portId, body));
  }

  /** One message with its header, padded. */
  static byte[] message(int type, int flags, int seq, int portId, byte[] payload) {
    int len = HEADER + payload.length;
    byte[] m = new byte[align(len)];
    put32(m, 0, len);
    put16(m, 4, type);
    put16(m, 6, flags);
    put32(m, 8, seq);
    put32(m, 12, portId);
    System.arraycopy(payload, 0, m, HEADER, payload.length);
    return m;
  }

  /** RTM_NEWLINK's payload: struct ifinfomsg and the link's attributes. */
  private static byte[] link(NetDevice d) {
    boolean running = (d.flags() & IFF_RUNNING) != 0;
    boolean loopback = (d.flags() & NetDevice.IFF_LOOPBACK) != 0;
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    byte[] ifinfo = new byte[16];
    ifinfo[0] = AF_UNSPEC;
    put16(ifinfo, 2, d.hardwareType());
    put32(ifinfo, 4, d.ifindex());
    put32(ifinfo, 8, d.flags() | (running ? IFF_LOWER_UP : 0));
    p.writeBytes(ifinfo);
    attribute(p, IFLA_IFNAME, string(d.name()));
    attribute(p, IFLA_TXQLEN, u32(1000));
    attribute(p, IFLA_OPERSTATE, new byte[] {(byte) (loopback ? IF_OPER_UNKNOWN : IF_OPER_UP)});
    attribute(p, IFLA_LINKMODE, new byte[1]);
    attribute(p, IFLA_MTU, u32(d.mtu()));
    attribute(p, IFLA_QDISC, string("noqueue"));
    byte[] hw = d.hardwareAddress();
    attribute(p, IFLA_ADDRESS, hw);
    byte[] broadcast = new byte[hw.length];
    if (!loopback) {
      java.util.Arrays.fill(broadcast, (byte) 0xff);
    }
    attribute(p, IFLA_BROADCAST, broadcast);
    return p.toByteArray();
  }

  /** RTM_NEWADDR's payload: struct ifaddrmsg and the device's IPv4 address. */
  private static byte[] address(NetDevice d) {
    boolean loopback = (d.flags() & NetDevice.IFF_LOOPBACK) != 0;
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    byte[] ifaddr = new byte[8];
    ifaddr[0] = AF_INET;
    ifaddr[1] = (byte) Integer.bitCount(d.netmask());
    ifaddr[2] = (byte) IFA_F_PERMANENT;
    ifaddr[3] = (byte) (loopback ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE);
    put32(ifaddr, 4, d.ifindex());
    p.writeBytes(ifaddr);
    attribute(p, IFA_ADDRESS, ipv4(d.address()));
    attribute(p, IFA_LOCAL, ipv4(d.address()));
    if ((d.flags() & NetDevice.IFF_BROADCAST) != 0) {
      attribute(p, IFA_BROADCAST, ipv4(d.address() | ~d.netmask()));
    }
    attribute(p, IFA_LABEL, string(d.name()));
    attribute(p, IFA_FLAGS, u32(IFA_F_PERMANENT));
    return p.toByteArray();
  }

  /** RTM_NEWROUTE's payload: struct rtmsg and a main-table route to a device's subnet. */
  private static byte[] route(RoutingTable.Route r) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    byte[] rtmsg = new byte[12];
    rtmsg[0] = AF_INET;
    rtmsg[1] = (byte) r.prefixLength();
    rtmsg[4] = (byte) RT_TABLE_MAIN;
    rtmsg[5] = RTPROT_KERNEL;
    rtmsg[6] = (byte) RT_SCOPE_LINK;
    rtmsg[7] = RTN_UNICAST;
    p.writeBytes(rtmsg);
    attribute(p, RTA_TABLE, u32(RT_TABLE_MAIN));
    if (r.prefixLength() > 0) {
      attribute(p, RTA_DST, ipv4(r.prefix() & r.mask()));
    }
    attribute(p, RTA_PREFSRC, ipv4(r.device().address()));
    attribute(p, RTA_OIF, u32(r.device().ifindex()));
    return p.toByteArray();
  }

  private static void attribute(ByteArrayOutputStream p, int type, byte[] data) {
    byte[] a = new byte[align(4 + data.length)];
    put16(a, 0, 4 + data.length);
    put16(a, 2, type);
    System.arraycopy(data, 0, a, 4, data.length);
    p.writeBytes(a);
  }

  private static byte[] string(String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    return java.util.Arrays.copyOf(b, b.length + 1);
  }

  private static byte[] u32(int v) {
    byte[] b = new byte[4];
    put32(b, 0, v);
    return b;
  }

  private static byte[] ipv4(int addr) {
    return new byte[] {
      (byte) (addr >>> 24), (byte) (addr >>> 16), (byte) (addr >>> 8), (byte) addr
    };
  }

  static int align(int n) {
    return (n + 3) & ~3;
  }

  static int u16(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
  }

  static int u32(byte[] b, int at) {
    return u16(b, at) | u16(b, at + 2) << 16;
  }

  static void put16(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
  }

  static void put32(byte[] b, int at, int v) {
    put16(b, at, v);
    put16(b, at + 2, v >>> 16);
  }
}
