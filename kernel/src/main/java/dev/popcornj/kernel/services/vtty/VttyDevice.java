package dev.popcornj.kernel.services.vtty;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Poll;
import dev.popcornj.kernel.fs.CharDevice;
import dev.popcornj.kernel.fs.PollTable;
import dev.popcornj.kernel.fs.PollWaitQueue;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.sched.Scheduler;
import java.util.Arrays;

/**
 * /dev/vttyN on the primary: kernel N's console seen from here. Reading gives what N's console
 * wrote (carried by the messaging layer); writing types into it.
 *
 * <p>Owned by the primary kernel.
 */
final class VttyDevice implements CharDevice {
  private final VttyService service;
  private final int peer;
  private final PollWaitQueue readers;

  VttyDevice(VttyService service, int peer, Scheduler scheduler) {
    this.service = service;
    this.peer = peer;
    this.readers = new PollWaitQueue(scheduler);
  }

  /** New output from the peer arrived. */
  void onOutput() {
    readers.wakeAll();
  }

  @Override
  public long read(byte[] buf, int off, int length, boolean nonBlocking) {
    if (service.waiting(peer) == 0) {
      if (nonBlocking) {
        return -Errno.EAGAIN;
      }
      if (!readers.await(() -> service.waiting(peer) > 0)) {
        return -Errno.ERESTARTSYS;
      }
    }
    byte[] got = service.takeOutput(peer, length);
    System.arraycopy(got, 0, buf, off, got.length);
    return got.length;
  }

  @Override
  public long write(byte[] buf, int off, int length, boolean nonBlocking) {
    if (!service.sendInput(peer, Arrays.copyOfRange(buf, off, off + length))) {
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
    return Poll.POLLOUT
        | Poll.POLLWRNORM
        | (service.waiting(peer) > 0 ? Poll.POLLIN | Poll.POLLRDNORM : 0);
  }
}
