package dev.popcornj.kernel.boot;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Poll;
import dev.popcornj.kernel.fs.CharDevice;
import dev.popcornj.kernel.fs.PollTable;
import dev.popcornj.kernel.fs.PollWaitQueue;
import dev.popcornj.kernel.mm.UserMemory;
import java.util.Arrays;

/**
 * /dev/vttyN on the primary: kernel N's console seen from here. Reading gives what N's console
 * wrote (carried by the messaging layer); writing types into it.
 *
 * <p>Owned by the primary kernel.
 */
final class VttyDevice implements CharDevice {
  private final Kernel kernel;
  private final int peer;
  private final PollWaitQueue readers;
  private byte[] pending = new byte[0];

  VttyDevice(Kernel kernel, int peer) {
    this.kernel = kernel;
    this.peer = peer;
    this.readers = new PollWaitQueue(kernel.scheduler());
  }

  /** New output from the peer arrived. */
  void onOutput() {
    readers.wakeAll();
  }

  private void fill() {
    byte[] more = kernel.messaging().takeVttyOutput(peer);
    if (more.length > 0) {
      byte[] all = Arrays.copyOf(pending, pending.length + more.length);
      System.arraycopy(more, 0, all, pending.length, more.length);
      pending = all;
    }
  }

  @Override
  public long read(byte[] buf, int off, int length, boolean nonBlocking) {
    fill();
    if (pending.length == 0) {
      if (nonBlocking) {
        return -Errno.EAGAIN;
      }
      if (!readers.await(
          () -> {
            fill();
            return pending.length > 0;
          })) {
        return -Errno.ERESTARTSYS;
      }
    }
    int n = Math.min(length, pending.length);
    System.arraycopy(pending, 0, buf, off, n);
    pending = Arrays.copyOfRange(pending, n, pending.length);
    return n;
  }

  @Override
  public long write(byte[] buf, int off, int length, boolean nonBlocking) {
    if (!kernel.messaging().sendVttyInput(peer, Arrays.copyOfRange(buf, off, off + length))) {
      return -Errno.EIO;
    }
    return length;
  }

  @Override
  public long ioctl(int request, long arg, UserMemory memory) {
    return -Errno.ENOTTY;
  }

  @Override
  public long rdev() {
    return (4L << 8) | (64 + peer);
  }

  /** Readable while the kernel's console has output waiting; always writable. */
  @Override
  public int poll(PollTable table) {
    if (table != null) {
      table.pollWait(readers);
    }
    fill();
    return Poll.POLLOUT
        | Poll.POLLWRNORM
        | (pending.length > 0 ? Poll.POLLIN | Poll.POLLRDNORM : 0);
  }
}
