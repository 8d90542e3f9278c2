package dev.popcornj.kernel.fs;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.Charset;
import java.nio.file.Path;

/**
 * lstat of a host path through the host C library's statx(2), for {@link HostFs}. java.nio reports
 * a missing file with a NoSuchFileException, whose stack trace, filled in on a kernel stack dozens
 * of frames deep, cost more than the host call itself: a program probing for files that are not
 * there (SQLite's journal, a lookup prefix) paid it at every probe. statx reports one with errno,
 * and its struct has the same layout on every Linux architecture.
 *
 * <p>Where the C library, statx or native access is not there (another host system, a sandbox that
 * refuses the call, a JVM started without --enable-native-access), or host paths are not encoded in
 * UTF-8, {@link #available} is false and HostFs reads attributes through java.nio as before.
 */
final class HostStat {
  private HostStat() {}

  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final int STATX_BASIC_STATS = 0x7ff;
  private static final long STATX_SIZE = 256;
  private static final int ENOENT = 2;

  /**
   * How the JVM encodes file names for the host (from the locale: UTF-8, or ASCII where none is
   * set); a name java.nio could not encode never gets this far (HostFs.child).
   */
  private static final String NAMES = System.getProperty("sun.jnu.encoding", "UTF-8");

  private static final MethodHandle STATX = find();
  private static final VarHandle ERRNO =
      STATX == null
          ? null
          : Linker.Option.captureStateLayout()
              .varHandle(MemoryLayout.PathElement.groupElement("errno"));

  /** Whether {@link #lstat} may be used on this host. */
  static final boolean AVAILABLE = STATX != null && works();

  private static MethodHandle find() {
    try {
      if (!Charset.isSupported(NAMES)) {
        return null;
      }
      Linker linker = Linker.nativeLinker();
      return linker
          .defaultLookup()
          .find("statx")
          .map(
              f ->
                  linker.downcallHandle(
                      f,
                      FunctionDescriptor.of(
                          ValueLayout.JAVA_INT,
                          ValueLayout.JAVA_INT,
                          ValueLayout.ADDRESS,
                          ValueLayout.JAVA_INT,
                          ValueLayout.JAVA_INT,
                          ValueLayout.ADDRESS),
                      Linker.Option.captureCallState("errno")))
          .orElse(null);
    } catch (RuntimeException | LinkageError e) {
      return null; // no native access, or no such linker here
    }
  }

  /** The call answers for the root directory as java.nio does. */
  private static boolean works() {
    try {
      HostFs.Attrs a = lstat(Path.of("/"));
      return a != null && a.type() == dev.popcornj.kernel.abi.FileConstants.S_IFDIR;
    } catch (RuntimeException e) { // an FsException too: a host that refuses the call
      return false;
    }
  }

  /**
   * The attributes of the host file at p, not following a final symbolic link; null when there is
   * no such file.
   *
   * @throws FsException with the host's errno for any other failure
   */
  static HostFs.Attrs lstat(Path p) {
    byte[] name = p.toString().getBytes(Charset.forName(NAMES));
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment path = arena.allocate(name.length + 1L);
      MemorySegment.copy(name, 0, path, ValueLayout.JAVA_BYTE, 0, name.length);
      MemorySegment buf = arena.allocate(STATX_SIZE, 8);
      StructLayout stateLayout = Linker.Option.captureStateLayout();
      MemorySegment state = arena.allocate(stateLayout);
      int r;
      try {
        r =
            (int)
                STATX.invokeExact(
                    state, AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf);
      } catch (Throwable t) {
        throw new IllegalStateException("statx", t);
      }
      if (r != 0) {
        int errno = (int) ERRNO.get(state, 0L);
        if (errno == ENOENT) {
          return null;
        }
        throw new FsException(errno);
      }
      return new HostFs.Attrs(
          buf.get(ValueLayout.JAVA_SHORT, 28) & 0xffff,
          buf.get(ValueLayout.JAVA_INT, 20),
          buf.get(ValueLayout.JAVA_INT, 24),
          buf.get(ValueLayout.JAVA_INT, 16),
          buf.get(ValueLayout.JAVA_LONG, 40),
          makedev(buf.get(ValueLayout.JAVA_INT, 136), buf.get(ValueLayout.JAVA_INT, 140)),
          buf.get(ValueLayout.JAVA_LONG, 32),
          makedev(buf.get(ValueLayout.JAVA_INT, 128), buf.get(ValueLayout.JAVA_INT, 132)),
          timeNs(buf, 64),
          timeNs(buf, 112),
          timeNs(buf, 96));
    }
  }

  /** A struct statx_timestamp (seconds, then nanoseconds) at offset, in nanoseconds. */
  private static long timeNs(MemorySegment buf, long offset) {
    long seconds = buf.get(ValueLayout.JAVA_LONG, offset);
    long nanos = buf.get(ValueLayout.JAVA_INT, offset + 8) & 0xffffffffL;
    if (seconds >= Long.MAX_VALUE / 1_000_000_000L) {
      return Long.MAX_VALUE; // past 2262: as far as a time in nanoseconds goes
    }
    if (seconds <= Long.MIN_VALUE / 1_000_000_000L) {
      return Long.MIN_VALUE;
    }
    return seconds * 1_000_000_000L + nanos;
  }

  /** A device number as the C library's makedev packs it, which is what stat's st_dev holds. */
  static long makedev(int major, int minor) {
    long ma = major & 0xffffffffL;
    long mi = minor & 0xffffffffL;
    return ((ma & 0xfffff000L) << 32)
        | ((ma & 0xfffL) << 8)
        | ((mi & 0xffffff00L) << 12)
        | (mi & 0xffL);
  }
}
