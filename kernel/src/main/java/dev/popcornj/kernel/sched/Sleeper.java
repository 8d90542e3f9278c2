package dev.popcornj.kernel.sched;

import java.util.function.BooleanSupplier;

/**
 * The kernel's way of putting the current task to sleep and waking it: what a {@link WaitQueue}
 * needs from the scheduler. Kernel code never calls it directly; it waits on a queue.
 */
public interface Sleeper {
  /**
   * Puts the task running this kernel code to sleep on queue until ready holds, rechecking it each
   * time the queue is woken. Returns true once ready holds, false when a signal that must be
   * handled arrived first (the caller then returns -EINTR or -ERESTARTSYS).
   */
  boolean sleep(WaitQueue queue, BooleanSupplier ready);

  /**
   * As {@link #sleep}, giving up at virtual time deadlinePs: 1 once ready holds, 0 when the
   * deadline came first, -1 when a signal did.
   */
  default int sleepUntil(WaitQueue queue, BooleanSupplier ready, long deadlinePs) {
    return sleep(queue, ready) ? 1 : -1;
  }

  /** Makes every task sleeping on queue runnable again; each rechecks its condition. */
  void wakeAll(WaitQueue queue);
}
