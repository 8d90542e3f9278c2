package dev.popcornj.kernel.syscall;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.abi.IovecDescriptor;
import dev.popcornj.kernel.abi.LittleEndian;
import dev.popcornj.kernel.abi.StatDescriptor;
import dev.popcornj.kernel.abi.StatxDescriptor;
import dev.popcornj.kernel.fs.DeviceCaller;
import dev.popcornj.kernel.fs.DirInode;
import dev.popcornj.kernel.fs.FileTable;
import dev.popcornj.kernel.fs.FsContext;
import dev.popcornj.kernel.fs.FsException;
import dev.popcornj.kernel.fs.Inode;
import dev.popcornj.kernel.fs.OpenFile;
import dev.popcornj.kernel.fs.Pipe;
import dev.popcornj.kernel.fs.SymlinkInode;
import dev.popcornj.kernel.fs.Vfs;
import dev.popcornj.kernel.mm.BadAddressException;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.tty.Pty;
import dev.popcornj.kernel.tty.TtyIoctls;
import dev.popcornj.machine.hart.AddressTranslator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The file system calls of one task: each takes the raw register arguments and returns the result
 * or -errno, with Linux riscv64's argument checks, struct layouts and error numbers. Paths and
 * names go through the {@link Vfs}; descriptors through the caller's {@link FileTable}. A bad guest
 * pointer throws {@link BadAddressException}, which the dispatcher turns into -EFAULT.
 *
 * <p>Owned by the kernel running the task; used only on its simulation thread.
 */
public final class FileCalls {
  /** What the calls need from the task making them. */
  public interface Caller {
    UserMemory memory();

    FileTable files();

    FsContext fs();

    /** A write found the pipe's readers gone: send SIGPIPE to the calling thread. */
    void raiseSigpipe();

    /** The calling process as a terminal sees it (controlling terminal, job control). */
    default DeviceCaller deviceCaller() {
      return new DeviceCaller(0, 0, 0);
    }
  }

  /** Bytes copied through the kernel per step of a read or write. */
  private static final int CHUNK = 64 * 1024;

  /** MAX_RW_COUNT: the most one read or write moves. */
  private static final long MAX_RW = 0x7ffff000L;

  /** dirent64 header: d_ino u64, d_off s64, d_reclen u16, d_type u8, then the name. */
  static final int DIRENT_INO = 0;

  static final int DIRENT_OFF = 8;
  static final int DIRENT_RECLEN = 16;
  static final int DIRENT_TYPE = 18;
  static final int DIRENT_NAME = 19;

  private final Vfs vfs;
  private final Caller caller;

  public FileCalls(Vfs vfs, Caller caller) {
    this.vfs = vfs;
    this.caller = caller;
  }

  private static long guard(LongSupplier body) {
    try {
      return body.getAsLong();
    } catch (FsException e) {
      return -e.errno();
    }
  }

  private UserMemory memory() {
    return caller.memory();
  }

  private FileTable files() {
    return caller.files();
  }

  private FsContext ctx() {
    return caller.fs();
  }

  // ---------------------------------------------------------------- helpers

  private String path(long addr) {
    byte[] p = memory().readCString(addr, FileConstants.PATH_MAX - 1);
    if (p == null) {
      throw new FsException(Errno.ENAMETOOLONG);
    }
    return new String(p, StandardCharsets.ISO_8859_1);
  }

  private OpenFile file(long fd) {
    OpenFile f = files().get((int) fd); // the kernel takes an unsigned int
    if (f == null) {
      throw new FsException(Errno.EBADF);
    }
    return f;
  }

  /** A descriptor usable for I/O: not an O_PATH one. */
  private OpenFile ioFile(long fd) {
    OpenFile f = file(fd);
    if (f.isPath()) {
      throw new FsException(Errno.EBADF);
    }
    return f;
  }

  /** Where a relative path starts: the working directory or the directory open on dirfd. */
  private DirInode base(long dirfd, String path) {
    if (path.startsWith("/") || (int) dirfd == FileConstants.AT_FDCWD) {
      return ctx().cwd();
    }
    if (!(file(dirfd).inode() instanceof DirInode d)) {
      throw new FsException(Errno.ENOTDIR);
    }
    return d;
  }

  /** The inode an *at call names; an empty path with AT_EMPTY_PATH means dirfd itself. */
  private Inode inodeAt(long dirfd, String path, long flags) {
    if (path.isEmpty()) {
      if ((flags & FileConstants.AT_EMPTY_PATH) == 0) {
        throw new FsException(Errno.ENOENT);
      }
      return (int) dirfd == FileConstants.AT_FDCWD ? ctx().cwd() : file(dirfd).inode();
    }
    return vfs.lookupAt(
        ctx(), base(dirfd, path), path, (flags & FileConstants.AT_SYMLINK_NOFOLLOW) == 0);
  }

  // ---------------------------------------------------------------- open and close

  public long openat(long dirfd, long pathAddr, long flags, long mode) {
    return guard(
        () -> {
          String path = path(pathAddr);
          // A 64-bit kernel opens every file as O_LARGEFILE (force_o_largefile), and F_GETFL shows
          // it.
          int how = (int) flags | FileConstants.O_LARGEFILE;
          OpenFile f = vfs.openAt(ctx(), base(dirfd, path), path, how, (int) mode & 07777);
          try {
            // A device sees the flags that matter once the file exists (not O_CREAT and the like).
            f.openDevice(
                caller.deviceCaller(),
                how & ~(FileConstants.O_CREAT | FileConstants.O_EXCL | FileConstants.O_TRUNC));
          } catch (FsException e) {
            f.release();
            throw e;
          }
          int fd = files().install(f, 0, (flags & FileConstants.O_CLOEXEC) != 0);
          if (fd < 0) {
            f.release();
            return -Errno.EMFILE;
          }
          return fd;
        });
  }

  public long close(long fd) {
    return files().close((int) fd) ? 0 : -Errno.EBADF;
  }

  public long dup(long fd) {
    int r = files().dup((int) fd, 0, false);
    return r == -2 ? -Errno.EBADF : r < 0 ? -Errno.EMFILE : r;
  }

  public long dup3(long oldFd, long newFd, long flags) {
    if ((flags & ~FileConstants.O_CLOEXEC) != 0) {
      return -Errno.EINVAL;
    }
    if (oldFd == newFd) {
      return -Errno.EINVAL;
    }
    if (newFd < 0 || newFd >= files().limit() || files().get(oldFd) == null) {
      return -Errno.EBADF;
    }
    files().dupTo(oldFd, (int) newFd, (flags & FileConstants.O_CLOEXEC) != 0);
    return newFd;
  }

  public long fcntl(long fd, long cmd, long arg) {
    return guard(
        () -> {
          OpenFile f = file(fd);
          switch ((int) cmd) {
            case FileConstants.F_DUPFD, FileConstants.F_DUPFD_CLOEXEC -> {
              if (arg < 0 || arg >= files().limit()) {
                return -Errno.EINVAL;
              }
              int n = files().dup(fd, (int) arg, cmd == FileConstants.F_DUPFD_CLOEXEC);
              return n < 0 ? -Errno.EMFILE : n;
            }
            case FileConstants.F_GETFD -> {
              return files().closeOnExec(fd) ? FileConstants.FD_CLOEXEC : 0;
            }
            case FileConstants.F_SETFD -> {
              files().setCloseOnExec(fd, (arg & FileConstants.FD_CLOEXEC) != 0);
              return 0;
            }
            case FileConstants.F_GETFL -> {
              return f.statusFlags();
            }
            default -> {}
          }
          if (f.isPath()) {
            return -Errno.EBADF;
          }
          return switch ((int) cmd) {
            case FileConstants.F_SETFL -> {
              f.setStatusFlags((int) arg);
              yield 0;
            }
            case FileConstants.F_GETLK, FileConstants.F_OFD_GETLK -> {
              // Nothing else ever holds a lock here: report the range as unlocked.
              memory().write16(arg + FileConstants.FLOCK_TYPE, (short) FileConstants.F_UNLCK);
              yield 0;
            }
            case FileConstants.F_SETLK,
                FileConstants.F_SETLKW,
                FileConstants.F_OFD_SETLK,
                FileConstants.F_OFD_SETLKW,
                FileConstants.F_SETOWN,
                FileConstants.F_GETOWN ->
                0;
            case FileConstants.F_GETPIPE_SZ, FileConstants.F_SETPIPE_SZ -> {
              Pipe p = f.pipe();
              yield p == null ? -Errno.EBADF : p.capacity();
            }
            default -> -Errno.EINVAL;
          };
        });
  }

  // ---------------------------------------------------------------- read and write

  public long read(long fd, long buf, long count) {
    return guard(() -> transfer(ioFile(fd), new long[] {buf}, new long[] {count}, false, -1));
  }

  public long write(long fd, long buf, long count) {
    return guard(() -> transfer(ioFile(fd), new long[] {buf}, new long[] {count}, true, -1));
  }

  public long pread64(long fd, long buf, long count, long offset) {
    return guard(() -> positioned(fd, new long[] {buf}, new long[] {count}, false, offset));
  }

  public long pwrite64(long fd, long buf, long count, long offset) {
    return guard(() -> positioned(fd, new long[] {buf}, new long[] {count}, true, offset));
  }

  public long readv(long fd, long iov, long iovcnt) {
    return vector(fd, iov, iovcnt, false, -1);
  }

  public long writev(long fd, long iov, long iovcnt) {
    return vector(fd, iov, iovcnt, true, -1);
  }

  public long preadv(long fd, long iov, long iovcnt, long offset) {
    return vector(fd, iov, iovcnt, false, offset);
  }

  public long pwritev(long fd, long iov, long iovcnt, long offset) {
    return vector(fd, iov, iovcnt, true, offset);
  }

  /**
   * sendfile(2): copies up to count bytes from inFd to outFd without passing through the caller's
   * memory, reading at inFd's offset (which advances) or, when offsetPtr is not 0, at *offsetPtr
   * (which advances instead, inFd's offset untouched). Bytes read but not written are given back to
   * inFd's offset. A failure after some bytes moved returns the count moved.
   */
  public long sendfile(long outFd, long inFd, long offsetPtr, long count) {
    return guard(
        () -> {
          OpenFile in = ioFile(inFd);
          OpenFile out = ioFile(outFd);
          if (!in.readable() || !out.writable()) {
            return -Errno.EBADF;
          }
          long pos = -1;
          if (offsetPtr != 0) {
            pos = memory().read64(offsetPtr);
            if (pos < 0) {
              return -Errno.EINVAL;
            }
            if (!in.seekable()) {
              return -Errno.ESPIPE;
            }
          }
          long total = Long.compareUnsigned(count, MAX_RW) > 0 ? MAX_RW : count;
          long[] moved = copyBetween(in, pos, out, -1, total);
          long done = moved[0];
          long failure = moved[1];
          if (failure == -Errno.EPIPE && out.sigpipeOnEpipe()) {
            caller.raiseSigpipe();
          }
          if (pos >= 0) {
            memory().write64(offsetPtr, pos + done);
          }
          return done > 0 || failure == 0 ? done : failure;
        });
  }

  /**
   * Copies up to total bytes from in to out through the kernel, as sendfile, copy_file_range and
   * splice do: at inPos and outPos, or at the files' own offsets where they are -1 (bytes read but
   * not written are given back to in's offset). Returns {bytes moved, the errno of the step that
   * stopped it or 0}.
   */
  private static long[] copyBetween(
      OpenFile in, long inPos, OpenFile out, long outPos, long total) {
    long done = 0;
    long failure = 0;
    while (done < total && failure == 0) {
      byte[] tmp = new byte[(int) Math.min(CHUNK, total - done)];
      long r = inPos < 0 ? in.read(tmp, 0, tmp.length) : in.pread(inPos + done, tmp, 0, tmp.length);
      if (r <= 0) {
        failure = r;
        break;
      }
      long written = 0;
      while (written < r) {
        long w =
            outPos < 0
                ? out.write(tmp, (int) written, (int) (r - written))
                : out.pwrite(outPos + done + written, tmp, (int) written, (int) (r - written));
        if (w <= 0) {
          failure = w < 0 ? w : -Errno.EIO;
          break;
        }
        written += w;
      }
      if (written < r && inPos < 0 && in.seekable()) {
        in.seek(written - r, FileConstants.SEEK_CUR);
      }
      done += written;
      if (r < tmp.length) {
        break; // what there was: the end of a file, or what a pipe held
      }
    }
    return new long[] {done, failure};
  }

  /** An optional loff_t argument: -1 when absent, else its value (EINVAL when negative). */
  private long offsetArg(long ptr) {
    if (ptr == 0) {
      return -1;
    }
    long pos = memory().read64(ptr);
    if (pos < 0) {
      throw new FsException(Errno.EINVAL);
    }
    return pos;
  }

  /**
   * copy_file_range(2): copies up to len bytes between two regular files, at the given offsets
   * (which advance) or the files' own. Linux's checks: flags 0, both regular files (EISDIR for a
   * directory, else EINVAL), the output not opened O_APPEND (EBADF), no overlap within one file.
   */
  public long copyFileRange(
      long inFd, long inOffPtr, long outFd, long outOffPtr, long len, long flags) {
    return guard(
        () -> {
          if (flags != 0) {
            return -Errno.EINVAL;
          }
          OpenFile in = ioFile(inFd);
          OpenFile out = ioFile(outFd);
          if (!in.readable()
              || !out.writable()
              || (out.statusFlags() & FileConstants.O_APPEND) != 0) {
            return -Errno.EBADF;
          }
          if (in.inode() == null || out.inode() == null) {
            return -Errno.EINVAL;
          }
          if (in.inode().isDirectory() || out.inode().isDirectory()) {
            return -Errno.EISDIR;
          }
          if (!in.inode().isRegular() || !out.inode().isRegular()) {
            return -Errno.EINVAL;
          }
          long inPos = offsetArg(inOffPtr);
          long outPos = offsetArg(outOffPtr);
          long total = Long.compareUnsigned(len, MAX_RW) > 0 ? MAX_RW : len;
          long from = inPos < 0 ? in.offset() : inPos;
          long to = outPos < 0 ? out.offset() : outPos;
          if (in.inode() == out.inode() && from < to + total && to < from + total) {
            return -Errno.EINVAL;
          }
          long[] moved = copyBetween(in, from, out, to, total);
          if (inPos < 0) {
            in.setOffset(from + moved[0]);
          } else {
            memory().write64(inOffPtr, from + moved[0]);
          }
          if (outPos < 0) {
            out.setOffset(to + moved[0]);
          } else {
            memory().write64(outOffPtr, to + moved[0]);
          }
          return moved[0] > 0 || moved[1] == 0 ? moved[0] : moved[1];
        });
  }

  /**
   * splice(2): moves up to len bytes between a pipe and another file (or two pipes) through the
   * kernel. One end must be a pipe (else EINVAL); an offset given for a pipe end is ESPIPE. It
   * waits as a read of the input would (SPLICE_F_NONBLOCK makes the pipe ends non-blocking).
   */
  public long splice(long inFd, long inOffPtr, long outFd, long outOffPtr, long len, long flags) {
    return guard(
        () -> {
          if ((flags & ~0xfL) != 0) {
            return -Errno.EINVAL;
          }
          OpenFile in = ioFile(inFd);
          OpenFile out = ioFile(outFd);
          if (!in.readable() || !out.writable()) {
            return -Errno.EBADF;
          }
          if (in.pipe() == null && out.pipe() == null) {
            return -Errno.EINVAL;
          }
          if ((in.pipe() != null && inOffPtr != 0) || (out.pipe() != null && outOffPtr != 0)) {
            return -Errno.ESPIPE;
          }
          if ((out.statusFlags() & FileConstants.O_APPEND) != 0) {
            return -Errno.EINVAL;
          }
          long inPos = offsetArg(inOffPtr);
          long outPos = offsetArg(outOffPtr);
          if (len == 0) {
            return 0;
          }
          long total = Long.compareUnsigned(len, MAX_RW) > 0 ? MAX_RW : len;
          // One pipe buffer at most, as Linux moves what the pipe holds and no more.
          if (in.pipe() != null) {
            total = Math.min(total, CHUNK);
          }
          long[] moved = copyBetween(in, inPos, out, outPos, total);
          if (inPos >= 0) {
            memory().write64(inOffPtr, inPos + moved[0]);
          }
          if (outPos >= 0) {
            memory().write64(outOffPtr, outPos + moved[0]);
          }
          if (moved[1] == -Errno.EPIPE && out.sigpipeOnEpipe() && moved[0] == 0) {
            caller.raiseSigpipe();
          }
          return moved[0] > 0 || moved[1] == 0 ? moved[0] : moved[1];
        });
  }

  private long positioned(long fd, long[] bases, long[] lengths, boolean write, long offset) {
    if (offset < 0 || offset > Long.MAX_VALUE - MAX_RW) {
      return -Errno.EINVAL;
    }
    OpenFile f = ioFile(fd);
    if (!f.seekable()) {
      return -Errno.ESPIPE;
    }
    return transfer(f, bases, lengths, write, offset);
  }

  private long vector(long fd, long iov, long iovcnt, boolean write, long offset) {
    return guard(
        () -> {
          OpenFile f = ioFile(fd);
          if (iovcnt < 0 || iovcnt > IovecDescriptor.MAX_VECTORS) {
            return -Errno.EINVAL;
          }
          long[] bases = new long[(int) iovcnt];
          long[] lengths = new long[(int) iovcnt];
          long total = 0;
          for (int i = 0; i < iovcnt; i++) {
            long at = iov + (long) i * IovecDescriptor.LENGTH;
            bases[i] = memory().read64(at + IovecDescriptor.BASE);
            lengths[i] = memory().read64(at + IovecDescriptor.LENGTH_FIELD);
            if (lengths[i] < 0 || total + lengths[i] < 0) {
              return -Errno.EINVAL;
            }
            total += lengths[i];
          }
          if (offset == -1) {
            return transfer(f, bases, lengths, write, -1);
          }
          return positioned(fd, bases, lengths, write, offset);
        });
  }

  /**
   * Moves bytes between the segments (base, length) of guest memory and f, at its offset (pos -1)
   * or at pos. Regular files move everything in steps; a pipe or device read returns what one read
   * gives. A failure after some bytes moved returns the count moved.
   */
  private long transfer(OpenFile f, long[] bases, long[] lengths, boolean write, long pos) {
    if (write ? !f.writable() : !f.readable()) {
      return -Errno.EBADF;
    }
    long total = 0;
    for (long l : lengths) {
      if (l < 0) {
        return -Errno.EINVAL;
      }
      total = Math.min(MAX_RW, total + l);
    }
    if (total == 0) {
      return write || f.directory() == null ? 0 : -Errno.EISDIR;
    }
    long done = 0;
    while (done < total) {
      int n = (int) Math.min(CHUNK, total - done);
      byte[] tmp = new byte[n];
      long r;
      try {
        if (write) {
          copySegments(bases, lengths, done, tmp, n, true);
          r = pos < 0 ? f.write(tmp, 0, n) : f.pwrite(pos + done, tmp, 0, n);
        } else {
          checkSegments(bases, lengths, done, n);
          r = pos < 0 ? f.read(tmp, 0, n) : f.pread(pos + done, tmp, 0, n);
          if (r > 0) {
            copySegments(bases, lengths, done, tmp, (int) r, false);
          }
        }
      } catch (BadAddressException e) {
        if (done > 0) {
          return done;
        }
        throw e;
      }
      if (r < 0) {
        if (r == -Errno.EPIPE && f.sigpipeOnEpipe()) {
          caller.raiseSigpipe();
        }
        return done > 0 ? done : r;
      }
      done += r;
      if (r < n || (!write && !f.seekable())) {
        break;
      }
    }
    return done;
  }

  /** Copies n bytes between tmp and the segments, starting skip bytes into them. */
  private void copySegments(
      long[] bases, long[] lengths, long skip, byte[] tmp, int n, boolean in) {
    int off = 0;
    for (int i = 0; i < bases.length && off < n; i++) {
      if (skip >= lengths[i]) {
        skip -= lengths[i];
        continue;
      }
      int k = (int) Math.min(lengths[i] - skip, n - off);
      if (in) {
        memory().read(bases[i] + skip, tmp, off, k);
      } else {
        memory().write(bases[i] + skip, tmp, off, k);
      }
      off += k;
      skip = 0;
    }
  }

  /** Checks before a read consumes data (from a pipe, say) that it can be stored. */
  private void checkSegments(long[] bases, long[] lengths, long skip, int n) {
    int off = 0;
    for (int i = 0; i < bases.length && off < n; i++) {
      if (skip >= lengths[i]) {
        skip -= lengths[i];
        continue;
      }
      int k = (int) Math.min(lengths[i] - skip, n - off);
      memory().check(bases[i] + skip, k, AddressTranslator.WRITE);
      off += k;
      skip = 0;
    }
  }

  public long lseek(long fd, long offset, long whence) {
    return guard(() -> ioFile(fd).seek(offset, (int) whence));
  }

  public long ioctl(long fd, long request, long arg) {
    return guard(
        () -> {
          OpenFile f = ioFile(fd);
          int req = (int) request;
          switch (req) {
            case FileConstants.FIOCLEX, FileConstants.FIONCLEX -> {
              files().setCloseOnExec(fd, req == FileConstants.FIOCLEX);
              return 0;
            }
            case FileConstants.FIONBIO -> {
              int on = memory().read32(arg);
              int fl = f.statusFlags();
              f.setStatusFlags(
                  on != 0 ? fl | FileConstants.O_NONBLOCK : fl & ~FileConstants.O_NONBLOCK);
              return 0;
            }
            case FileConstants.FIONREAD -> {
              if (f.pipe() != null) {
                memory().write32(arg, f.pipe().available());
                return 0;
              }
              if (f.inode().isRegular()) {
                long left = Math.max(0, f.inode().size() - f.offset());
                memory().write32(arg, (int) Math.min(left, Integer.MAX_VALUE));
                return 0;
              }
            }
            case TtyIoctls.TIOCGPTPEER -> {
              if (f.device() instanceof Pty.Master m) {
                return openPeer(m, arg);
              }
            }
            default -> {}
          }
          return f.ioctl(req, arg, memory(), caller.deviceCaller());
        });
  }

  /**
   * TIOCGPTPEER: a new descriptor on the slave of master m, opened with flags (flags that only mean
   * something to open by path, such as O_CREAT, are ignored, as Linux does).
   */
  private long openPeer(Pty.Master m, long flags) {
    Inode node = m.peerNode();
    if (node == null) {
      return -Errno.EIO;
    }
    int how =
        ((int) flags & ~(FileConstants.O_CREAT | FileConstants.O_EXCL | FileConstants.O_TRUNC))
            | FileConstants.O_LARGEFILE;
    OpenFile peer = vfs.openInode(node, how, m.peerPath());
    try {
      peer.openDevice(caller.deviceCaller(), how);
    } catch (FsException e) {
      peer.release();
      throw e;
    }
    int fd = files().install(peer, 0, (flags & FileConstants.O_CLOEXEC) != 0);
    if (fd < 0) {
      peer.release();
      return -Errno.EMFILE;
    }
    return fd;
  }

  public long fsync(long fd) {
    return guard(
        () -> {
          ioFile(fd);
          return 0;
        });
  }

  /** flock(2): nothing else ever holds a lock here, so every request is granted at once. */
  public long flock(long fd, long operation) {
    return guard(
        () -> {
          file(fd);
          int op = (int) operation & ~FileConstants.LOCK_NB;
          return op == FileConstants.LOCK_SH
                  || op == FileConstants.LOCK_EX
                  || op == FileConstants.LOCK_UN
              ? 0
              : -Errno.EINVAL;
        });
  }

  /** fadvise64(2): advice is accepted and has no effect; pipes refuse it. */
  public long fadvise64(long fd, long offset, long length, long advice) {
    return guard(
        () -> {
          OpenFile f = ioFile(fd);
          if (f.pipe() != null) {
            return -Errno.ESPIPE;
          }
          return advice < 0 || advice > 5 || length < 0 ? -Errno.EINVAL : 0;
        });
  }

  /** fallocate(2) with mode 0: the file grows to cover the range; other modes are refused. */
  public long fallocate(long fd, long mode, long offset, long length) {
    return guard(
        () -> {
          OpenFile f = ioFile(fd);
          if (offset < 0 || length <= 0) {
            return -Errno.EINVAL;
          }
          if (!f.writable()) {
            return -Errno.EBADF;
          }
          if (mode != 0) {
            return -Errno.EOPNOTSUPP;
          }
          if (f.pipe() != null) {
            return -Errno.ESPIPE;
          }
          if (!f.inode().isRegular()) {
            return f.inode().isDirectory() ? -Errno.EISDIR : -Errno.ENODEV;
          }
          if (offset > Long.MAX_VALUE - length) {
            return -Errno.EFBIG;
          }
          if (offset + length > f.inode().size()) {
            vfs.truncate(f.inode(), offset + length);
          }
          return 0;
        });
  }

  /** close_range(2): closes, or with CLOSE_RANGE_CLOEXEC marks, descriptors first..last. */
  public long closeRange(long first, long last, long flags) {
    if ((flags & ~(FileConstants.CLOSE_RANGE_UNSHARE | FileConstants.CLOSE_RANGE_CLOEXEC)) != 0) {
      return -Errno.EINVAL;
    }
    long lo = first & 0xffffffffL;
    long hi = last & 0xffffffffL;
    if (lo > hi) {
      return -Errno.EINVAL;
    }
    for (long fd = lo; fd <= Math.min(hi, files().end() - 1); fd++) {
      if ((flags & FileConstants.CLOSE_RANGE_CLOEXEC) != 0) {
        files().setCloseOnExec(fd, true);
      } else {
        files().close(fd);
      }
    }
    return 0;
  }

  /** sync, syncfs, fsync and fdatasync have nothing to write back: memory is the storage. */
  public long sync() {
    return 0;
  }

  public long ftruncate(long fd, long length) {
    return guard(
        () -> {
          OpenFile f = ioFile(fd);
          if (length < 0 || !f.writable() || !f.inode().isRegular()) {
            return -Errno.EINVAL;
          }
          vfs.truncate(f.inode(), length);
          return 0;
        });
  }

  public long truncate(long pathAddr, long length) {
    return guard(
        () -> {
          if (length < 0) {
            return -Errno.EINVAL;
          }
          vfs.truncate(vfs.lookup(ctx(), path(pathAddr), true), length);
          return 0;
        });
  }

  // ---------------------------------------------------------------- stat

  public long fstat(long fd, long buf) {
    return guard(
        () -> {
          memory().write(buf, stat(file(fd).inode()));
          return 0;
        });
  }

  public long newfstatat(long dirfd, long pathAddr, long buf, long flags) {
    return guard(
        () -> {
          if ((flags
                  & ~(FileConstants.AT_SYMLINK_NOFOLLOW
                      | FileConstants.AT_NO_AUTOMOUNT
                      | FileConstants.AT_EMPTY_PATH))
              != 0) {
            return -Errno.EINVAL;
          }
          memory().write(buf, stat(inodeAt(dirfd, path(pathAddr), flags)));
          return 0;
        });
  }

  public long statx(long dirfd, long pathAddr, long flags, long mask, long buf) {
    return guard(
        () -> {
          long known =
              FileConstants.AT_SYMLINK_NOFOLLOW
                  | FileConstants.AT_NO_AUTOMOUNT
                  | FileConstants.AT_EMPTY_PATH
                  | FileConstants.AT_STATX_SYNC_TYPE;
          if ((flags & ~known) != 0
              || (flags & FileConstants.AT_STATX_SYNC_TYPE) == FileConstants.AT_STATX_SYNC_TYPE
              || (mask & 0x80000000L) != 0) {
            return -Errno.EINVAL;
          }
          memory().write(buf, statx(inodeAt(dirfd, path(pathAddr), flags)));
          return 0;
        });
  }

  /** struct stat for riscv64 (asm-generic), 128 bytes. */
  static byte[] stat(Inode n) {
    byte[] st = new byte[StatDescriptor.LENGTH];
    LittleEndian.put64(st, StatDescriptor.DEV, n.dev());
    LittleEndian.put64(st, StatDescriptor.INO, n.ino());
    LittleEndian.put32(st, StatDescriptor.MODE, n.mode());
    LittleEndian.put32(st, StatDescriptor.NLINK, n.nlink());
    LittleEndian.put32(st, StatDescriptor.UID, n.uid());
    LittleEndian.put32(st, StatDescriptor.GID, n.gid());
    LittleEndian.put64(st, StatDescriptor.RDEV, n.rdev());
    LittleEndian.put64(st, StatDescriptor.SIZE, n.size());
    LittleEndian.put32(st, StatDescriptor.BLKSIZE, 4096);
    LittleEndian.put64(st, StatDescriptor.BLOCKS, n.blocks());
    putTime(st, StatDescriptor.ATIME, n.atimeNs(), 8);
    putTime(st, StatDescriptor.MTIME, n.mtimeNs(), 8);
    putTime(st, StatDescriptor.CTIME, n.ctimeNs(), 8);
    return st;
  }

  /** struct statx, 256 bytes, with the basic fields. */
  static byte[] statx(Inode n) {
    byte[] st = new byte[StatxDescriptor.LENGTH];
    LittleEndian.put32(st, StatxDescriptor.MASK, FileConstants.STATX_BASIC_STATS);
    LittleEndian.put32(st, StatxDescriptor.BLKSIZE, 4096);
    LittleEndian.put32(st, StatxDescriptor.NLINK, n.nlink());
    LittleEndian.put32(st, StatxDescriptor.UID, n.uid());
    LittleEndian.put32(st, StatxDescriptor.GID, n.gid());
    st[StatxDescriptor.MODE] = (byte) n.mode();
    st[StatxDescriptor.MODE + 1] = (byte) (n.mode() >>> 8);
    LittleEndian.put64(st, StatxDescriptor.INO, n.ino());
    LittleEndian.put64(st, StatxDescriptor.SIZE, n.size());
    LittleEndian.put64(st, StatxDescriptor.BLOCKS, n.blocks());
    putTime(st, StatxDescriptor.ATIME, n.atimeNs(), 4);
    putTime(st, StatxDescriptor.CTIME, n.ctimeNs(), 4);
    putTime(st, StatxDescriptor.MTIME, n.mtimeNs(), 4);
    LittleEndian.put32(st, StatxDescriptor.RDEV_MAJOR, FileConstants.major(n.rdev()));
    LittleEndian.put32(st, StatxDescriptor.RDEV_MINOR, FileConstants.minor(n.rdev()));
    LittleEndian.put32(st, StatxDescriptor.DEV_MAJOR, FileConstants.major(n.dev()));
    LittleEndian.put32(st, StatxDescriptor.DEV_MINOR, FileConstants.minor(n.dev()));
    return st;
  }

  /** Seconds at at, nanoseconds right after as a field of nsecWidth bytes. */
  private static void putTime(byte[] b, int at, long ns, int nsecWidth) {
    LittleEndian.put64(b, at, Math.floorDiv(ns, 1_000_000_000L));
    long nsec = Math.floorMod(ns, 1_000_000_000L);
    if (nsecWidth == 8) {
      LittleEndian.put64(b, at + 8, nsec);
    } else {
      LittleEndian.put32(b, at + 8, (int) nsec);
    }
  }

  // ---------------------------------------------------------------- directories

  public long getdents64(long fd, long dirp, long count) {
    return guard(
        () -> {
          OpenFile f = ioFile(fd);
          DirInode dir = f.directory();
          if (dir == null) {
            return -Errno.ENOTDIR;
          }
          if (dir.nlink() == 0) {
            return -Errno.ENOENT;
          }
          long pos = f.offset();
          List<DirInode.Entry> entries = new ArrayList<>();
          if (pos <= 0) {
            entries.add(new DirInode.Entry(".", dir, 1));
          }
          if (pos <= 1) {
            entries.add(new DirInode.Entry("..", dir.parent(), 2));
          }
          entries.addAll(dir.entriesFrom(Math.max(pos, 2)));
          byte[] out = new byte[(int) Math.min(Math.max(count, 0), CHUNK)];
          int used = 0;
          long next = pos;
          for (DirInode.Entry e : entries) {
            Inode n = e.inode();
            int u = dirent(out, used, n.ino(), e.nextPos(), n.direntType(), e.name());
            if (u < 0) {
              if (used == 0) {
                return -Errno.EINVAL;
              }
              break;
            }
            used = u;
            next = e.nextPos();
          }
          if (used > 0) {
            memory().write(dirp, out, 0, used);
            f.setOffset(next);
          }
          return used;
        });
  }

  /** Writes one dirent64 at used; returns the new used, or -1 when it does not fit. */
  private static int dirent(byte[] out, int used, long ino, long off, int type, String name) {
    byte[] nm = name.getBytes(StandardCharsets.ISO_8859_1);
    int reclen = (DIRENT_NAME + nm.length + 1 + 7) & ~7;
    if (used + reclen > out.length) {
      return -1;
    }
    LittleEndian.put64(out, used + DIRENT_INO, ino);
    LittleEndian.put64(out, used + DIRENT_OFF, off);
    out[used + DIRENT_RECLEN] = (byte) reclen;
    out[used + DIRENT_RECLEN + 1] = (byte) (reclen >>> 8);
    out[used + DIRENT_TYPE] = (byte) type;
    System.arraycopy(nm, 0, out, used + DIRENT_NAME, nm.length);
    return used + reclen;
  }

  public long mkdirat(long dirfd, long pathAddr, long mode) {
    return guard(
        () -> {
          String path = path(pathAddr);
          vfs.mkdirAt(ctx(), base(dirfd, path), path, (int) mode);
          return 0;
        });
  }

  public long unlinkat(long dirfd, long pathAddr, long flags) {
    return guard(
        () -> {
          if ((flags & ~FileConstants.AT_REMOVEDIR) != 0) {
            return -Errno.EINVAL;
          }
          String path = path(pathAddr);
          vfs.unlinkAt(ctx(), base(dirfd, path), path, (flags & FileConstants.AT_REMOVEDIR) != 0);
          return 0;
        });
  }

  public long renameat2(long oldDirfd, long oldAddr, long newDirfd, long newAddr, long flags) {
    return guard(
        () -> {
          String oldPath = path(oldAddr);
          String newPath = path(newAddr);
          vfs.renameAt(
              ctx(),
              base(oldDirfd, oldPath),
              oldPath,
              base(newDirfd, newPath),
              newPath,
              (int) flags);
          return 0;
        });
  }

  public long symlinkat(long targetAddr, long newDirfd, long pathAddr) {
    return guard(
        () -> {
          String target = path(targetAddr);
          String path = path(pathAddr);
          vfs.symlinkAt(ctx(), target, base(newDirfd, path), path);
          return 0;
        });
  }

  public long linkat(long oldDirfd, long oldAddr, long newDirfd, long newAddr, long flags) {
    return guard(
        () -> {
          if ((flags & ~(FileConstants.AT_SYMLINK_FOLLOW | FileConstants.AT_EMPTY_PATH)) != 0) {
            return -Errno.EINVAL;
          }
          String oldPath = path(oldAddr);
          String newPath = path(newAddr);
          DirInode newBase = base(newDirfd, newPath);
          if (oldPath.isEmpty() && (flags & FileConstants.AT_EMPTY_PATH) != 0) {
            vfs.linkInode(ctx(), inodeAt(oldDirfd, oldPath, flags), newBase, newPath);
          } else {
            vfs.linkAt(
                ctx(),
                base(oldDirfd, oldPath),
                oldPath,
                newBase,
                newPath,
                (flags & FileConstants.AT_SYMLINK_FOLLOW) != 0);
          }
          return 0;
        });
  }

  public long readlinkat(long dirfd, long pathAddr, long buf, long size) {
    return guard(
        () -> {
          if (size <= 0 || size > Integer.MAX_VALUE) {
            return -Errno.EINVAL;
          }
          String path = path(pathAddr);
          Inode n =
              path.isEmpty()
                  ? inodeAt(dirfd, path, FileConstants.AT_EMPTY_PATH)
                  : vfs.lookupAt(ctx(), base(dirfd, path), path, false);
          if (!(n instanceof SymlinkInode link)) {
            return -Errno.EINVAL;
          }
          String target = link.target();
          if (target == null) {
            return -Errno.ENOENT;
          }
          byte[] t = target.getBytes(StandardCharsets.ISO_8859_1);
          int k = (int) Math.min(size, t.length);
          memory().write(buf, t, 0, k);
          return k;
        });
  }

  public long faccessat(long dirfd, long pathAddr, long mode) {
    return faccessat2(dirfd, pathAddr, mode, 0);
  }

  public long faccessat2(long dirfd, long pathAddr, long mode, long flags) {
    return guard(
        () -> {
          if ((mode & ~7) != 0
              || (flags
                      & ~(FileConstants.AT_EACCESS
                          | FileConstants.AT_SYMLINK_NOFOLLOW
                          | FileConstants.AT_EMPTY_PATH))
                  != 0) {
            return -Errno.EINVAL;
          }
          Inode n = inodeAt(dirfd, path(pathAddr), flags);
          // Root may read and write anything; it may execute only what has some x bit.
          if ((mode & FileConstants.X_OK) != 0 && !n.isDirectory() && (n.mode() & 0111) == 0) {
            return -Errno.EACCES;
          }
          return 0;
        });
  }

  public long fchmodat(long dirfd, long pathAddr, long mode) {
    return guard(
        () -> {
          vfs.chmod(inodeAt(dirfd, path(pathAddr), 0), (int) mode);
          return 0;
        });
  }

  public long fchmod(long fd, long mode) {
    return guard(
        () -> {
          vfs.chmod(ioFile(fd).inode(), (int) mode);
          return 0;
        });
  }

  public long fchownat(long dirfd, long pathAddr, long uid, long gid, long flags) {
    return guard(
        () -> {
          if ((flags & ~(FileConstants.AT_SYMLINK_NOFOLLOW | FileConstants.AT_EMPTY_PATH)) != 0) {
            return -Errno.EINVAL;
          }
          chown(inodeAt(dirfd, path(pathAddr), flags), uid, gid);
          return 0;
        });
  }

  public long fchown(long fd, long uid, long gid) {
    return guard(
        () -> {
          chown(ioFile(fd).inode(), uid, gid);
          return 0;
        });
  }

  /** Root may give a file to anyone; -1 keeps an id. */
  private void chown(Inode n, long uid, long gid) {
    int u = (int) uid == -1 ? n.uid() : (int) uid;
    int g = (int) gid == -1 ? n.gid() : (int) gid;
    n.setOwner(u, g);
    n.setCtime(vfs.now());
  }

  public long utimensat(long dirfd, long pathAddr, long times, long flags) {
    return guard(
        () -> {
          if ((flags & ~(FileConstants.AT_SYMLINK_NOFOLLOW | FileConstants.AT_EMPTY_PATH)) != 0) {
            return -Errno.EINVAL;
          }
          long now = vfs.now();
          long[] ns = {now, now};
          boolean[] set = {true, true};
          if (times != 0) {
            for (int i = 0; i < 2; i++) {
              long sec = memory().read64(times + 16L * i);
              long nsec = memory().read64(times + 16L * i + 8);
              if (nsec == FileConstants.UTIME_OMIT) {
                set[i] = false;
              } else if (nsec != FileConstants.UTIME_NOW) {
                if (nsec < 0 || nsec >= 1_000_000_000L) {
                  return -Errno.EINVAL;
                }
                ns[i] = sec * 1_000_000_000L + nsec;
              }
            }
            if (!set[0] && !set[1]) {
              return 0;
            }
          }
          Inode n;
          if (pathAddr == 0) {
            if ((int) dirfd == FileConstants.AT_FDCWD) {
              return -Errno.EFAULT;
            }
            n = file(dirfd).inode();
          } else {
            n = inodeAt(dirfd, path(pathAddr), flags);
          }
          if (set[0]) {
            n.setAtime(ns[0]);
          }
          if (set[1]) {
            n.setMtime(ns[1]);
          }
          n.setCtime(now);
          return 0;
        });
  }

  public long getcwd(long buf, long size) {
    return guard(
        () -> {
          byte[] p = (vfs.pathOf(ctx(), ctx().cwd()) + "\0").getBytes(StandardCharsets.ISO_8859_1);
          if (size < p.length) {
            return -Errno.ERANGE;
          }
          memory().write(buf, p);
          return p.length;
        });
  }

  public long chdir(long pathAddr) {
    return guard(
        () -> {
          Inode n = vfs.lookup(ctx(), path(pathAddr), true);
          if (!(n instanceof DirInode d)) {
            return -Errno.ENOTDIR;
          }
          ctx().setCwd(d);
          return 0;
        });
  }

  public long fchdir(long fd) {
    return guard(
        () -> {
          if (!(file(fd).inode() instanceof DirInode d)) {
            return -Errno.ENOTDIR;
          }
          ctx().setCwd(d);
          return 0;
        });
  }

  public long pipe2(long fds, long flags) {
    return guard(
        () -> {
          if ((flags
                  & ~(FileConstants.O_CLOEXEC | FileConstants.O_NONBLOCK | FileConstants.O_DIRECT))
              != 0) {
            return -Errno.EINVAL;
          }
          boolean cloexec = (flags & FileConstants.O_CLOEXEC) != 0;
          OpenFile[] ends = vfs.pipe((int) flags);
          int r = files().install(ends[0], 0, cloexec);
          if (r < 0) {
            ends[0].release();
            ends[1].release();
            return -Errno.EMFILE;
          }
          int w = files().install(ends[1], 0, cloexec);
          if (w < 0) {
            files().close(r);
            ends[1].release();
            return -Errno.EMFILE;
          }
          try {
            memory().write32(fds, r);
            memory().write32(fds + 4, w);
          } catch (BadAddressException e) {
            files().close(r);
            files().close(w);
            return -Errno.EFAULT;
          }
          return 0;
        });
  }

  public long umask(long mask) {
    return ctx().setUmask((int) mask);
  }
}
