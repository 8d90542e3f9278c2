package dev.popcornj.kernel.net.inet;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.fs.PollWaitQueue;
import java.util.function.BooleanSupplier;

/**
 * How a socket call waits, with SO_RCVTIMEO or SO_SNDTIMEO (sock_rcvtimeo, sock_sndtimeo): until
 * what it waits for holds, the timeout passes (EAGAIN, or the count moved so far), or a signal
 * comes (ERESTARTSYS without a timeout, so SA_RESTART restarts the call; EINTR with one, as
 * sock_intr_errno says).
 */
final class Waits {
  /** No timeout (MAX_SCHEDULE_TIMEOUT). */
  static final long FOREVER = Long.MAX_VALUE;

  private Waits() {}

  /** The deadline of a call that started now with timeout timeoutPs. */
  static long deadline(InetStack stack, long timeoutPs) {
    return timeoutPs == FOREVER ? FOREVER : stack.now() + timeoutPs;
  }

  /** Waits on queue: 1 once ready holds, 0 when the deadline passed, -1 on a signal. */
  static int block(PollWaitQueue queue, BooleanSupplier ready, long deadlinePs) {
    if (deadlinePs == FOREVER) {
      return queue.await(ready) ? 1 : -1;
    }
    return queue.awaitUntil(ready, deadlinePs);
  }

  /** The errno of a wait that ended with r (0 or -1) under a timeout of timeoutPs. */
  static int error(int r, long timeoutPs) {
    if (r == 0) {
      return Errno.EAGAIN;
    }
    return timeoutPs == FOREVER ? Errno.ERESTARTSYS : Errno.EINTR;
  }
}
