package dev.popcornj.kernel.net;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.abi.SockaddrDescriptor;
import dev.popcornj.kernel.abi.SocketConstants;
import dev.popcornj.kernel.fs.FsContext;
import dev.popcornj.kernel.fs.FsException;
import dev.popcornj.kernel.fs.Inode;
import dev.popcornj.kernel.fs.OpenFile;
import dev.popcornj.kernel.fs.Vfs;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The Unix-domain socket family of one kernel instance (af_unix's per-namespace state): it opens
 * sockets as files of its sockfs, binds them to names (a path, which leaves a {@link SocketName} in
 * the file system, or an abstract name, kept here) and finds the socket an address names. Addresses
 * are sockaddr_un bytes, family first, exactly as long as their length.
 *
 * <p>Owned by one kernel instance; used only on its simulation thread.
 */
public final class UnixDomain {
  /** DT_SOCK, the d_type of a socket. */
  static final int DT_SOCK = 12;

  private final Vfs vfs;
  private final Map<String, UnixSocket> abstractNames = new HashMap<>();
  private long nextIno = 1;

  /**
   * Where autobind looks for a free name next. Linux starts at a random number; this kernel starts
   * at zero so that runs repeat.
   */
  private int nextAutobind;

  /** The interface ioctls its sockets take (none until the kernel's IPv4 stack is up). */
  private DeviceIoctls deviceIoctls = (request, arg, memory) -> -Errno.ENOTTY;

  public UnixDomain(Vfs vfs) {
    this.vfs = vfs;
  }

  public void setDeviceIoctls(DeviceIoctls ioctls) {
    deviceIoctls = ioctls;
  }

  public UnixSocket newSocket(int type, Ucred cred) {
    return new UnixSocket(type, vfs.sleeper(), cred);
  }

  public UnixSocket[] newPair(int type, Ucred cred) {
    return UnixSocket.pair(type, vfs.sleeper(), cred);
  }

  /** An open file on s (O_RDWR, with O_NONBLOCK from flags), holding one reference. */
  public OpenFile open(UnixSocket s, int flags) {
    SocketInode inode = new SocketInode(s, nextIno++, vfs.now(), deviceIoctls);
    int status = FileConstants.O_RDWR | (flags & FileConstants.O_NONBLOCK);
    return vfs.openInode(inode, status, "socket:[" + inode.ino() + "]");
  }

  /** The socket open on file, or null when it is not a socket. */
  public static UnixSocket socketOf(OpenFile file) {
    return file.inode() instanceof SocketInode s ? s.socket() : null;
  }

  /**
   * unix_validate_addr: an address longer than the family and no longer than sockaddr_un, of family
   * AF_UNIX; -EINVAL otherwise, else 0.
   */
  public static int validate(byte[] addr) {
    if (addr.length <= SockaddrDescriptor.PATH || addr.length > SockaddrDescriptor.LENGTH) {
      return -Errno.EINVAL;
    }
    return family(addr) == SocketConstants.AF_UNIX ? 0 : -Errno.EINVAL;
  }

  static int family(byte[] addr) {
    return addr.length < 2 ? -1 : (addr[0] & 0xff) | (addr[1] & 0xff) << 8;
  }

  private static boolean isAbstract(byte[] addr) {
    return addr[SockaddrDescriptor.PATH] == 0;
  }

  /** The path an address names: sun_path up to its first NUL. */
  private static String pathOf(byte[] addr) {
    int end = SockaddrDescriptor.PATH;
    while (end < addr.length && addr[end] != 0) {
      end++;
    }
    return new String(
        addr, SockaddrDescriptor.PATH, end - SockaddrDescriptor.PATH, StandardCharsets.ISO_8859_1);
  }

  private static String abstractKey(byte[] addr) {
    return new String(addr, StandardCharsets.ISO_8859_1);
  }

  /** bind(2) of s to a validated address; 0 or -errno. */
  public long bind(FsContext ctx, UnixSocket s, byte[] addr) {
    if (isAbstract(addr)) {
      if (s.address() != null) {
        return -Errno.EINVAL;
      }
      String key = abstractKey(addr);
      UnixSocket holder = abstractNames.get(key);
      if (holder != null && !holder.isDead()) {
        return -Errno.EADDRINUSE;
      }
      abstractNames.put(key, s);
      s.setAddress(addr.clone());
      return 0;
    }
    String path = pathOf(addr);
    try {
      vfs.mknodAt(ctx, path, (fs, ino, perm, now) -> new SocketName(fs, ino, perm, now, s));
    } catch (FsException e) {
      return e.errno() == Errno.EEXIST ? -Errno.EADDRINUSE : -e.errno();
    }
    if (s.address() != null) {
      vfs.unlinkAt(ctx, ctx.cwd(), path, false);
      return -Errno.EINVAL;
    }
    // unix_mkname_bsd: the address kept is the path and its NUL.
    byte[] bytes = path.getBytes(StandardCharsets.ISO_8859_1);
    byte[] kept =
        new byte[Math.min(SockaddrDescriptor.LENGTH, SockaddrDescriptor.PATH + bytes.length + 1)];
    kept[0] = (byte) SocketConstants.AF_UNIX;
    System.arraycopy(
        bytes,
        0,
        kept,
        SockaddrDescriptor.PATH,
        Math.min(bytes.length, kept.length - SockaddrDescriptor.PATH));
    s.setAddress(kept);
    return 0;
  }

  /**
   * unix_autobind: an abstract name of five hex digits for an unbound socket; 0 (bound already).
   */
  public long autobind(UnixSocket s) {
    if (s.address() != null) {
      return 0;
    }
    for (int tries = 0; tries <= 0xfffff; tries++) {
      int n = nextAutobind;
      nextAutobind = (nextAutobind + 1) & 0xfffff;
      byte[] addr = new byte[SockaddrDescriptor.PATH + 1 + 5];
      addr[0] = (byte) SocketConstants.AF_UNIX;
      byte[] hex = String.format("%05x", n).getBytes(StandardCharsets.ISO_8859_1);
      System.arraycopy(hex, 0, addr, SockaddrDescriptor.PATH + 1, 5);
      String key = abstractKey(addr);
      UnixSocket holder = abstractNames.get(key);
      if (holder == null || holder.isDead()) {
        abstractNames.put(key, s);
        s.setAddress(addr);
        return 0;
      }
    }
    return -Errno.ENOSPC;
  }

  /**
   * unix_find_other: the socket a validated address names, or -errno in errno[0]: ENOENT and the
   * path walk's errors, ECONNREFUSED when no live socket has the name, EPROTOTYPE when it has
   * another type.
   */
  public UnixSocket find(FsContext ctx, byte[] addr, int type, int[] errno) {
    UnixSocket s;
    if (isAbstract(addr)) {
      s = abstractNames.get(abstractKey(addr));
      if (s != null && s.isDead()) {
        abstractNames.remove(abstractKey(addr));
        s = null;
      }
    } else {
      Inode node;
      try {
        node = vfs.lookup(ctx, pathOf(addr), true);
      } catch (FsException e) {
        errno[0] = e.errno();
        return null;
      }
      s = node instanceof SocketName n && !n.socket().isDead() ? n.socket() : null;
    }
    if (s == null) {
      errno[0] = Errno.ECONNREFUSED;
      return null;
    }
    if (s.type() != type) {
      errno[0] = Errno.EPROTOTYPE;
      return null;
    }
    return s;
  }

  /** What getsockname or getpeername reports for s: its address, or only the family. */
  public static byte[] nameOf(UnixSocket s) {
    byte[] a = s == null ? null : s.address();
    return a != null ? a : Arrays.copyOf(new byte[] {(byte) SocketConstants.AF_UNIX, 0}, 2);
  }
}
