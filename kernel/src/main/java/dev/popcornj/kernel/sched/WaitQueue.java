package dev.popcornj.kernel.sched;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Tasks waiting for one thing (data in a pipe, a line on a terminal, a child's exit). Code that
 * makes the thing happen calls {@link #wakeAll()}; waiters recheck their condition and sleep again
 * when it still does not hold.
 *
 * <p>Owned by one kernel instance; the scheduler ({@link Sleeper}) keeps track of who sleeps here.
 */
public final class WaitQueue {
  private final Sleeper sleeper;

  /** Who sleeps here, in the order they went to sleep; kept by the scheduler. */
  final List<Object> sleepers = new ArrayList<>();

  public WaitQueue(Sleeper sleeper) {
    this.sleeper = sleeper;
  }

  /**
   * Returns at once when ready holds; otherwise sleeps until it does. False when a signal
   * interrupted the wait.
   */
  public boolean await(BooleanSupplier ready) {
    if (ready.getAsBoolean()) {
      return true;
    }
    return sleeper.sleep(this, ready);
  }

  /** As {@link #await}, giving up at virtual time deadlinePs: 1 ready, 0 timed out, -1 signal. */
  public int awaitUntil(BooleanSupplier ready, long deadlinePs) {
    if (ready.getAsBoolean()) {
      return 1;
    }
    return sleeper.sleepUntil(this, ready, deadlinePs);
  }

  public void wakeAll() {
    sleeper.wakeAll(this);
  }
}
