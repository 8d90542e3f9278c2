package dev.popcornj.kernel.tty;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.abi.Poll;
import dev.popcornj.kernel.fs.CharDevice;
import dev.popcornj.kernel.fs.DeviceCaller;
import dev.popcornj.kernel.fs.DeviceInode;
import dev.popcornj.kernel.fs.FsException;
import dev.popcornj.kernel.fs.OpenFile;
import dev.popcornj.kernel.fs.Tmpfs;
import dev.popcornj.kernel.fs.Vfs;
import dev.popcornj.kernel.mm.UserMemory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * devpts, mounted at /dev/pts: the pseudo-terminals of one kernel. /dev/ptmx and /dev/pts/ptmx
 * (5:2) make a new {@link Pty} on each open, at the lowest free index; its slave appears as
 * /dev/pts/N (136:N, mode 0620, owner root, group tty when /etc/group has one) until the master is
 * closed, and N is free again when both sides are.
 *
 * <pre>
 *   /dev/ptmx      c 5:2    0666   (devtmpfs)
 *   /dev/pts/ptmx  c 5:2    0000
 *   /dev/pts/0     c 136:0  0620   root:tty    one per open pair
 * </pre>
 *
 * <p>It also answers which terminal a session controls ({@link #terminalOf}), over its ptys and the
 * terminals the kernel registers (the console).
 *
 * <p>Owned by one kernel instance; used only on its simulation thread.
 */
public final class DevPts {
  /** The mode of a new slave, as devpts's default mode=0620. */
  static final int SLAVE_MODE = 0620;

  /** Pairs at most, as Linux's /proc/sys/kernel/pty/max default; ptmx opens fail with ENOSPC. */
  static final int MAX_PAIRS = 4096;

  private final Vfs vfs;
  private final TtyHost host;
  private final Tmpfs fs;
  private final Ptmx ptmx = new Ptmx();
  private final TreeMap<Integer, Pty> ptys = new TreeMap<>();
  private final List<Tty> others = new ArrayList<>();

  /**
   * Builds the file system (mount {@link #fileSystem()} at /dev/pts) and registers /dev/ptmx in
   * devfs's directory.
   *
   * @param host where the slaves' signals go
   */
  public DevPts(Vfs vfs, TtyHost host) {
    this.vfs = vfs;
    this.host = host;
    this.fs = vfs.newTmpfs("devpts");
    fs.root().setPermissions(0755);
    vfs.mknodAt(fs.root(), "ptmx", ptmx, 0);
  }

  public Tmpfs fileSystem() {
    return fs;
  }

  /** The device of /dev/ptmx, for devfs to register. */
  public CharDevice ptmx() {
    return ptmx;
  }

  /** A terminal outside devpts (the console) that sessions may control. */
  public void addTerminal(Tty tty) {
    others.add(tty);
  }

  /** The controlling terminal of session sid, or null: the one whose session it is. */
  public Tty terminalOf(int sid) {
    if (sid <= 0) {
      return null;
    }
    for (Pty p : ptys.values()) {
      if (p.tty().session() == sid) {
        return p.tty();
      }
    }
    for (Tty t : others) {
      if (t.session() == sid) {
        return t;
      }
    }
    return null;
  }

  /**
   * /dev/tty (5:0): opened by a process whose session controls a pseudo-terminal, that terminal's
   * slave; by any other, console (where PopcornJ's processes without a pseudo-terminal have always
   * found their terminal, where Linux would say ENXIO to a session without one), or ENXIO when
   * console is null (a kernel without one: a program's own streams are no terminal).
   */
  public CharDevice controllingTerminal(Tty console) {
    return new CharDevice() {
      @Override
      public CharDevice open(DeviceCaller caller, int flags) {
        Tty t = terminalOf(caller.sid());
        for (Pty p : ptys.values()) {
          if (p.tty() == t) {
            return p.slave().open(caller, flags | FileConstants.O_NOCTTY);
          }
        }
        if (console == null) {
          throw new FsException(Errno.ENXIO);
        }
        return console;
      }

      @Override
      public long read(byte[] buf, int off, int length, boolean nonBlocking) {
        return console == null ? -Errno.ENXIO : console.read(buf, off, length, nonBlocking);
      }

      @Override
      public long write(byte[] buf, int off, int length, boolean nonBlocking) {
        return console == null ? -Errno.ENXIO : console.write(buf, off, length, nonBlocking);
      }

      @Override
      public long ioctl(int request, long arg, UserMemory memory) {
        return console == null ? -Errno.ENOTTY : console.ioctl(request, arg, memory);
      }

      @Override
      public int poll(dev.popcornj.kernel.fs.PollTable table) {
        return console == null ? Poll.POLLERR : console.poll(table);
      }

      @Override
      public long rdev() {
        return FileConstants.makedev(5, 0);
      }
    };
  }

  /** Pairs in use, for tests and /proc. */
  public int count() {
    return ptys.size();
  }

  /** A new pair at the lowest index that is free (a name someone made in devpts is skipped). */
  private Pty newPair() {
    if (ptys.size() >= MAX_PAIRS) {
      throw new FsException(Errno.ENOSPC);
    }
    int index = 0;
    while (ptys.containsKey(index) || fs.root().lookup(Integer.toString(index)) != null) {
      index++;
    }
    Pty pty = new Pty(index, this, host, vfs.sleeper());
    DeviceInode node = vfs.mknodAt(fs.root(), Integer.toString(index), pty.slave(), SLAVE_MODE);
    node.setOwner(0, ttyGroup());
    pty.setNode(node);
    ptys.put(index, pty);
    return pty;
  }

  /** The master closed: /dev/pts/N goes (descriptors open on it stay, hung up). */
  void onMasterClosed(Pty pty) {
    try {
      vfs.unlinkAt(vfs.newContext(), fs.root(), Integer.toString(pty.index()), false);
    } catch (FsException e) {
      // Already gone: nothing else names it.
    }
    if (!pty.inUse()) {
      onReleased(pty);
    }
  }

  /** Both sides are closed: the index may be given out again. */
  void onReleased(Pty pty) {
    ptys.remove(pty.index(), pty);
  }

  /** The gid of group "tty" in the guest's /etc/group, or 0 when it has none. */
  private int ttyGroup() {
    byte[] text;
    try {
      text = readAll("/etc/group");
    } catch (FsException e) {
      return 0;
    }
    for (String line : new String(text, StandardCharsets.ISO_8859_1).split("\n")) {
      String[] f = line.split(":", -1);
      if (f.length >= 3 && f[0].equals("tty")) {
        try {
          return Integer.parseInt(f[2].trim());
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 0;
  }

  private byte[] readAll(String path) {
    OpenFile f = vfs.open(vfs.newContext(), path, FileConstants.O_RDONLY, 0);
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      while (out.size() < (1 << 20)) {
        long n = f.read(buf, 0, buf.length);
        if (n <= 0) {
          break;
        }
        out.write(buf, 0, (int) n);
      }
      return out.toByteArray();
    } finally {
      f.release();
    }
  }

  /** /dev/ptmx: each open is a new pair, and the open file is its master. */
  private final class Ptmx implements CharDevice {
    @Override
    public CharDevice open(DeviceCaller caller, int flags) {
      return newPair().master();
    }

    @Override
    public long read(byte[] buf, int off, int length, boolean nonBlocking) {
      return -Errno.EIO; // an open that did not go through open(2) has no pair
    }

    @Override
    public long write(byte[] buf, int off, int length, boolean nonBlocking) {
      return -Errno.EIO;
    }

    @Override
    public long ioctl(int request, long arg, UserMemory memory) {
      return -Errno.ENOTTY;
    }

    @Override
    public long rdev() {
      return Pty.PTMX_RDEV;
    }
  }
}
