package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.Poll;
import dev.popcornj.kernel.mm.UserMemory;

/**
 * A character device as the VFS sees it (a terminal, /dev/null): the node in /dev refers to one,
 * and every open file of that node reads, writes and controls it through these calls. Results are
 * byte counts or negative errno values; a read or write that had to wait and was interrupted by a
 * signal returns -ERESTARTSYS.
 */
public interface CharDevice {
  /** Reads up to length bytes; 0 means end of file; -EAGAIN when nonBlocking and nothing ready. */
  long read(byte[] buf, int off, int length, boolean nonBlocking);

  /** Writes buf[off..off+length); returns the count written or -errno. */
  long write(byte[] buf, int off, int length, boolean nonBlocking);

  /** An ioctl on the device; -ENOTTY for a request it does not know, -EFAULT for a bad arg. */
  long ioctl(int request, long arg, UserMemory memory);

  /**
   * The readiness poll and select see (file_operations.poll): a mask of Poll bits. table, when not
   * null, is the poll in progress; a device whose readiness changes subscribes it to the {@link
   * PollWaitQueue} it wakes then. A device without a poll operation is always readable and writable
   * (DEFAULT_POLLMASK), which is what this default gives.
   */
  default int poll(PollTable table) {
    return Poll.DEFAULT_MASK;
  }

  /**
   * An open of the device's node (tty_open, ptmx_open): returns the device the new open file uses,
   * this one or one made for it (a pseudo-terminal master for each open of /dev/ptmx). flags are
   * the open's flags, O_NOCTTY among them.
   *
   * @throws FsException with the errno the open fails with
   */
  default CharDevice open(DeviceCaller caller, int flags) {
    return this;
  }

  /** The last reference to an open file that {@link #open} gave this device went away. */
  default void release() {}

  /** An ioctl that may depend on who makes it (a terminal's job-control requests). */
  default long ioctl(int request, long arg, UserMemory memory, DeviceCaller caller) {
    return ioctl(request, arg, memory);
  }

  /** The device number (major in bits 8..19, minor in 0..7 and 20..31, as st_rdev shows it). */
  long rdev();
}
