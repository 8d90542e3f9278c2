package dev.popcornj.kernel.syscall;

import static dev.popcornj.kernel.abi.SocketConstants.MSG_DONTWAIT;
import static dev.popcornj.kernel.abi.SocketConstants.MSG_NOSIGNAL;
import static dev.popcornj.kernel.abi.SocketConstants.SOCK_CLOEXEC;
import static dev.popcornj.kernel.abi.SocketConstants.SOCK_DGRAM;
import static dev.popcornj.kernel.abi.SocketConstants.SOCK_NONBLOCK;
import static dev.popcornj.kernel.abi.SocketConstants.SOCK_STREAM;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.abi.InetConstants;
import dev.popcornj.kernel.abi.LittleEndian;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.abi.SockMsghdrDescriptor;
import dev.popcornj.kernel.abi.SocketConstants;
import dev.popcornj.kernel.fs.OpenFile;
import dev.popcornj.kernel.fs.Vfs;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.net.inet.InetSocket;
import dev.popcornj.kernel.net.inet.InetSocketInode;
import dev.popcornj.kernel.net.inet.InetStack;
import dev.popcornj.kernel.net.inet.RawSocket;
import dev.popcornj.kernel.net.inet.SocketOptions;
import dev.popcornj.kernel.net.inet.TcpSocket;
import dev.popcornj.kernel.net.inet.UdpSocket;
import dev.popcornj.kernel.proc.Signalling;
import dev.popcornj.kernel.proc.Task;
import dev.popcornj.kernel.signal.SigInfo;
import dev.popcornj.machine.hart.AddressTranslator;

/**
 * The socket system calls for AF_INET (inet_stream_ops and inet_dgram_ops with tcp_prot and
 * udp_prot behind them): argument and address checks as Linux makes them, sockaddr_in in and out,
 * socket options, then the work handed to the kernel's {@link InetStack} sockets. {@link
 * SocketCalls} sends here every call on an AF_INET socket. Results are values or -errno.
 *
 * <p>Owned by one kernel instance; used only on its simulation thread.
 */
final class InetSocketCalls {
  /** Bytes a stream send copies in per step: what it moves is the guest's to choose. */
  private static final int STREAM_STEP = 64 * 1024;

  private final Vfs vfs;
  private final Signalling signals;
  private final InetStack stack;
  private long nextIno = 1L << 32;

  InetSocketCalls(Vfs vfs, Signalling signals, InetStack stack) {
    this.vfs = vfs;
    this.signals = signals;
    this.stack = stack;
  }

  /** The AF_INET socket open on f, or null. */
  static InetSocket socketOf(OpenFile f) {
    return f != null && f.inode() instanceof InetSocketInode i ? i.socket() : null;
  }

  private static UserMemory memory(Task t) {
    return t.process().memory();
  }

  private OpenFile open(InetSocket s, long flags) {
    InetSocketInode inode = new InetSocketInode(s, nextIno++, vfs.now());
    int status = FileConstants.O_RDWR | ((int) flags & FileConstants.O_NONBLOCK);
    return vfs.openInode(inode, status, "socket:[" + inode.ino() + "]");
  }

  // ---------------------------------------------------------------- sockaddr_in

  /**
   * struct sockaddr_in: family (2 bytes, little-endian), port (2, network order), address (4,
   * network order), 8 bytes of zero.
   */
  static byte[] sockaddr(int addr, int port) {
    byte[] b = new byte[InetConstants.SOCKADDR_IN_LENGTH];
    b[0] = SocketConstants.AF_INET;
    b[2] = (byte) (port >>> 8);
    b[3] = (byte) port;
    b[4] = (byte) (addr >>> 24);
    b[5] = (byte) (addr >>> 16);
    b[6] = (byte) (addr >>> 8);
    b[7] = (byte) addr;
    return b;
  }

  private static int family(byte[] a) {
    return (a[0] & 0xff) | (a[1] & 0xff) << 8;
  }

  private static int port(byte[] a) {
    return (a[2] & 0xff) << 8 | (a[3] & 0xff);
  }

  private static int address(byte[] a) {
    return (a[4] & 0xff) << 24 | (a[5] & 0xff) << 16 | (a[6] & 0xff) << 8 | (a[7] & 0xff);
  }

  // ---------------------------------------------------------------- creation and names

  /** socket(AF_INET, type, protocol): inet_create's checks. */
  long socket(Task t, long type, long protocol) {
    int kind = (int) type & SocketConstants.SOCK_TYPE_MASK;
    if (((int) type & ~SocketConstants.SOCK_TYPE_MASK & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) != 0
        || kind >= SocketConstants.SOCK_MAX) {
      return -Errno.EINVAL;
    }
    int p = (int) protocol;
    InetSocket s;
    switch (kind) {
      case SOCK_STREAM -> {
        if (p != 0 && p != InetConstants.IPPROTO_TCP) {
          return -Errno.EPROTONOSUPPORT;
        }
        s = stack.newTcp();
      }
      case SOCK_DGRAM -> {
        if (p != 0 && p != InetConstants.IPPROTO_UDP) {
          return -Errno.EPROTONOSUPPORT;
        }
        s = stack.newUdp();
      }
      case SocketConstants.SOCK_RAW -> {
        if (p != InetConstants.IPPROTO_ICMP) {
          return -Errno.EPROTONOSUPPORT; // raw sockets of other protocols are not modelled
        }
        s = stack.newRaw();
      }
      default -> {
        return -Errno.ESOCKTNOSUPPORT;
      }
    }
    return SocketCalls.install(t, open(s, type), type);
  }

  long bind(Task t, InetSocket s, long addr, long len) {
    byte[] a = SocketCalls.addressIn(t, addr, len);
    if (a.length < InetConstants.SOCKADDR_IN_LENGTH) {
      return -Errno.EINVAL;
    }
    if (family(a) != SocketConstants.AF_INET
        && (family(a) != SocketConstants.AF_UNSPEC || address(a) != 0)) {
      return -Errno.EAFNOSUPPORT;
    }
    return s.bind(address(a), port(a));
  }

  long listen(InetSocket s, long backlog) {
    if (!(s instanceof TcpSocket tcp)) {
      return -Errno.EOPNOTSUPP;
    }
    int b = (int) backlog;
    if (Integer.compareUnsigned(b, SocketConstants.SOMAXCONN) > 0) {
      b = SocketConstants.SOMAXCONN;
    }
    return tcp.listen(b);
  }

  long accept4(Task t, InetSocket s, long fd, long addr, long lenAddr, long flags) {
    if ((flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) != 0) {
      return -Errno.EINVAL;
    }
    if (!(s instanceof TcpSocket tcp)) {
      return -Errno.EOPNOTSUPP;
    }
    long[] errno = new long[1];
    TcpSocket conn = tcp.accept(SocketCalls.nonBlocking(t, fd), errno);
    if (conn == null) {
      return -errno[0];
    }
    OpenFile f = open(conn, flags);
    if (addr != 0) {
      try {
        int[] peer = conn.peer();
        SocketCalls.addressOut(
            t, peer == null ? sockaddr(0, 0) : sockaddr(peer[0], peer[1]), addr, lenAddr);
      } catch (RuntimeException e) {
        f.release();
        throw e;
      }
    }
    return SocketCalls.install(t, f, flags);
  }

  long connect(Task t, InetSocket s, long fd, long addr, long len) {
    byte[] a = SocketCalls.addressIn(t, addr, len);
    if (a.length < 2) {
      return -Errno.EINVAL;
    }
    if (family(a) == SocketConstants.AF_UNSPEC) {
      return switch (s) {
        case UdpSocket u -> u.disconnect();
        case RawSocket r -> r.disconnect();
        case TcpSocket tcp -> tcp.disconnect();
      };
    }
    if (a.length < InetConstants.SOCKADDR_IN_LENGTH) {
      return -Errno.EINVAL;
    }
    if (family(a) != SocketConstants.AF_INET) {
      return -Errno.EAFNOSUPPORT;
    }
    long r =
        switch (s) {
          case TcpSocket tcp -> tcp.connect(address(a), port(a), SocketCalls.nonBlocking(t, fd));
          case UdpSocket udp -> udp.connect(address(a), port(a));
          case RawSocket raw -> raw.connect(address(a));
        };
    stack.settle();
    return r;
  }

  long getsockname(Task t, InetSocket s, long addr, long lenAddr) {
    SocketCalls.addressOut(t, sockaddr(s.localAddress(), s.localPort()), addr, lenAddr);
    return 0;
  }

  long getpeername(Task t, InetSocket s, long addr, long lenAddr) {
    int[] peer = s.peer();
    if (peer == null) {
      return -Errno.ENOTCONN;
    }
    SocketCalls.addressOut(t, sockaddr(peer[0], peer[1]), addr, lenAddr);
    return 0;
  }

  long shutdown(InetSocket s, long how) {
    if (how < SocketConstants.SHUT_RD || how > SocketConstants.SHUT_RDWR) {
      return -Errno.EINVAL;
    }
    long r = s.shutdown((int) how);
    stack.settle();
    return r;
  }

  // ---------------------------------------------------------------- data

  /** A send's destination from its address bytes: {addr, port}, {0, -1} for none, or -errno. */
  private static long[] destination(InetSocket s, byte[] a) {
    if (a.length == 0 || s.type() == SOCK_STREAM) {
      return new long[] {0, -1};
    }
    if (a.length < InetConstants.SOCKADDR_IN_LENGTH) {
      return new long[] {-Errno.EINVAL};
    }
    if (family(a) != SocketConstants.AF_INET && family(a) != SocketConstants.AF_UNSPEC) {
      return new long[] {-Errno.EAFNOSUPPORT};
    }
    return new long[] {address(a), port(a)};
  }

  /** Sends the bytes of iov (bases, lengths) with flags to the address bytes a (may be empty). */
  long send(Task t, InetSocket s, long fd, long[][] iov, int flags, byte[] a) {
    long r = sendUnsettled(t, s, fd, iov, flags, a);
    stack.settle();
    return r;
  }

  private long sendUnsettled(Task t, InetSocket s, long fd, long[][] iov, int flags, byte[] a) {
    long[] to = destination(s, a);
    if (to.length == 1) {
      return to[0];
    }
    boolean nonBlocking = (flags & MSG_DONTWAIT) != 0 || SocketCalls.nonBlocking(t, fd);
    long total = 0;
    for (long l : iov[1]) {
      total = Math.min(Integer.MAX_VALUE, total + l);
    }
    long r;
    if (s.type() != SOCK_STREAM) {
      if (total > 65535) {
        return -Errno.EMSGSIZE;
      }
      r =
          s.send(
              SocketCalls.gather(t, iov, 0, (int) total),
              flags,
              nonBlocking,
              (int) to[0],
              (int) to[1]);
    } else {
      long done = 0;
      r = 0;
      do {
        int n = (int) Math.min(STREAM_STEP, total - done);
        byte[] data;
        try {
          data = SocketCalls.gather(t, iov, done, n);
        } catch (RuntimeException e) {
          if (done > 0) {
            return done;
          }
          throw e;
        }
        r = s.send(data, flags, nonBlocking, 0, -1);
        if (r < 0) {
          break;
        }
        done += r;
        if (r < n) {
          break;
        }
      } while (done < total);
      if (done > 0) {
        return done;
      }
    }
    if (r == -Errno.EPIPE && s.type() == SOCK_STREAM && (flags & MSG_NOSIGNAL) == 0) {
      signals.sendToThread(t, Signals.SIGPIPE, SigInfo.kernel(Signals.SIGPIPE));
    }
    return r;
  }

  /**
   * Receives up to the total of iov; writes the sender's address (datagrams; none for a stream) to
   * name with its length at nameLenAddr when name is not 0. Returns the count and the message flags
   * in flagsOut[0].
   */
  long receive(
      Task t,
      InetSocket s,
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
    InetSocket.Received r = s.receive((int) total, flags, nonBlocking);
    stack.settle();
    if (r.result() < 0) {
      return r.result();
    }
    SocketCalls.scatter(t, iov, r.data());
    if (name != 0) {
      byte[] from = s.type() != SOCK_STREAM ? sockaddr(r.fromAddr(), r.fromPort()) : new byte[0];
      SocketCalls.addressOut(t, from, name, nameLenAddr);
    }
    flagsOut[0] = r.msgFlags();
    return r.result();
  }

  long recvmsg(Task t, InetSocket s, long fd, long msg, long flags) {
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

  // ---------------------------------------------------------------- options

  long setsockopt(Task t, InetSocket s, long level, long name, long value, long len) {
    SocketOptions o = s.options();
    int lvl = (int) level;
    int opt = (int) name;
    if (lvl == SocketConstants.SOL_SOCKET
        && (opt == InetConstants.SO_RCVTIMEO || opt == InetConstants.SO_SNDTIMEO)) {
      if ((int) len < 16) {
        return -Errno.EINVAL;
      }
      long sec = memory(t).read64(value);
      long usec = memory(t).read64(value + 8);
      if (usec < 0 || usec >= 1_000_000) {
        return -Errno.EDOM;
      }
      long ps =
          sec < 0
              ? 0
              : sec == 0 && usec == 0 || sec > 1_000_000_000L
                  ? SocketOptions.FOREVER
                  : sec * 1_000_000_000_000L + usec * 1_000_000L;
      if (opt == InetConstants.SO_RCVTIMEO) {
        o.rcvTimeoutPs = ps;
      } else {
        o.sndTimeoutPs = ps;
      }
      return 0;
    }
    if (lvl == SocketConstants.SOL_SOCKET && opt == InetConstants.SO_LINGER) {
      if ((int) len < 8) {
        return -Errno.EINVAL;
      }
      o.lingerOn = memory(t).read32(value) != 0;
      o.lingerSeconds = Math.max(0, memory(t).read32(value + 4));
      return 0;
    }
    if (lvl != SocketConstants.SOL_SOCKET
        && lvl != InetConstants.IPPROTO_IP
        && !(lvl == InetConstants.IPPROTO_TCP && s instanceof TcpSocket)) {
      return -Errno.ENOPROTOOPT;
    }
    if ((int) len < 4) {
      return -Errno.EINVAL;
    }
    int v = memory(t).read32(value);
    if (lvl == InetConstants.IPPROTO_IP) {
      switch (opt) {
        case InetConstants.IP_TOS -> o.tos = v & 0xff;
        case InetConstants.IP_TTL -> {
          if (v < -1 || v == 0 || v > 255) {
            return -Errno.EINVAL;
          }
          o.ttl = v == -1 ? 64 : v;
        }
        default -> {
          return -Errno.ENOPROTOOPT;
        }
      }
      return 0;
    }
    if (lvl == InetConstants.IPPROTO_TCP) {
      if (opt != InetConstants.TCP_NODELAY) {
        return -Errno.ENOPROTOOPT;
      }
      o.noDelay = v != 0;
      return 0;
    }
    switch (opt) {
      case InetConstants.SO_REUSEADDR -> o.reuseAddr = v != 0;
      case InetConstants.SO_KEEPALIVE -> o.keepAlive = v != 0;
      case InetConstants.SO_BROADCAST -> o.broadcast = v != 0;
      case InetConstants.SO_PRIORITY -> o.priority = v; // any value: every process is root
      case SocketConstants.SO_SNDBUF -> {
        long b = Math.min(Integer.toUnsignedLong(v), SocketConstants.DEFAULT_BUFFER);
        o.sndbuf = (int) Math.max(b * 2, SocketConstants.MIN_SNDBUF);
        s.wakeWriters();
      }
      case SocketConstants.SO_RCVBUF -> {
        long b = Math.min(Integer.toUnsignedLong(v), SocketConstants.DEFAULT_BUFFER);
        o.rcvbuf = (int) Math.max(b * 2, SocketConstants.MIN_RCVBUF);
      }
      default -> {
        return -Errno.ENOPROTOOPT;
      }
    }
    return 0;
  }

  long getsockopt(Task t, InetSocket s, long level, long name, long value, long lenAddr) {
    UserMemory m = memory(t);
    int len = m.read32(lenAddr);
    if (len < 0) {
      return -Errno.EINVAL;
    }
    SocketOptions o = s.options();
    int lvl = (int) level;
    byte[] out;
    if (lvl == InetConstants.IPPROTO_TCP && s instanceof TcpSocket) {
      if ((int) name != InetConstants.TCP_NODELAY) {
        return -Errno.ENOPROTOOPT;
      }
      out = intValue(o.noDelay ? 1 : 0);
    } else if (lvl == InetConstants.IPPROTO_IP) {
      switch ((int) name) {
        case InetConstants.IP_TOS -> out = intValue(o.tos);
        case InetConstants.IP_TTL -> out = intValue(o.ttl);
        default -> {
          return -Errno.ENOPROTOOPT;
        }
      }
    } else if (lvl == SocketConstants.SOL_SOCKET) {
      switch ((int) name) {
        case SocketConstants.SO_TYPE -> out = intValue(s.type());
        case SocketConstants.SO_ERROR -> out = intValue(s.takeError());
        case SocketConstants.SO_DOMAIN -> out = intValue(SocketConstants.AF_INET);
        case SocketConstants.SO_PROTOCOL -> out = intValue(s.protocol());
        case SocketConstants.SO_ACCEPTCONN ->
            out = intValue(s instanceof TcpSocket tcp && tcp.listening() ? 1 : 0);
        case SocketConstants.SO_SNDBUF -> out = intValue(o.sndbuf);
        case SocketConstants.SO_RCVBUF -> out = intValue(o.rcvbuf);
        case InetConstants.SO_REUSEADDR -> out = intValue(o.reuseAddr ? 1 : 0);
        case InetConstants.SO_KEEPALIVE -> out = intValue(o.keepAlive ? 1 : 0);
        case InetConstants.SO_BROADCAST -> out = intValue(o.broadcast ? 1 : 0);
        case InetConstants.SO_PRIORITY -> out = intValue(o.priority);
        case InetConstants.SO_RCVTIMEO, InetConstants.SO_SNDTIMEO -> {
          long ps = (int) name == InetConstants.SO_RCVTIMEO ? o.rcvTimeoutPs : o.sndTimeoutPs;
          out = new byte[16];
          if (ps != SocketOptions.FOREVER) {
            LittleEndian.put64(out, 0, ps / 1_000_000_000_000L);
            LittleEndian.put64(out, 8, ps % 1_000_000_000_000L / 1_000_000L);
          }
        }
        case InetConstants.SO_LINGER -> {
          out = new byte[8];
          LittleEndian.put32(out, 0, o.lingerOn ? 1 : 0);
          LittleEndian.put32(out, 4, o.lingerSeconds);
        }
        default -> {
          return -Errno.ENOPROTOOPT;
        }
      }
    } else {
      return -Errno.ENOPROTOOPT;
    }
    int n = Math.min(len, out.length);
    m.write(value, out, 0, n);
    m.write32(lenAddr, n);
    return 0;
  }

  private static byte[] intValue(int v) {
    byte[] b = new byte[4];
    LittleEndian.put32(b, 0, v);
    return b;
  }
}
