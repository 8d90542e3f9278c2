package dev.popcornj.kernel.syscall;

import static dev.popcornj.kernel.abi.SocketConstants.MSG_DONTWAIT;
import static dev.popcornj.kernel.abi.SocketConstants.SOCK_CLOEXEC;
import static dev.popcornj.kernel.abi.SocketConstants.SOCK_DGRAM;
import static dev.popcornj.kernel.abi.SocketConstants.SOCK_NONBLOCK;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.abi.LittleEndian;
import dev.popcornj.kernel.abi.SockMsghdrDescriptor;
import dev.popcornj.kernel.abi.SocketConstants;
import dev.popcornj.kernel.fs.OpenFile;
import dev.popcornj.kernel.fs.Vfs;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.net.inet.InetStack;
import dev.popcornj.kernel.net.netlink.NetlinkSocket;
import dev.popcornj.kernel.net.netlink.NetlinkSocketInode;
import dev.popcornj.kernel.proc.Task;
import dev.popcornj.machine.hart.AddressTranslator;
import java.util.HashSet;
import java.util.Set;

/**
 * The socket system calls for AF_NETLINK (netlink_ops), NETLINK_ROUTE only: sockaddr_nl in and out,
 * port ids, the few socket options programs set, then the work handed to {@link NetlinkSocket}.
 * {@link SocketCalls} sends here every call on an AF_NETLINK socket. Results are values or -errno.
 *
 * <pre>
 *  struct sockaddr_nl (12 bytes): | nl_family u16 (16) | pad u16 | nl_pid u32 | nl_groups u32 |
 * </pre>
 *
 * <p>Owned by one kernel instance; used only on its simulation thread.
 */
final class NetlinkSocketCalls {
  /** AF_NETLINK. */
  static final int AF_NETLINK = 16;

  /** sizeof(struct sockaddr_nl). */
  static final int SOCKADDR_NL_LENGTH = 12;

  /** SOL_NETLINK. */
  private static final int SOL_NETLINK = 270;

  /** The SOL_NETLINK options (NETLINK_ADD_MEMBERSHIP .. NETLINK_GET_STRICT_CHK) taken and kept. */
  private static final int NETLINK_OPTIONS_LAST = 12;

  private static final int SO_SNDBUFFORCE = 32;
  private static final int SO_RCVBUFFORCE = 33;

  private final Vfs vfs;
  private final InetStack stack;
  private final Set<Integer> boundPorts = new HashSet<>(); // this kernel's netlink port ids
  private long nextIno = 3L << 32;

  NetlinkSocketCalls(Vfs vfs, InetStack stack) {
    this.vfs = vfs;
    this.stack = stack;
  }

  /** The AF_NETLINK socket open on f, or null. */
  static NetlinkSocket socketOf(OpenFile f) {
    return f != null && f.inode() instanceof NetlinkSocketInode i ? i.socket() : null;
  }

  private static UserMemory memory(Task t) {
    return t.process().memory();
  }

  private static int tgid(Task t) {
    return t.process().pid();
  }

  static byte[] sockaddr(int pid, int groups) {
    byte[] b = new byte[SOCKADDR_NL_LENGTH];
    b[0] = AF_NETLINK;
    LittleEndian.put32(b, 4, pid);
    LittleEndian.put32(b, 8, groups);
    return b;
  }

  private static int family(byte[] a) {
    return (a[0] & 0xff) | (a[1] & 0xff) << 8;
  }

  /** socket(AF_NETLINK, type, protocol): netlink_create's checks. */
  long socket(Task t, long type, long protocol) {
    int kind = (int) type & SocketConstants.SOCK_TYPE_MASK;
    if (((int) type & ~SocketConstants.SOCK_TYPE_MASK & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) != 0
        || kind >= SocketConstants.SOCK_MAX) {
      return -Errno.EINVAL;
    }
    if (kind != SocketConstants.SOCK_RAW && kind != SOCK_DGRAM) {
      return -Errno.ESOCKTNOSUPPORT;
    }
    if ((int) protocol != NetlinkSocket.NETLINK_ROUTE) {
      return -Errno.EPROTONOSUPPORT; // no other netlink family has a kernel side here
    }
    NetlinkSocket s = new NetlinkSocket(stack, boundPorts, kind, vfs.sleeper());
    NetlinkSocketInode inode = new NetlinkSocketInode(s, nextIno++, vfs.now(), tgid(t));
    int status = FileConstants.O_RDWR | ((int) type & FileConstants.O_NONBLOCK);
    OpenFile f = vfs.openInode(inode, status, "socket:[" + inode.ino() + "]");
    return SocketCalls.install(t, f, type);
  }

  long bind(Task t, NetlinkSocket s, long addr, long len) {
    byte[] a = SocketCalls.addressIn(t, addr, len);
    if (a.length < SOCKADDR_NL_LENGTH || family(a) != AF_NETLINK) {
      return -Errno.EINVAL;
    }
    return s.bind(LittleEndian.get32(a, 4), LittleEndian.get32(a, 8), tgid(t));
  }

  long connect(Task t, NetlinkSocket s, long addr, long len) {
    byte[] a = SocketCalls.addressIn(t, addr, len);
    if (a.length < 2) {
      return -Errno.EINVAL;
    }
    if (family(a) == SocketConstants.AF_UNSPEC) {
      return s.connect(0, 0, tgid(t));
    }
    if (a.length < SOCKADDR_NL_LENGTH || family(a) != AF_NETLINK) {
      return -Errno.EINVAL;
    }
    return s.connect(LittleEndian.get32(a, 4), LittleEndian.get32(a, 8), tgid(t));
  }

  long getsockname(Task t, NetlinkSocket s, long addr, long lenAddr) {
    SocketCalls.addressOut(t, sockaddr(s.portId(), s.groups()), addr, lenAddr);
    return 0;
  }

  long getpeername(Task t, NetlinkSocket s, long addr, long lenAddr) {
    int[] peer = s.peer();
    SocketCalls.addressOut(t, sockaddr(peer[0], peer[1]), addr, lenAddr);
    return 0;
  }

  /** Sends the bytes of iov (bases, lengths) to the sockaddr_nl in a (or the peer, when empty). */
  long send(Task t, NetlinkSocket s, long[][] iov, byte[] a) {
    int to = -1;
    if (a.length > 0) {
      if (a.length < SOCKADDR_NL_LENGTH || family(a) != AF_NETLINK) {
        return -Errno.EINVAL;
      }
      to = LittleEndian.get32(a, 4);
    }
    long total = 0;
    for (long l : iov[1]) {
      total = Math.min(Integer.MAX_VALUE, total + l);
    }
    if (total > s.sndbuf()) {
      return -Errno.EMSGSIZE;
    }
    return s.send(SocketCalls.gather(t, iov, 0, (int) total), to, tgid(t));
  }

  /**
   * Receives the next datagram into iov; writes the sender's sockaddr_nl (the kernel, port 0) to
   * name with its length at nameLenAddr when name is not 0; the message flags go to flagsOut[0].
   */
  long receive(
      Task t,
      NetlinkSocket s,
      long fd,
      long[][] iov,
      int flags,
      long name,
      long nameLenAddr,
      int[] flagsOut) {
    long total = 0;
    for (long l : iov[1]) {
      total = Math.min(Integer.MAX_VALUE, total + l);
    }
    for (int i = 0; i < iov[0].length; i++) {
      memory(t).check(iov[0][i], iov[1][i], AddressTranslator.WRITE);
    }
    boolean nonBlocking = (flags & MSG_DONTWAIT) != 0 || SocketCalls.nonBlocking(t, fd);
    NetlinkSocket.Received r = s.receive((int) total, flags, nonBlocking);
    if (r.result() < 0) {
      return r.result();
    }
    SocketCalls.scatter(t, iov, r.data());
    if (name != 0) {
      SocketCalls.addressOut(t, sockaddr(0, 0), name, nameLenAddr);
    }
    flagsOut[0] = r.msgFlags();
    return r.result();
  }

  long recvmsg(Task t, NetlinkSocket s, long fd, long msg, long flags) {
    UserMemory m = memory(t);
    long name = m.read64(msg + SockMsghdrDescriptor.NAME);
    long[][] iov = SocketCalls.iovecs(t, msg);
    int[] msgFlags = new int[1];
    long r =
        receive(t, s, fd, iov, (int) flags, name, msg + SockMsghdrDescriptor.NAMELEN, msgFlags);
    if (r < 0) {
      return r;
    }
    if (name == 0) {
      m.write32(msg + SockMsghdrDescriptor.NAMELEN, 0);
    }
    m.write32(msg + SockMsghdrDescriptor.FLAGS, msgFlags[0]);
    m.write64(msg + SockMsghdrDescriptor.CONTROLLEN, 0);
    return r;
  }

  long setsockopt(Task t, NetlinkSocket s, long level, long name, long value, long len) {
    if ((int) len < 4) {
      return -Errno.EINVAL;
    }
    int opt = (int) name;
    if ((int) level == SOL_NETLINK) {
      // Membership, extended ACKs, strict checking...: taken; nothing here depends on them.
      return opt >= 1 && opt <= NETLINK_OPTIONS_LAST ? 0 : -Errno.ENOPROTOOPT;
    }
    if ((int) level != SocketConstants.SOL_SOCKET) {
      return -Errno.ENOPROTOOPT;
    }
    long v = Math.min(Integer.toUnsignedLong(memory(t).read32(value)), Integer.MAX_VALUE / 2);
    switch (opt) {
      case SocketConstants.SO_SNDBUF, SO_SNDBUFFORCE ->
          s.setSndbuf((int) Math.max(v * 2, SocketConstants.MIN_SNDBUF));
      case SocketConstants.SO_RCVBUF, SO_RCVBUFFORCE ->
          s.setRcvbuf((int) Math.max(v * 2, SocketConstants.MIN_RCVBUF));
      default -> {
        return -Errno.ENOPROTOOPT;
      }
    }
    return 0;
  }

  long getsockopt(Task t, NetlinkSocket s, long level, long name, long value, long lenAddr) {
    UserMemory m = memory(t);
    int len = m.read32(lenAddr);
    if (len < 0) {
      return -Errno.EINVAL;
    }
    if ((int) level != SocketConstants.SOL_SOCKET) {
      return -Errno.ENOPROTOOPT;
    }
    int v =
        switch ((int) name) {
          case SocketConstants.SO_TYPE -> s.type();
          case SocketConstants.SO_ERROR -> 0;
          case SocketConstants.SO_DOMAIN -> AF_NETLINK;
          case SocketConstants.SO_PROTOCOL -> NetlinkSocket.NETLINK_ROUTE;
          case SocketConstants.SO_SNDBUF -> s.sndbuf();
          case SocketConstants.SO_RCVBUF -> s.rcvbuf();
          default -> Integer.MIN_VALUE;
        };
    if (v == Integer.MIN_VALUE) {
      return -Errno.ENOPROTOOPT;
    }
    byte[] out = new byte[4];
    LittleEndian.put32(out, 0, v);
    int n = Math.min(len, out.length);
    m.write(value, out, 0, n);
    m.write32(lenAddr, n);
    return 0;
  }
}
