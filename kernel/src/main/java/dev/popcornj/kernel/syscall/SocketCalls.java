package dev.popcornj.kernel.syscall;

import static dev.popcornj.kernel.abi.SocketConstants.AF_UNIX;
import static dev.popcornj.kernel.abi.SocketConstants.MSG_DONTWAIT;
import static dev.popcornj.kernel.abi.SocketConstants.MSG_NOSIGNAL;
import static dev.popcornj.kernel.abi.SocketConstants.SOCK_CLOEXEC;
import static dev.popcornj.kernel.abi.SocketConstants.SOCK_DGRAM;
import static dev.popcornj.kernel.abi.SocketConstants.SOCK_NONBLOCK;
import static dev.popcornj.kernel.abi.SocketConstants.SOCK_STREAM;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.IovecDescriptor;
import dev.popcornj.kernel.abi.LittleEndian;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.abi.SockMsghdrDescriptor;
import dev.popcornj.kernel.abi.SockaddrDescriptor;
import dev.popcornj.kernel.abi.SocketConstants;
import dev.popcornj.kernel.fs.FileTable;
import dev.popcornj.kernel.fs.OpenFile;
import dev.popcornj.kernel.fs.Vfs;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.net.Ucred;
import dev.popcornj.kernel.net.UnixDomain;
import dev.popcornj.kernel.net.UnixSocket;
import dev.popcornj.kernel.net.inet.InetSocket;
import dev.popcornj.kernel.net.inet.InetStack;
import dev.popcornj.kernel.net.inet.InterfaceIoctls;
import dev.popcornj.kernel.net.netlink.NetlinkSocket;
import dev.popcornj.kernel.proc.ErrnoException;
import dev.popcornj.kernel.proc.Signalling;
import dev.popcornj.kernel.proc.Task;
import dev.popcornj.kernel.signal.SigInfo;
import dev.popcornj.machine.hart.AddressTranslator;
import java.util.ArrayList;
import java.util.List;

/**
 * The socket system calls (net/socket.c's __sys_* entry points) for the Unix domain (AF_INET
 * sockets go to {@link InetSocketCalls}, AF_NETLINK ones to {@link NetlinkSocketCalls}): each takes
 * the raw register arguments, copies addresses, iovecs and option values in and out with Linux's
 * rules (move_addr_to_kernel, move_addr_to_user) and hands the work to {@link UnixSocket}. Results
 * are values or -errno; a bad guest pointer throws, which the dispatcher turns into -EFAULT.
 *
 * <p>Owned by one kernel instance; used only on its simulation thread.
 */
final class SocketCalls {
  /** INT_MAX: the most one send or receive moves. */
  private static final int MAX_LENGTH = Integer.MAX_VALUE;

  /** sizeof(struct cmsghdr): control data shorter than this holds no message. */
  private static final int CMSGHDR_LENGTH = 16;

  private final Signalling signals;
  private final UnixDomain unix;
  private InetSocketCalls inet;
  private NetlinkSocketCalls netlink;

  SocketCalls(Vfs vfs, Signalling signals) {
    this.signals = signals;
    this.unix = new UnixDomain(vfs);
  }

  /** Serves AF_INET with stack: socket(2) of that family, and every call on such a socket. */
  void setInet(Vfs vfs, InetStack stack) {
    inet = new InetSocketCalls(vfs, signals, stack);
    netlink = new NetlinkSocketCalls(vfs, stack);
    unix.setDeviceIoctls((request, arg, m) -> InterfaceIoctls.device(stack, request, arg, m));
  }

  /** The AF_INET socket open at fd, or null (the call is the Unix domain's). */
  private InetSocket inetOf(Task t, long fd) {
    return inet == null ? null : InetSocketCalls.socketOf(files(t).get((int) fd));
  }

  /** The AF_NETLINK socket open at fd, or null. */
  private NetlinkSocket netlinkOf(Task t, long fd) {
    return netlink == null ? null : NetlinkSocketCalls.socketOf(files(t).get((int) fd));
  }

  // ---------------------------------------------------------------- helpers

  private static UserMemory memory(Task t) {
    return t.process().memory();
  }

  private static FileTable files(Task t) {
    return t.process().files();
  }

  private static Ucred cred(Task t) {
    return new Ucred(t.process().pid(), 0, 0);
  }

  /** sockfd_lookup: EBADF for no file, ENOTSOCK for a file that is not a socket. */
  private static UnixSocket socket(Task t, long fd) {
    OpenFile f = files(t).get((int) fd);
    if (f == null) {
      throw new ErrnoException(Errno.EBADF);
    }
    UnixSocket s = UnixDomain.socketOf(f);
    if (s == null || f.isPath()) {
      throw new ErrnoException(f.isPath() ? Errno.EBADF : Errno.ENOTSOCK);
    }
    return s;
  }

  static boolean nonBlocking(Task t, long fd) {
    return files(t).get((int) fd).nonBlocking();
  }

  /** move_addr_to_kernel: a sockaddr of len bytes (0 to sockaddr_storage), else EINVAL. */
  static byte[] addressIn(Task t, long addr, long len) {
    int n = (int) len;
    if (n < 0 || n > SockaddrDescriptor.STORAGE_LENGTH) {
      throw new ErrnoException(Errno.EINVAL);
    }
    return n == 0 ? new byte[0] : memory(t).read(addr, n);
  }

  /**
   * move_addr_to_user: copies as much of name as the length at lenAddr allows to addr and stores
   * name's full length there; EINVAL when that length is negative.
   */
  static void addressOut(Task t, byte[] name, long addr, long lenAddr) {
    int room = memory(t).read32(lenAddr);
    int n = Math.min(room, name.length);
    if (n < 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    if (n > 0) {
      memory(t).write(addr, name, 0, n);
    }
    memory(t).write32(lenAddr, name.length);
  }

  private OpenFile openSocket(UnixSocket s, long flags) {
    return unix.open(s, (int) flags & SOCK_NONBLOCK);
  }

  static int install(Task t, OpenFile f, long flags) {
    int fd = files(t).install(f, 0, (flags & SOCK_CLOEXEC) != 0);
    if (fd < 0) {
      f.release();
      throw new ErrnoException(Errno.EMFILE);
    }
    return fd;
  }

  /** __sock_create's checks and unix_create's: the socket type to make, or -errno. */
  private static int checkCreate(long domain, long type, long protocol) {
    int kind = (int) type & SocketConstants.SOCK_TYPE_MASK;
    if (((int) type & ~SocketConstants.SOCK_TYPE_MASK & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) != 0) {
      return -Errno.EINVAL;
    }
    int family = (int) domain;
    if (family < 0 || family >= SocketConstants.AF_MAX) {
      return -Errno.EAFNOSUPPORT;
    }
    if (kind >= SocketConstants.SOCK_MAX) {
      return -Errno.EINVAL;
    }
    if (family != AF_UNIX) {
      return -Errno.EAFNOSUPPORT;
    }
    if ((int) protocol != 0 && (int) protocol != AF_UNIX) {
      return -Errno.EPROTONOSUPPORT;
    }
    return switch (kind) {
      case SOCK_STREAM, SOCK_DGRAM, SocketConstants.SOCK_SEQPACKET -> kind;
      case SocketConstants.SOCK_RAW -> SOCK_DGRAM; // BSD has AF_UNIX SOCK_RAW; Linux makes it DGRAM
      default -> -Errno.ESOCKTNOSUPPORT;
    };
  }

  // ---------------------------------------------------------------- creation and names

  long socket(Task t, long domain, long type, long protocol) {
    if ((int) domain == SocketConstants.AF_INET && inet != null) {
      return inet.socket(t, type, protocol);
    }
    if ((int) domain == NetlinkSocketCalls.AF_NETLINK && netlink != null) {
      return netlink.socket(t, type, protocol);
    }
    int kind = checkCreate(domain, type, protocol);
    if (kind < 0) {
      return kind;
    }
    return install(t, openSocket(unix.newSocket(kind, cred(t)), type), type);
  }

  long socketpair(Task t, long domain, long type, long protocol, long sv) {
    if (((int) domain == SocketConstants.AF_INET && inet != null)
        || ((int) domain == NetlinkSocketCalls.AF_NETLINK && netlink != null)) {
      return -Errno.EOPNOTSUPP;
    }
    int kind = checkCreate(domain, type, protocol);
    if (kind < 0) {
      return kind;
    }
    memory(t).check(sv, 8, AddressTranslator.WRITE);
    UnixSocket[] pair = unix.newPair(kind, cred(t));
    OpenFile a = openSocket(pair[0], type);
    OpenFile b = openSocket(pair[1], type);
    int fa = files(t).install(a, 0, (type & SOCK_CLOEXEC) != 0);
    if (fa < 0) {
      a.release();
      b.release();
      return -Errno.EMFILE;
    }
    int fb = files(t).install(b, 0, (type & SOCK_CLOEXEC) != 0);
    if (fb < 0) {
      files(t).close(fa);
      b.release();
      return -Errno.EMFILE;
    }
    memory(t).write32(sv, fa);
    memory(t).write32(sv + 4, fb);
    return 0;
  }

  long bind(Task t, long fd, long addr, long len) {
    if (inetOf(t, fd) instanceof InetSocket s) {
      return inet.bind(t, s, addr, len);
    }
    if (netlinkOf(t, fd) instanceof NetlinkSocket n) {
      return netlink.bind(t, n, addr, len);
    }
    UnixSocket s = socket(t, fd);
    byte[] a = addressIn(t, addr, len);
    if (a.length == SockaddrDescriptor.PATH && familyOf(a) == AF_UNIX) {
      return unix.autobind(s);
    }
    int bad = UnixDomain.validate(a);
    return bad != 0 ? bad : unix.bind(t.process().fsContext(), s, a);
  }

  private static int familyOf(byte[] a) {
    return a.length < 2 ? -1 : (a[0] & 0xff) | (a[1] & 0xff) << 8;
  }

  long listen(Task t, long fd, long backlog) {
    if (inetOf(t, fd) instanceof InetSocket s) {
      return inet.listen(s, backlog);
    }
    if (netlinkOf(t, fd) != null) {
      return -Errno.EOPNOTSUPP;
    }
    UnixSocket s = socket(t, fd);
    int b = (int) backlog;
    if (Integer.compareUnsigned(b, SocketConstants.SOMAXCONN) > 0) {
      b = SocketConstants.SOMAXCONN;
    }
    return s.listen(b);
  }

  long accept4(Task t, long fd, long addr, long lenAddr, long flags) {
    if (inetOf(t, fd) instanceof InetSocket s) {
      return inet.accept4(t, s, fd, addr, lenAddr, flags);
    }
    if (netlinkOf(t, fd) != null) {
      return -Errno.EOPNOTSUPP;
    }
    if ((flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) != 0) {
      return -Errno.EINVAL;
    }
    UnixSocket s = socket(t, fd);
    long[] errno = new long[1];
    UnixSocket conn = s.accept(nonBlocking(t, fd), errno);
    if (conn == null) {
      return -errno[0];
    }
    OpenFile f = openSocket(conn, flags);
    if (addr != 0) {
      try {
        addressOut(t, UnixDomain.nameOf(conn.peer()), addr, lenAddr);
      } catch (RuntimeException e) {
        f.release();
        throw e;
      }
    }
    return install(t, f, flags);
  }

  long connect(Task t, long fd, long addr, long len) {
    if (inetOf(t, fd) instanceof InetSocket s) {
      return inet.connect(t, s, fd, addr, len);
    }
    if (netlinkOf(t, fd) instanceof NetlinkSocket n) {
      return netlink.connect(t, n, addr, len);
    }
    UnixSocket s = socket(t, fd);
    byte[] a = addressIn(t, addr, len);
    if (s.type() == SOCK_DGRAM) {
      if (a.length >= 2 && familyOf(a) == SocketConstants.AF_UNSPEC) {
        return s.connectDatagram(null);
      }
    }
    int bad = UnixDomain.validate(a);
    if (bad != 0) {
      return bad;
    }
    if (s.passcred()) {
      unix.autobind(s);
    }
    int[] errno = new int[1];
    UnixSocket other = unix.find(t.process().fsContext(), a, s.type(), errno);
    if (other == null) {
      return -errno[0];
    }
    if (s.type() == SOCK_DGRAM) {
      return s.connectDatagram(other);
    }
    return s.connect(other, nonBlocking(t, fd), cred(t));
  }

  long getsockname(Task t, long fd, long addr, long lenAddr) {
    if (inetOf(t, fd) instanceof InetSocket s) {
      return inet.getsockname(t, s, addr, lenAddr);
    }
    if (netlinkOf(t, fd) instanceof NetlinkSocket n) {
      return netlink.getsockname(t, n, addr, lenAddr);
    }
    UnixSocket s = socket(t, fd);
    addressOut(t, UnixDomain.nameOf(s), addr, lenAddr);
    return 0;
  }

  long getpeername(Task t, long fd, long addr, long lenAddr) {
    if (inetOf(t, fd) instanceof InetSocket s) {
      return inet.getpeername(t, s, addr, lenAddr);
    }
    if (netlinkOf(t, fd) instanceof NetlinkSocket n) {
      return netlink.getpeername(t, n, addr, lenAddr);
    }
    UnixSocket s = socket(t, fd);
    UnixSocket peer = s.peer();
    if (peer == null) {
      return -Errno.ENOTCONN;
    }
    addressOut(t, UnixDomain.nameOf(peer), addr, lenAddr);
    return 0;
  }

  long shutdown(Task t, long fd, long how) {
    if (inetOf(t, fd) instanceof InetSocket s) {
      return inet.shutdown(s, how);
    }
    if (netlinkOf(t, fd) != null) {
      return -Errno.EOPNOTSUPP;
    }
    UnixSocket s = socket(t, fd);
    if (how < SocketConstants.SHUT_RD || how > SocketConstants.SHUT_RDWR) {
      return -Errno.EINVAL;
    }
    return s.shutdown((int) how);
  }

  // ---------------------------------------------------------------- data

  long sendto(Task t, long fd, long buf, long len, long flags, long addr, long addrLen) {
    if (inetOf(t, fd) instanceof InetSocket s) {
      int n = (int) Math.min(len & 0xffffffffL, MAX_LENGTH);
      byte[] a = addr == 0 ? new byte[0] : addressIn(t, addr, addrLen);
      return inet.send(t, s, fd, new long[][] {{buf}, {n}}, (int) flags, a);
    }
    if (netlinkOf(t, fd) instanceof NetlinkSocket nl) {
      int n = (int) Math.min(len & 0xffffffffL, MAX_LENGTH);
      byte[] a = addr == 0 ? new byte[0] : addressIn(t, addr, addrLen);
      return netlink.send(t, nl, new long[][] {{buf}, {n}}, a);
    }
    int n = (int) Math.min(len & 0xffffffffL, MAX_LENGTH);
    UnixSocket s = socket(t, fd);
    byte[] a = addr == 0 ? new byte[0] : addressIn(t, addr, addrLen);
    return sendPieces(t, fd, s, new long[][] {{buf}, {n}}, (int) flags, a, List.of());
  }

  /** Bytes a stream send copies in per step: what it moves is the guest's to choose. */
  private static final int STREAM_STEP = 64 * 1024;

  /**
   * Sends the bytes of the segments (bases, lengths). A stream goes in steps, as
   * unix_stream_sendmsg goes in skbs: a step that fails after others went returns the count sent,
   * and only a send that sent nothing raises SIGPIPE. A datagram goes whole; one too large for the
   * send buffer is not copied in at all, since the socket refuses it with EMSGSIZE.
   */
  private long sendPieces(
      Task t, long fd, UnixSocket s, long[][] iov, int flags, byte[] addr, List<OpenFile> rights) {
    long total = 0;
    for (long l : iov[1]) {
      total = Math.min(MAX_LENGTH, total + l);
    }
    if (s.type() != SOCK_STREAM) {
      byte[] data =
          total > s.sndbuf() - 32
              ? new byte[s.sndbuf()] // only its length matters: EMSGSIZE
              : gather(t, iov, 0, (int) total);
      return send(t, fd, s, data, flags, addr, rights);
    }
    long done = 0;
    do {
      int n = (int) Math.min(STREAM_STEP, total - done);
      byte[] data;
      try {
        data = gather(t, iov, done, n);
      } catch (RuntimeException e) {
        if (done > 0) {
          return done;
        }
        rights.forEach(OpenFile::release);
        throw e;
      }
      long r =
          send(
              t,
              fd,
              s,
              data,
              done > 0 ? flags | MSG_NOSIGNAL : flags,
              addr,
              done > 0 ? List.of() : rights);
      if (r < 0) {
        return done > 0 ? done : r;
      }
      done += r;
      if (r < n) {
        break;
      }
    } while (done < total);
    return done;
  }

  long sendmsg(Task t, long fd, long msg, long flags) {
    if (inetOf(t, fd) instanceof InetSocket s) {
      long name = memory(t).read64(msg + SockMsghdrDescriptor.NAME);
      int namelen = memory(t).read32(msg + SockMsghdrDescriptor.NAMELEN);
      if (namelen < 0) {
        return -Errno.EINVAL;
      }
      namelen = Math.min(namelen, SockaddrDescriptor.STORAGE_LENGTH);
      byte[] a = name == 0 ? new byte[0] : addressIn(t, name, namelen);
      return inet.send(t, s, fd, iovecs(t, msg), (int) flags, a);
    }
    if (netlinkOf(t, fd) instanceof NetlinkSocket nl) {
      long name = memory(t).read64(msg + SockMsghdrDescriptor.NAME);
      int namelen = memory(t).read32(msg + SockMsghdrDescriptor.NAMELEN);
      if (namelen < 0) {
        return -Errno.EINVAL;
      }
      namelen = Math.min(namelen, SockaddrDescriptor.STORAGE_LENGTH);
      byte[] a = name == 0 ? new byte[0] : addressIn(t, name, namelen);
      return netlink.send(t, nl, iovecs(t, msg), a);
    }
    UnixSocket s = socket(t, fd);
    UserMemory m = memory(t);
    long name = m.read64(msg + SockMsghdrDescriptor.NAME);
    int namelen = m.read32(msg + SockMsghdrDescriptor.NAMELEN);
    long control = m.read64(msg + SockMsghdrDescriptor.CONTROL);
    long controllen = m.read64(msg + SockMsghdrDescriptor.CONTROLLEN);
    if (namelen < 0) {
      return -Errno.EINVAL;
    }
    namelen = Math.min(namelen, SockaddrDescriptor.STORAGE_LENGTH);
    byte[] a = name == 0 ? new byte[0] : addressIn(t, name, namelen);
    long[][] iov = iovecs(t, msg);
    if (controllen > Integer.MAX_VALUE) {
      return -ENOBUFS;
    }
    List<OpenFile> rights = new ArrayList<>();
    try {
      int bad = controlIn(t, control, controllen, rights);
      if (bad != 0) {
        rights.forEach(OpenFile::release);
        return bad;
      }
    } catch (RuntimeException e) {
      rights.forEach(OpenFile::release);
      throw e;
    }
    return sendPieces(t, fd, s, iov, (int) flags, a, rights);
  }

  private static final int ENOBUFS = 105;

  /** SCM_MAX_FD: the most files one message passes. */
  private static final int SCM_MAX_FD = 253;

  private static final int SCM_RIGHTS = 1;
  private static final int SCM_CREDENTIALS = 2;

  private static long cmsgAlign(long n) {
    return (n + 7) & ~7L;
  }

  /**
   * __scm_send: walks the control messages (CMSG_FIRSTHDR, CMSG_NXTHDR), taking a reference to each
   * file SCM_RIGHTS names; SCM_CREDENTIALS of the right size is accepted (every process is root,
   * which may claim any credentials) and not passed on. Returns 0 or -errno: EINVAL for a malformed
   * or unknown message or too many files, EBADF for a descriptor that is not open.
   */
  private static int controlIn(Task t, long control, long controllen, List<OpenFile> rights) {
    UserMemory m = memory(t);
    for (long off = 0; off + CMSGHDR_LENGTH <= controllen; ) {
      long len = m.read64(control + off);
      int level = m.read32(control + off + 8);
      int type = m.read32(control + off + 12);
      if (len < CMSGHDR_LENGTH || len > controllen - off) {
        return -Errno.EINVAL;
      }
      if (level == SocketConstants.SOL_SOCKET) {
        switch (type) {
          case SCM_RIGHTS -> {
            int num = (int) ((len - CMSGHDR_LENGTH) / 4);
            if (rights.size() + num > SCM_MAX_FD) {
              return -Errno.EINVAL;
            }
            for (int i = 0; i < num; i++) {
              OpenFile f = files(t).get(m.read32(control + off + CMSGHDR_LENGTH + 4L * i));
              if (f == null || f.isPath()) {
                return -Errno.EBADF;
              }
              f.retain();
              rights.add(f);
            }
          }
          case SCM_CREDENTIALS -> {
            if (len != CMSGHDR_LENGTH + SockMsghdrDescriptor.UCRED_LENGTH) {
              return -Errno.EINVAL;
            }
          }
          default -> {
            return -Errno.EINVAL;
          }
        }
      }
      off += cmsgAlign(len);
    }
    return 0;
  }

  /**
   * scm_detach_fds: installs as many passed files as the control buffer has room for, writes their
   * SCM_RIGHTS message, and returns the control bytes used; the rest are closed and the message
   * flagged MSG_CTRUNC (in flags[0]).
   */
  private static long rightsOut(
      Task t, List<OpenFile> rights, long control, long controllen, long recvFlags, int[] flags) {
    if (rights.isEmpty()) {
      return 0;
    }
    UserMemory m = memory(t);
    int fdmax =
        controllen > CMSGHDR_LENGTH
            ? (int) Math.min(rights.size(), (controllen - CMSGHDR_LENGTH) / 4)
            : 0;
    boolean cloexec = (recvFlags & SocketConstants.MSG_CMSG_CLOEXEC) != 0;
    int i = 0;
    long used = 0;
    try {
      for (; i < fdmax; i++) {
        long slot = control + CMSGHDR_LENGTH + 4L * i;
        m.check(slot, 4, AddressTranslator.WRITE);
        OpenFile f = rights.get(i);
        f.retain();
        int fd = files(t).install(f, 0, cloexec);
        if (fd < 0) {
          f.release();
          break;
        }
        m.write32(slot, fd);
      }
      if (i > 0) {
        m.write32(control + 8, SocketConstants.SOL_SOCKET);
        m.write32(control + 12, SCM_RIGHTS);
        m.write64(control, CMSGHDR_LENGTH + 4L * i);
        used = Math.min(cmsgAlign(CMSGHDR_LENGTH + 4L * i), controllen);
      }
    } finally {
      rights.forEach(OpenFile::release);
    }
    if (i < rights.size()) {
      flags[0] |= SocketConstants.MSG_CTRUNC;
    }
    return used;
  }

  private long send(Task t, long fd, UnixSocket s, byte[] data, int flags, byte[] addr) {
    return send(t, fd, s, data, flags, addr, List.of());
  }

  /** Sends with files passed (one reference each, which this call takes over). */
  private long send(
      Task t, long fd, UnixSocket s, byte[] data, int flags, byte[] addr, List<OpenFile> rights) {
    try {
      return sendChecked(t, fd, s, data, flags, addr, rights);
    } catch (RuntimeException e) {
      rights.forEach(OpenFile::release);
      throw e;
    }
  }

  private long sendChecked(
      Task t, long fd, UnixSocket s, byte[] data, int flags, byte[] addr, List<OpenFile> rights) {
    boolean nonBlocking = (flags & MSG_DONTWAIT) != 0 || nonBlocking(t, fd);
    UnixSocket to = null;
    if (addr.length > 0) {
      if (s.type() == SOCK_STREAM) {
        rights.forEach(OpenFile::release);
        return s.state() == UnixSocket.State.ESTABLISHED ? -Errno.EISCONN : -Errno.EOPNOTSUPP;
      }
      if (s.type() == SOCK_DGRAM) {
        int bad = UnixDomain.validate(addr);
        if (bad != 0) {
          rights.forEach(OpenFile::release);
          return bad;
        }
        if (s.passcred()) {
          unix.autobind(s);
        }
        int[] errno = new int[1];
        to = unix.find(t.process().fsContext(), addr, s.type(), errno);
        if (to == null) {
          rights.forEach(OpenFile::release);
          return -errno[0];
        }
      }
    }
    long r = s.send(data, flags, nonBlocking, to, rights);
    if (r == -Errno.EPIPE && s.type() == SOCK_STREAM && (flags & MSG_NOSIGNAL) == 0) {
      signals.sendToThread(t, Signals.SIGPIPE, SigInfo.kernel(Signals.SIGPIPE));
    }
    return r;
  }

  long recvfrom(Task t, long fd, long buf, long len, long flags, long addr, long lenAddr) {
    if (inetOf(t, fd) instanceof InetSocket s) {
      int n = (int) Math.min(len & 0xffffffffL, MAX_LENGTH);
      return inet.receive(
          t, s, fd, new long[][] {{buf}, {n}}, (int) flags, addr, lenAddr, new int[1]);
    }
    if (netlinkOf(t, fd) instanceof NetlinkSocket nl) {
      int n = (int) Math.min(len & 0xffffffffL, MAX_LENGTH);
      return netlink.receive(
          t, nl, fd, new long[][] {{buf}, {n}}, (int) flags, addr, lenAddr, new int[1]);
    }
    int n = (int) Math.min(len & 0xffffffffL, MAX_LENGTH);
    UnixSocket s = socket(t, fd);
    memory(t).check(buf, n, AddressTranslator.WRITE);
    boolean nonBlocking = (flags & MSG_DONTWAIT) != 0 || nonBlocking(t, fd);
    UnixSocket.Received r = s.receive(n, (int) flags, nonBlocking);
    r.dropRights(); // recvfrom has no room for control data
    if (r.result() < 0) {
      return r.result();
    }
    memory(t).write(buf, r.data(), 0, r.data().length);
    if (addr != 0) {
      addressOut(t, r.from() == null ? new byte[0] : r.from(), addr, lenAddr);
    }
    return r.result();
  }

  long recvmsg(Task t, long fd, long msg, long flags) {
    if (inetOf(t, fd) instanceof InetSocket s) {
      return inet.recvmsg(t, s, fd, msg, flags);
    }
    if (netlinkOf(t, fd) instanceof NetlinkSocket nl) {
      return netlink.recvmsg(t, nl, fd, msg, flags);
    }
    UnixSocket s = socket(t, fd);
    UserMemory m = memory(t);
    long name = m.read64(msg + SockMsghdrDescriptor.NAME);
    long control = m.read64(msg + SockMsghdrDescriptor.CONTROL);
    long controllen = m.read64(msg + SockMsghdrDescriptor.CONTROLLEN);
    long[][] iov = iovecs(t, msg);
    long total = 0;
    for (long l : iov[1]) {
      total = Math.min(MAX_LENGTH, total + l);
    }
    for (int i = 0; i < iov[0].length; i++) {
      m.check(iov[0][i], iov[1][i], AddressTranslator.WRITE);
    }
    boolean nonBlocking = (flags & MSG_DONTWAIT) != 0 || nonBlocking(t, fd);
    UnixSocket.Received r = s.receive((int) total, (int) flags, nonBlocking);
    if (r.result() < 0) {
      return r.result();
    }
    // ____sys_recvmsg starts msg_flags from the call's MSG_CMSG_CLOEXEC, and reports it back.
    int[] msgFlags = {r.msgFlags() | ((int) flags & SocketConstants.MSG_CMSG_CLOEXEC)};
    long used;
    try {
      scatter(t, iov, r.data());
    } finally {
      used = rightsOut(t, r.rights(), control, controllen, flags, msgFlags);
    }
    if (name != 0) {
      addressOut(
          t, r.from() == null ? new byte[0] : r.from(), name, msg + SockMsghdrDescriptor.NAMELEN);
    }
    m.write32(msg + SockMsghdrDescriptor.FLAGS, msgFlags[0]);
    m.write64(msg + SockMsghdrDescriptor.CONTROLLEN, used);
    return r.result();
  }

  /** The iovecs of a msghdr: bases and lengths; EMSGSIZE past UIO_MAXIOV, EINVAL if negative. */
  static long[][] iovecs(Task t, long msg) {
    UserMemory m = memory(t);
    long iov = m.read64(msg + SockMsghdrDescriptor.IOV);
    long count = m.read64(msg + SockMsghdrDescriptor.IOVLEN);
    if (count < 0 || count > IovecDescriptor.MAX_VECTORS) {
      throw new ErrnoException(Errno.EMSGSIZE);
    }
    long[] bases = new long[(int) count];
    long[] lengths = new long[(int) count];
    long total = 0;
    for (int i = 0; i < count; i++) {
      long at = iov + (long) i * IovecDescriptor.LENGTH;
      bases[i] = m.read64(at + IovecDescriptor.BASE);
      lengths[i] = m.read64(at + IovecDescriptor.LENGTH_FIELD);
      if (lengths[i] < 0 || total + lengths[i] < 0) {
        throw new ErrnoException(Errno.EINVAL);
      }
      total += lengths[i];
    }
    return new long[][] {bases, lengths};
  }

  /** n bytes of the segments (bases, lengths), starting skip bytes into them. */
  static byte[] gather(Task t, long[][] iov, long skip, int n) {
    byte[] data = new byte[n];
    int off = 0;
    for (int i = 0; i < iov[0].length && off < n; i++) {
      if (skip >= iov[1][i]) {
        skip -= iov[1][i];
        continue;
      }
      int k = (int) Math.min(iov[1][i] - skip, n - off);
      memory(t).read(iov[0][i] + skip, data, off, k);
      off += k;
      skip = 0;
    }
    return data;
  }

  static void scatter(Task t, long[][] iov, byte[] data) {
    int off = 0;
    for (int i = 0; i < iov[0].length && off < data.length; i++) {
      int k = (int) Math.min(iov[1][i], data.length - off);
      memory(t).write(iov[0][i], data, off, k);
      off += k;
    }
  }

  // ---------------------------------------------------------------- options

  long setsockopt(Task t, long fd, long level, long name, long value, long len) {
    if (inetOf(t, fd) instanceof InetSocket s) {
      return inet.setsockopt(t, s, level, name, value, len);
    }
    if (netlinkOf(t, fd) instanceof NetlinkSocket nl) {
      return netlink.setsockopt(t, nl, level, name, value, len);
    }
    UnixSocket s = socket(t, fd);
    if ((int) level != SocketConstants.SOL_SOCKET) {
      return -Errno.EOPNOTSUPP;
    }
    if ((int) len < 4) {
      return -Errno.EINVAL;
    }
    int v = memory(t).read32(value);
    switch ((int) name) {
      case SocketConstants.SO_SNDBUF -> {
        long b = Math.min(Integer.toUnsignedLong(v), SocketConstants.DEFAULT_BUFFER);
        s.setSndbuf((int) Math.max(b * 2, SocketConstants.MIN_SNDBUF));
      }
      case SocketConstants.SO_RCVBUF -> {
        long b = Math.min(Integer.toUnsignedLong(v), SocketConstants.DEFAULT_BUFFER);
        s.setRcvbuf((int) Math.max(b * 2, SocketConstants.MIN_RCVBUF));
      }
      case SocketConstants.SO_PASSCRED -> s.setPasscred(v != 0);
      default -> {
        return -Errno.ENOPROTOOPT;
      }
    }
    return 0;
  }

  long getsockopt(Task t, long fd, long level, long name, long value, long lenAddr) {
    if (inetOf(t, fd) instanceof InetSocket s) {
      return inet.getsockopt(t, s, level, name, value, lenAddr);
    }
    if (netlinkOf(t, fd) instanceof NetlinkSocket nl) {
      return netlink.getsockopt(t, nl, level, name, value, lenAddr);
    }
    UnixSocket s = socket(t, fd);
    if ((int) level != SocketConstants.SOL_SOCKET) {
      return -Errno.EOPNOTSUPP;
    }
    UserMemory m = memory(t);
    int len = m.read32(lenAddr);
    if (len < 0) {
      return -Errno.EINVAL;
    }
    byte[] out;
    switch ((int) name) {
      case SocketConstants.SO_PEERCRED -> {
        Ucred c = s.peerCred();
        out = new byte[SockMsghdrDescriptor.UCRED_LENGTH];
        LittleEndian.put32(out, SockMsghdrDescriptor.UCRED_PID, c.pid());
        LittleEndian.put32(out, SockMsghdrDescriptor.UCRED_UID, c.uid());
        LittleEndian.put32(out, SockMsghdrDescriptor.UCRED_GID, c.gid());
      }
      case SocketConstants.SO_TYPE -> out = intValue(s.type());
      case SocketConstants.SO_ERROR -> out = intValue(s.takeError());
      case SocketConstants.SO_DOMAIN -> out = intValue(AF_UNIX);
      case SocketConstants.SO_PROTOCOL -> out = intValue(0);
      case SocketConstants.SO_ACCEPTCONN ->
          out = intValue(s.state() == UnixSocket.State.LISTEN ? 1 : 0);
      case SocketConstants.SO_SNDBUF -> out = intValue(s.sndbuf());
      case SocketConstants.SO_RCVBUF -> out = intValue(s.rcvbuf());
      case SocketConstants.SO_PASSCRED -> out = intValue(s.passcred() ? 1 : 0);
      default -> {
        return -Errno.ENOPROTOOPT;
      }
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
