package dev.popcornj.kernel.syscall;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.abi.IovecDescriptor;
import dev.popcornj.kernel.abi.StatDescriptor;
import dev.popcornj.kernel.abi.StatxDescriptor;
import dev.popcornj.kernel.fs.FileTable;
import dev.popcornj.kernel.fs.OpenFile;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.proc.Process;
import dev.popcornj.machine.hart.AddressTranslator;
import java.nio.charset.StandardCharsets;

/**
 * The file system calls of a process that has only its three console descriptors: reads, writes,
 * descriptor juggling and stat; every path lookup fails with ENOENT except /proc/self/exe.
 */
final class FileCalls {
  /** Most bytes moved by one read or write call through the host streams at a time. */
  private static final int CHUNK = 64 * 1024;

  private static final int PATH_MAX = 4096;
  private static final String SELF_EXE = "/proc/self/exe";

  private final Process process;
  private final FileTable files;
  private final UserMemory memory;

  private final Runnable sigpipe;

  FileCalls(Process process, Runnable sigpipe) {
    this.process = process;
    this.sigpipe = sigpipe;
    this.files = process.files();
    this.memory = process.memory();
  }

  long read(long fd, long buf, long count) {
    OpenFile f = files.get(fd);
    if (f == null) {
      return -Errno.EBADF;
    }
    if (count < 0) {
      return -Errno.EINVAL;
    }
    int n = (int) Math.min(count, CHUNK);
    if (n == 0) {
      return 0;
    }
    memory.check(buf, n, AddressTranslator.WRITE);
    byte[] tmp = new byte[n];
    long r = f.read(tmp, 0, n);
    if (r > 0) {
      memory.write(buf, tmp, 0, (int) r);
    }
    return r;
  }

  long write(long fd, long buf, long count) {
    OpenFile f = files.get(fd);
    if (f == null) {
      return -Errno.EBADF;
    }
    if (count < 0) {
      return -Errno.EINVAL;
    }
    if (count == 0) {
      return 0;
    }
    memory.check(buf, count, AddressTranslator.READ);
    long done = 0;
    byte[] tmp = new byte[(int) Math.min(count, CHUNK)];
    while (done < count) {
      int n = (int) Math.min(count - done, CHUNK);
      memory.read(buf + done, tmp, 0, n);
      long r = f.write(tmp, 0, n);
      if (r < 0) {
        return done > 0 ? done : brokenPipe(r);
      }
      done += r;
    }
    return done;
  }

  /** A write to a pipe whose reader is gone raises SIGPIPE, as well as failing with EPIPE. */
  private long brokenPipe(long error) {
    if (error == -Errno.EPIPE) {
      sigpipe.run();
    }
    return error;
  }

  long readv(long fd, long iov, long iovcnt) {
    return vector(fd, iov, iovcnt, false);
  }

  long writev(long fd, long iov, long iovcnt) {
    return vector(fd, iov, iovcnt, true);
  }

  /**
   * readv and writev: all vectors are checked before anything moves; writev writes them in order,
   * readv fills them from one read of the file so a short read lands in the first vectors.
   */
  private long vector(long fd, long iov, long iovcnt, boolean write) {
    OpenFile f = files.get(fd);
    if (f == null) {
      return -Errno.EBADF;
    }
    if (iovcnt < 0 || iovcnt > IovecDescriptor.MAX_VECTORS) {
      return -Errno.EINVAL;
    }
    long[] bases = new long[(int) iovcnt];
    long[] lengths = new long[(int) iovcnt];
    long total = 0;
    for (int i = 0; i < iovcnt; i++) {
      long at = iov + (long) i * IovecDescriptor.LENGTH;
      bases[i] = memory.read64(at + IovecDescriptor.BASE);
      lengths[i] = memory.read64(at + IovecDescriptor.LENGTH_FIELD);
      if (lengths[i] < 0 || total + lengths[i] < 0) {
        return -Errno.EINVAL;
      }
      total += lengths[i];
    }
    if (write) {
      for (int i = 0; i < iovcnt; i++) {
        memory.check(bases[i], lengths[i], AddressTranslator.READ);
      }
      long done = 0;
      for (int i = 0; i < iovcnt; i++) {
        long r = write(fd, bases[i], lengths[i]);
        if (r < 0) {
          return done > 0 ? done : r;
        }
        done += r;
        if (r < lengths[i]) {
          break;
        }
      }
      return done;
    }
    for (int i = 0; i < iovcnt; i++) {
      memory.check(bases[i], lengths[i], AddressTranslator.WRITE);
    }
    int n = (int) Math.min(total, CHUNK);
    if (n == 0) {
      return 0;
    }
    byte[] tmp = new byte[n];
    long r = f.read(tmp, 0, n);
    int off = 0;
    for (int i = 0; i < iovcnt && off < r; i++) {
      int k = (int) Math.min(lengths[i], r - off);
      memory.write(bases[i], tmp, off, k);
      off += k;
    }
    return r;
  }

  long pread(long fd) {
    return files.get(fd) == null ? -Errno.EBADF : -Errno.ESPIPE;
  }

  long lseek(long fd) {
    return files.get(fd) == null ? -Errno.EBADF : -Errno.ESPIPE;
  }

  long ioctl(long fd) {
    // Every console is "not a terminal", whatever the host's streams are, so output buffering and
    // therefore the guest's behaviour do not depend on how popcorn was started.
    return files.get(fd) == null ? -Errno.EBADF : -Errno.ENOTTY;
  }

  long close(long fd) {
    return files.close(fd) ? 0 : -Errno.EBADF;
  }

  long dup(long fd) {
    OpenFile f = files.get(fd);
    if (f == null) {
      return -Errno.EBADF;
    }
    int n = files.install(f, 0, false);
    return n < 0 ? -Errno.EMFILE : n;
  }

  long dup3(long oldFd, long newFd, long flags) {
    if ((flags & ~FileConstants.O_CLOEXEC) != 0 || oldFd == newFd) {
      return -Errno.EINVAL;
    }
    OpenFile f = files.get(oldFd);
    if (f == null || newFd < 0 || newFd >= FileTable.MAX_FILES) {
      return -Errno.EBADF;
    }
    files.installAt((int) newFd, f, (flags & FileConstants.O_CLOEXEC) != 0);
    return newFd;
  }

  long fcntl(long fd, long cmd, long arg) {
    OpenFile f = files.get(fd);
    if (f == null) {
      return -Errno.EBADF;
    }
    switch ((int) cmd) {
      case FileConstants.F_DUPFD, FileConstants.F_DUPFD_CLOEXEC -> {
        if (arg < 0 || arg >= FileTable.MAX_FILES) {
          return -Errno.EINVAL;
        }
        int n = files.install(f, (int) arg, cmd == FileConstants.F_DUPFD_CLOEXEC);
        return n < 0 ? -Errno.EMFILE : n;
      }
      case FileConstants.F_GETFD -> {
        return files.closeOnExec(fd) ? FileConstants.FD_CLOEXEC : 0;
      }
      case FileConstants.F_SETFD -> {
        files.setCloseOnExec(fd, (arg & FileConstants.FD_CLOEXEC) != 0);
        return 0;
      }
      case FileConstants.F_GETFL -> {
        return f.statusFlags();
      }
      case FileConstants.F_SETFL -> {
        return 0;
      }
      default -> {
        return -Errno.EINVAL;
      }
    }
  }

  long openat(long path) {
    byte[] p = memory.readCString(path, PATH_MAX);
    return p == null ? -Errno.ENAMETOOLONG : -Errno.ENOENT;
  }

  long faccessat(long path) {
    return openat(path);
  }

  long fstat(long fd, long buf) {
    OpenFile f = files.get(fd);
    if (f == null) {
      return -Errno.EBADF;
    }
    byte[] st = new byte[StatDescriptor.LENGTH];
    putInt(st, StatDescriptor.MODE, f.mode());
    putInt(st, StatDescriptor.NLINK, 1);
    putLong(st, StatDescriptor.RDEV, f.rdev());
    putInt(st, StatDescriptor.BLKSIZE, 4096);
    memory.write(buf, st);
    return 0;
  }

  long newfstatat(long dirfd, long path, long buf, long flags) {
    byte[] p = memory.readCString(path, PATH_MAX);
    if (p == null) {
      return -Errno.ENAMETOOLONG;
    }
    if (p.length == 0 && (flags & FileConstants.AT_EMPTY_PATH) != 0) {
      return dirfd == FileConstants.AT_FDCWD ? -Errno.ENOENT : fstat(dirfd, buf);
    }
    return -Errno.ENOENT;
  }

  long statx(long dirfd, long path, long flags, long buf) {
    byte[] p = memory.readCString(path, PATH_MAX);
    if (p == null) {
      return -Errno.ENAMETOOLONG;
    }
    if (p.length != 0 || (flags & FileConstants.AT_EMPTY_PATH) == 0) {
      return -Errno.ENOENT;
    }
    OpenFile f = files.get(dirfd);
    if (f == null) {
      return -Errno.EBADF;
    }
    byte[] st = new byte[StatxDescriptor.LENGTH];
    putInt(st, StatxDescriptor.MASK, StatxDescriptor.BASIC_STATS);
    putInt(st, StatxDescriptor.BLKSIZE, 4096);
    putInt(st, StatxDescriptor.NLINK, 1);
    st[StatxDescriptor.MODE] = (byte) f.mode();
    st[StatxDescriptor.MODE + 1] = (byte) (f.mode() >>> 8);
    putInt(st, StatxDescriptor.RDEV_MAJOR, (int) (f.rdev() >>> 8));
    putInt(st, StatxDescriptor.RDEV_MINOR, (int) (f.rdev() & 0xff));
    memory.write(buf, st);
    return 0;
  }

  long readlinkat(long path, long buf, long size) {
    byte[] p = memory.readCString(path, PATH_MAX);
    if (p == null) {
      return -Errno.ENAMETOOLONG;
    }
    if (size <= 0) {
      return -Errno.EINVAL;
    }
    if (!new String(p, StandardCharsets.UTF_8).equals(SELF_EXE)) {
      return -Errno.ENOENT;
    }
    byte[] target = process.executable().getBytes(StandardCharsets.UTF_8);
    int n = (int) Math.min(size, target.length);
    memory.write(buf, target, 0, n);
    return n;
  }

  long getcwd(long buf, long size) {
    if (size < 2) {
      return -Errno.ERANGE;
    }
    memory.write(buf, new byte[] {'/', 0});
    return 2;
  }

  static void putInt(byte[] b, int at, int v) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }

  static void putLong(byte[] b, int at, long v) {
    for (int i = 0; i < 8; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }
}
