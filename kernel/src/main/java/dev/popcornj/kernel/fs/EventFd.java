package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.abi.Epoll;
import dev.popcornj.kernel.abi.EpollDescriptor;
import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.FileConstants;
import dev.popcornj.kernel.abi.LittleEndian;
import dev.popcornj.kernel.abi.Poll;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.sched.Sleeper;

/**
 * An eventfd (fs/eventfd.c): a 64-bit unsigned counter behind an anonymous file. A write of n adds
 * n, waiting while the sum would reach 2^64 - 1; a read returns the count and zeroes it (in
 * semaphore mode returns 1 and takes 1), waiting while it is zero. Readers, writers and polls wait
 * on one {@link PollWaitQueue}, woken with POLLIN after a write and POLLOUT after a read.
 *
 * <p>Owned by one kernel instance; used only on its simulation thread.
 */
public final class EventFd implements CharDevice {
  /** ULLONG_MAX: a count no write may reach, and a value no write may carry. */
  private static final long MAX = -1L;

  private final boolean semaphore;
  private final PollWaitQueue wait;
  private long count; // unsigned

  public EventFd(Sleeper sleeper, long initial, boolean semaphore) {
    this.wait = new PollWaitQueue(sleeper);
    this.count = initial;
    this.semaphore = semaphore;
  }

  /**
   * A new eventfd on an open file of its own, as eventfd2 makes it: read and write, status flags
   * from flags (EFD_NONBLOCK), named anon_inode:[eventfd] as /proc shows it.
   */
  public static OpenFile open(Sleeper sleeper, long initial, int flags) {
    EventFd e = new EventFd(sleeper, initial, (flags & Epoll.EFD_SEMAPHORE) != 0);
    int status = FileConstants.O_RDWR | (flags & FileConstants.O_NONBLOCK);
    return OpenFile.ofDevice(e, status, "anon_inode:[eventfd]");
  }

  /** The counter, unsigned. */
  public long count() {
    return count;
  }

  /**
   * eventfd_read: EINVAL for a buffer under 8 bytes; with a zero count EAGAIN when nonBlocking,
   * else a wait (-ERESTARTSYS when a signal comes first); then 8 bytes of the value taken.
   */
  @Override
  public long read(byte[] buf, int off, int length, boolean nonBlocking) {
    if (length < EpollDescriptor.EVENTFD_COUNTER_LENGTH) {
      return -Errno.EINVAL;
    }
    if (count == 0) {
      if (nonBlocking) {
        return -Errno.EAGAIN;
      }
      if (!wait.await(() -> count != 0)) {
        return -Errno.ERESTARTSYS;
      }
    }
    long taken = semaphore ? 1 : count;
    count -= taken;
    wait.wakeAll(Poll.POLLOUT);
    LittleEndian.put64(buf, off, taken);
    return EpollDescriptor.EVENTFD_COUNTER_LENGTH;
  }

  /**
   * eventfd_write: EINVAL unless the buffer is exactly 8 bytes (Linux 6.5 on; before, any size of
   * at least 8) or for the value 2^64 - 1; when the sum would not stay below 2^64 - 1, EAGAIN if
   * nonBlocking, else a wait for a read to make room.
   */
  @Override
  public long write(byte[] buf, int off, int length, boolean nonBlocking) {
    if (length != EpollDescriptor.EVENTFD_COUNTER_LENGTH) {
      return -Errno.EINVAL;
    }
    long n = LittleEndian.get64(buf, off);
    if (n == MAX) {
      return -Errno.EINVAL;
    }
    if (!fits(n)) {
      if (nonBlocking) {
        return -Errno.EAGAIN;
      }
      if (!wait.await(() -> fits(n))) {
        return -Errno.ERESTARTSYS;
      }
    }
    count += n;
    wait.wakeAll(Poll.POLLIN);
    return EpollDescriptor.EVENTFD_COUNTER_LENGTH;
  }

  /** ULLONG_MAX - count > n, unsigned. */
  private boolean fits(long n) {
    return Long.compareUnsigned(MAX - count, n) > 0;
  }

  /**
   * eventfd_poll: POLLIN while the count is above zero, POLLOUT while a write of 1 would not wait,
   * POLLERR at ULLONG_MAX (only an in-kernel eventfd_signal overflow gets there). No RDNORM or
   * WRNORM bits, as Linux.
   */
  @Override
  public int poll(PollTable table) {
    if (table != null) {
      table.pollWait(wait);
    }
    int mask = 0;
    if (count != 0) {
      mask |= Poll.POLLIN;
    }
    if (count == MAX) {
      mask |= Poll.POLLERR;
    }
    if (Long.compareUnsigned(MAX - 1, count) > 0) {
      mask |= Poll.POLLOUT;
    }
    return mask;
  }

  @Override
  public long ioctl(int request, long arg, UserMemory memory) {
    return -Errno.ENOTTY;
  }

  /** Anonymous inodes have no device number. */
  @Override
  public long rdev() {
    return 0;
  }
}
