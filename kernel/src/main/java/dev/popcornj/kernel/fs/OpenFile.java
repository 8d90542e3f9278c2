package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.abi.Poll;
import dev.popcornj.kernel.mm.OutOfFramesException;
import dev.popcornj.kernel.mm.PageCache;
import dev.popcornj.kernel.mm.UserMemory;
import java.util.function.LongSupplier;

/**
 * An open file description (Linux's struct file): the inode, access mode, status flags and file
 * offset that every descriptor made from one open shares, across dup and fork. Counted: the last
 * {@link #release()} closes it. Results are byte counts or negative errno values.
 *
 * <p>Owned by one kernel instance; used only on its simulation thread.
 */
public final class OpenFile {
  /** Status flags F_SETFL may change. */
  private static final int SETTABLE =
      FileConstants.O_APPEND
          | FileConstants.O_NONBLOCK
          | FileConstants.FASYNC
          | FileConstants.O_DIRECT
          | FileConstants.O_NOATIME;

  /** Flags open takes that are not kept as status flags. */
  private static final int OPEN_ONLY =
      FileConstants.O_CREAT
          | FileConstants.O_EXCL
          | FileConstants.O_NOCTTY
          | FileConstants.O_TRUNC
          | FileConstants.O_CLOEXEC;

  /**
   * The file operations of an inode kind that lives outside fs (a socket): reads, writes, readiness
   * and the last close go to it. Results are counts or negative errno values, as this class's are.
   */
  public interface Operations {
    long read(OpenFile file, byte[] buf, int off, int length);

    long write(OpenFile file, byte[] buf, int off, int length);

    int poll(OpenFile file, PollTable table);

    /** The last reference to file went away. */
    void release(OpenFile file);

    /**
     * Whether a write that fails with EPIPE raises SIGPIPE: a stream socket does, datagram and
     * seqpacket sockets do not (af_unix sends it only from unix_stream_sendmsg).
     */
    default boolean sigpipeOnEpipe() {
      return true;
    }

    /** ioctl(2) on the file: a result or -errno; -ENOTTY when it takes no such request. */
    default long ioctl(OpenFile file, int request, long arg, UserMemory memory) {
      return -Errno.ENOTTY;
    }
  }

  private final Inode inode;
  private final String path;
  private final byte[] snapshot; // a procfs file's contents, made at open
  private final LongSupplier clockNs;
  private int flags;
  private long offset;
  private int refs = 1;

  /** The device {@link CharDevice#open} gave this file, or null when none was asked. */
  private CharDevice opened;

  OpenFile(Vfs vfs, Inode inode, int flags, String path, byte[] snapshot) {
    this(inode, flags, path, snapshot, vfs::now);
  }

  private OpenFile(Inode inode, int flags, String path, byte[] snapshot, LongSupplier clockNs) {
    this.inode = inode;
    this.flags = flags & ~OPEN_ONLY;
    this.path = path;
    this.snapshot = snapshot;
    this.clockNs = clockNs;
    inode.onOpen();
    if (inode instanceof PipeInode p && !isPath()) {
      p.pipe().addEnd(readable(), writable());
    }
    if (inode instanceof TmpFile f && writable()) {
      f.writerOpened(1);
    }
  }

  /**
   * An open file on a device outside any file system (a console handed to a process the kernel
   * starts without /dev). accessMode is O_RDONLY, O_WRONLY or O_RDWR.
   */
  public static OpenFile ofDevice(CharDevice device, int accessMode, String path) {
    DeviceInode node = new DeviceInode(null, 0, device, 0620, 0);
    return new OpenFile(node, accessMode, path, null, () -> 0);
  }

  public Inode inode() {
    return inode;
  }

  /** The path it was opened by, as /proc shows it. */
  public String path() {
    return path;
  }

  /** The flags F_GETFL reports: access mode and status flags. */
  public int statusFlags() {
    return flags;
  }

  /** F_SETFL: only O_APPEND, O_NONBLOCK, O_ASYNC, O_DIRECT and O_NOATIME change. */
  public void setStatusFlags(int newFlags) {
    flags = (flags & ~SETTABLE) | (newFlags & SETTABLE);
  }

  public boolean isPath() {
    return (flags & FileConstants.O_PATH) != 0;
  }

  public boolean readable() {
    int acc = flags & FileConstants.O_ACCMODE;
    return !isPath() && (acc == FileConstants.O_RDONLY || acc == FileConstants.O_RDWR);
  }

  public boolean writable() {
    int acc = flags & FileConstants.O_ACCMODE;
    return !isPath() && (acc == FileConstants.O_WRONLY || acc == FileConstants.O_RDWR);
  }

  public boolean nonBlocking() {
    return (flags & FileConstants.O_NONBLOCK) != 0;
  }

  /** The pages of a regular tmpfs or host file, for mmap; null for anything else. */
  public PageCache pageCache() {
    if (isPath()) {
      return null;
    }
    return switch (inode) {
      case TmpFile f -> f.data();
      case HostFile f when f.isRegular() -> f.pageCache();
      default -> null;
    };
  }

  /** The directory it is open on, or null. */
  public DirInode directory() {
    return inode instanceof DirInode d ? d : null;
  }

  /** The device behind it, or null. */
  public CharDevice device() {
    if (opened != null) {
      return opened;
    }
    return inode instanceof DeviceInode d ? d.device() : null;
  }

  /**
   * Runs the device's open (a file on a device node that open(2) made): it may refuse the open or
   * hand this file a device of its own. flags are the open's, O_NOCTTY included.
   *
   * @throws FsException when the device refuses; the caller then releases the file
   */
  public void openDevice(DeviceCaller caller, int openFlags) {
    if (!isPath() && opened == null && inode instanceof DeviceInode d) {
      opened = d.device().open(caller, openFlags);
    }
  }

  /** Whether a write failing with EPIPE raises SIGPIPE (pipes and stream sockets). */
  public boolean sigpipeOnEpipe() {
    return !(inode instanceof Operations o) || o.sigpipeOnEpipe();
  }

  /** The pipe behind it, or null. */
  public Pipe pipe() {
    return inode instanceof PipeInode p ? p.pipe() : null;
  }

  public long offset() {
    return offset;
  }

  public void setOffset(long pos) {
    offset = pos;
  }

  /** Whether the file has a position (lseek and pread work): not pipes, not terminals. */
  public boolean seekable() {
    return switch (inode) {
      case PipeInode p -> false;
      case Operations o -> false;
      case DeviceInode d -> d.device() instanceof MemDevice;
      default -> true;
    };
  }

  /** read(2) at the file offset, which moves on by the count read. */
  public long read(byte[] buf, int off, int length) {
    long r = readAt(offset, buf, off, length);
    if (r > 0 && seekable()) {
      offset += r;
    }
    return r;
  }

  /** pread(2): reads at pos, leaving the offset alone. */
  public long pread(long pos, byte[] buf, int off, int length) {
    if (!seekable()) {
      return -Errno.ESPIPE;
    }
    if (pos < 0) {
      return -Errno.EINVAL;
    }
    return readAt(pos, buf, off, length);
  }

  private long readAt(long pos, byte[] buf, int off, int length) {
    if (!readable()) {
      return -Errno.EBADF;
    }
    return switch (inode) {
      case DirInode d -> -Errno.EISDIR;
      case TmpFile f -> f.data().read(pos, buf, off, length);
      case HostFile f -> f.read(pos, buf, off, length);
      case PipeInode p -> p.pipe().read(buf, off, length, nonBlocking());
      case Operations o -> o.read(this, buf, off, length);
      case DeviceInode d -> device().read(buf, off, length, nonBlocking());
      default -> readSnapshot(pos, buf, off, length);
    };
  }

  private long readSnapshot(long pos, byte[] buf, int off, int length) {
    if (snapshot == null || pos >= snapshot.length) {
      return 0;
    }
    int n = (int) Math.min(length, snapshot.length - pos);
    System.arraycopy(snapshot, (int) pos, buf, off, n);
    return n;
  }

  /**
   * write(2) at the file offset (at the end with O_APPEND), which moves on by the count written.
   */
  public long write(byte[] buf, int off, int length) {
    if ((inode instanceof TmpFile || inode instanceof HostFile)
        && (flags & FileConstants.O_APPEND) != 0) {
      offset = inode.size();
    }
    long r = writeAt(offset, buf, off, length);
    if (r > 0 && seekable()) {
      offset += r;
    }
    return r;
  }

  /** pwrite(2): writes at pos, leaving the offset alone (Linux appends anyway with O_APPEND). */
  public long pwrite(long pos, byte[] buf, int off, int length) {
    if (!seekable()) {
      return -Errno.ESPIPE;
    }
    if (pos < 0) {
      return -Errno.EINVAL;
    }
    if ((inode instanceof TmpFile || inode instanceof HostFile)
        && (flags & FileConstants.O_APPEND) != 0) {
      pos = inode.size();
    }
    return writeAt(pos, buf, off, length);
  }

  private long writeAt(long pos, byte[] buf, int off, int length) {
    if (!writable()) {
      return -Errno.EBADF;
    }
    return switch (inode) {
      case TmpFile f -> writeFile(f, pos, buf, off, length);
      case HostFile f -> f.write(pos, buf, off, length);
      case PipeInode p -> p.pipe().write(buf, off, length, nonBlocking());
      case Operations o -> o.write(this, buf, off, length);
      case DeviceInode d -> device().write(buf, off, length, nonBlocking());
      case ProcFs.ProcFile p -> p.write(java.util.Arrays.copyOfRange(buf, off, off + length));
      default -> -Errno.EINVAL;
    };
  }

  private long writeFile(TmpFile f, long pos, byte[] buf, int off, int length) {
    if (length == 0) {
      return 0;
    }
    if (pos >= Vfs.MAX_FILE_SIZE) {
      return -Errno.EFBIG;
    }
    int n = (int) Math.min(length, Vfs.MAX_FILE_SIZE - pos);
    try {
      f.data().write(pos, buf, off, n);
    } catch (OutOfFramesException e) {
      return -Errno.ENOSPC;
    }
    f.touchModified(clockNs.getAsLong());
    return n;
  }

  /** lseek(2). */
  public long seek(long off, int whence) {
    if (!seekable()) {
      return -Errno.ESPIPE;
    }
    if (inode instanceof DeviceInode) {
      return 0; // /dev/null and friends: every position is the same
    }
    long size =
        switch (inode) {
          case TmpFile f -> f.size();
          case HostFile f -> f.size();
          case DirInode d -> -1;
          default -> snapshot == null ? 0 : snapshot.length;
        };
    long target;
    switch (whence) {
      case FileConstants.SEEK_SET -> target = off;
      case FileConstants.SEEK_CUR -> target = offset + off;
      case FileConstants.SEEK_END, FileConstants.SEEK_DATA, FileConstants.SEEK_HOLE -> {
        if (size < 0) {
          return -Errno.EINVAL;
        }
        if (whence == FileConstants.SEEK_END) {
          target = size + off;
        } else if (off < 0 || off >= size) {
          return -Errno.ENXIO;
        } else {
          target = whence == FileConstants.SEEK_DATA ? off : size;
        }
      }
      default -> {
        return -Errno.EINVAL;
      }
    }
    if (target < 0 || (whence == FileConstants.SEEK_CUR && off > 0 && target < offset)) {
      return -Errno.EINVAL;
    }
    offset = target;
    return target;
  }

  /**
   * The file's readiness for poll and select (vfs_poll): a pipe end or device reports its own;
   * regular files, directories and procfs files have no poll operation and are always readable and
   * writable (DEFAULT_POLLMASK). An O_PATH file cannot be polled (fdget refuses it): POLLNVAL.
   * table, when not null, is the poll in progress, subscribed to what the file wakes on a change.
   */
  public int poll(PollTable table) {
    if (isPath()) {
      return Poll.POLLNVAL;
    }
    return switch (inode) {
      case PipeInode p -> p.pipe().poll(readable(), writable(), table);
      case Operations o -> o.poll(this, table);
      case DeviceInode d -> device().poll(table);
      default -> Poll.DEFAULT_MASK;
    };
  }

  /** An ioctl the device handles; -ENOTTY for anything that is not a device. */
  public long ioctl(int request, long arg, UserMemory memory) {
    if (inode instanceof Operations o && !isPath()) {
      return o.ioctl(this, request, arg, memory);
    }
    CharDevice d = device();
    return d == null ? -Errno.ENOTTY : d.ioctl(request, arg, memory);
  }

  /** As above, for a caller a terminal's job-control requests check. */
  public long ioctl(int request, long arg, UserMemory memory, DeviceCaller caller) {
    if (inode instanceof Operations o && !isPath()) {
      return o.ioctl(this, request, arg, memory); // a socket's own requests
    }
    CharDevice d = device();
    return d == null ? -Errno.ENOTTY : d.ioctl(request, arg, memory, caller);
  }

  /** Another descriptor (dup, fork, SCM_RIGHTS) now refers to it. */
  public void retain() {
    refs++;
  }

  /** A descriptor referring to it went away; the last one closes the file. */
  public void release() {
    if (--refs > 0) {
      return;
    }
    if (inode instanceof PipeInode p && !isPath()) {
      p.pipe().dropEnd(readable(), writable());
    }
    if (inode instanceof TmpFile f && writable()) {
      f.writerOpened(-1);
    }
    if (inode instanceof Operations o && !isPath()) {
      o.release(this);
    }
    if (opened != null) {
      opened.release();
    }
    inode.onClose();
  }

  /** Descriptors and other holders referring to it. */
  public int references() {
    return refs;
  }
}
