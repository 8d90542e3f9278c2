package dev.popcornj.kernel.net.inet;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.mm.UserMemory;
import java.nio.charset.StandardCharsets;

/**
 * The interface ioctls an AF_INET socket takes (net/core/dev_ioctl.c, net/ipv4/devinet.c), the
 * read-only ones glibc's if_nametoindex and busybox's ifconfig use, with struct ifreq and struct
 * ifconf as riscv64 lays them out:
 *
 * <pre>
 *   struct ifreq (40 bytes)                    struct ifconf (16 bytes)
 *   0  char ifr_name[16]                       0  int ifc_len
 *   16 union: struct sockaddr (16 bytes),      8  char *ifc_buf
 *      short flags, int ifindex / mtu / metric / qlen
 * </pre>
 *
 * Also SIOCINQ (FIONREAD) and SIOCOUTQ: bytes waiting to be read, and not yet acknowledged.
 */
public final class InterfaceIoctls {
  public static final int SIOCINQ = 0x541b;
  public static final int SIOCOUTQ = 0x5411;
  public static final int SIOCGIFNAME = 0x8910;
  public static final int SIOCGIFCONF = 0x8912;
  public static final int SIOCGIFFLAGS = 0x8913;
  public static final int SIOCGIFADDR = 0x8915;
  public static final int SIOCGIFDSTADDR = 0x8917;
  public static final int SIOCGIFBRDADDR = 0x8919;
  public static final int SIOCGIFNETMASK = 0x891b;
  public static final int SIOCGIFMETRIC = 0x891d;
  public static final int SIOCGIFMTU = 0x8921;
  public static final int SIOCGIFHWADDR = 0x8927;
  public static final int SIOCGIFINDEX = 0x8933;
  public static final int SIOCGIFTXQLEN = 0x8942;
  public static final int SIOCGIFMAP = 0x8970;

  private static final int IFREQ = 40;
  private static final int IFNAMSIZ = 16;
  private static final int UNION = 16;

  /** A device's transmit queue length (tx_queue_len): 1000, as Linux gives lo and Ethernet. */
  private static final int TX_QUEUE_LEN = 1000;

  private InterfaceIoctls() {}

  /** ioctl(2) request on socket s; -ENOTTY for one that is not a socket ioctl. */
  public static long ioctl(InetStack stack, InetSocket s, int request, long arg, UserMemory m) {
    switch (request) {
      case SIOCINQ -> {
        m.write32(arg, s.inputQueued());
        return 0;
      }
      case SIOCOUTQ -> {
        m.write32(arg, s instanceof TcpSocket t ? t.sendQueued() : 0);
        return 0;
      }
      default -> {
        return device(stack, request, arg, m);
      }
    }
  }

  /** A network-device request (any socket's, whatever its family); -ENOTTY for another. */
  public static long device(InetStack stack, int request, long arg, UserMemory m) {
    switch (request) {
      case SIOCGIFCONF -> {
        return ifconf(stack, arg, m);
      }
      case SIOCGIFNAME -> {
        int index = m.read32(arg + UNION);
        for (NetDevice d : stack.devices()) {
          if (d.ifindex() == index) {
            m.write(arg, name(d), 0, IFNAMSIZ);
            return 0;
          }
        }
        return -Errno.ENODEV;
      }
      case SIOCGIFFLAGS,
          SIOCGIFADDR,
          SIOCGIFDSTADDR,
          SIOCGIFBRDADDR,
          SIOCGIFNETMASK,
          SIOCGIFMETRIC,
          SIOCGIFMTU,
          SIOCGIFHWADDR,
          SIOCGIFINDEX,
          SIOCGIFTXQLEN,
          SIOCGIFMAP -> {
        byte[] raw = m.read(arg, IFNAMSIZ);
        int end = 0;
        while (end < IFNAMSIZ && raw[end] != 0) {
          end++;
        }
        String wanted = new String(raw, 0, end, StandardCharsets.ISO_8859_1);
        for (NetDevice d : stack.devices()) {
          if (d.name().equals(wanted)) {
            byte[] u = union(d, request);
            m.write(arg + UNION, u, 0, u.length);
            return 0;
          }
        }
        return -Errno.ENODEV;
      }
      default -> {
        return -Errno.ENOTTY;
      }
    }
  }

  private static byte[] name(NetDevice d) {
    byte[] n = new byte[IFNAMSIZ];
    byte[] s = d.name().getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(s, 0, n, 0, Math.min(s.length, IFNAMSIZ - 1));
    return n;
  }

  private static byte[] sockaddrIn(int addr) {
    byte[] b = new byte[16];
    b[0] = 2; // AF_INET
    b[4] = (byte) (addr >>> 24);
    b[5] = (byte) (addr >>> 16);
    b[6] = (byte) (addr >>> 8);
    b[7] = (byte) addr;
    return b;
  }

  private static byte[] intUnion(int v, int bytes) {
    byte[] b = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    return b;
  }

  private static byte[] union(NetDevice d, int request) {
    return switch (request) {
      case SIOCGIFFLAGS -> intUnion(d.flags(), 2);
      case SIOCGIFADDR -> sockaddrIn(d.address());
      case SIOCGIFNETMASK -> sockaddrIn(d.netmask());
      case SIOCGIFBRDADDR ->
          sockaddrIn((d.flags() & NetDevice.IFF_BROADCAST) != 0 ? d.address() | ~d.netmask() : 0);
      case SIOCGIFDSTADDR -> sockaddrIn(0);
      case SIOCGIFMETRIC -> intUnion(0, 4);
      case SIOCGIFMTU -> intUnion(d.mtu(), 4);
      case SIOCGIFINDEX -> intUnion(d.ifindex(), 4);
      case SIOCGIFTXQLEN -> intUnion(TX_QUEUE_LEN, 4);
      case SIOCGIFMAP -> new byte[24];
      case SIOCGIFHWADDR -> {
        byte[] b = new byte[16];
        b[0] = (byte) d.hardwareType();
        b[1] = (byte) (d.hardwareType() >>> 8);
        byte[] hw = d.hardwareAddress();
        System.arraycopy(hw, 0, b, 2, Math.min(hw.length, 14));
        yield b;
      }
      default -> new byte[0];
    };
  }

  /** SIOCGIFCONF: an ifreq (name, address) per interface that fits; ifc_len says the bytes. */
  private static long ifconf(InetStack stack, long arg, UserMemory m) {
    int len = m.read32(arg);
    long buf = m.read64(arg + 8);
    int need = IFREQ * stack.devices().size();
    if (buf == 0) {
      m.write32(arg, need);
      return 0;
    }
    int used = 0;
    for (NetDevice d : stack.devices()) {
      if (used + IFREQ > len) {
        break;
      }
      byte[] req = new byte[IFREQ];
      System.arraycopy(name(d), 0, req, 0, IFNAMSIZ);
      System.arraycopy(sockaddrIn(d.address()), 0, req, UNION, 16);
      m.write(buf + used, req, 0, IFREQ);
      used += IFREQ;
    }
    m.write32(arg, used);
    return 0;
  }
}
