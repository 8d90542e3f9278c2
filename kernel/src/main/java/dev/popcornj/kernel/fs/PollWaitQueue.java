package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.sched.Sleeper;
import dev.popcornj.kernel.sched.WaitQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A wait queue that poll and select can wait on as well (Linux's wait_queue_head_t as poll_wait
 * uses it): a task blocked in a read or write of one file sleeps on its {@link WaitQueue}, a task
 * polling several files subscribes its {@link PollTable}, and every wake reaches both.
 *
 * <p>Owned by the kernel instance of the file it belongs to; used only on its simulation thread.
 */
public final class PollWaitQueue {
  private final WaitQueue blocked;

  /** Polls in progress that wait here, in the order they subscribed. */
  private final List<PollTable> pollers = new ArrayList<>();

  /** Wraps blocked, the queue readers or writers of the file sleep on. */
  public PollWaitQueue(WaitQueue blocked) {
    this.blocked = blocked;
  }

  public PollWaitQueue(Sleeper sleeper) {
    this(new WaitQueue(sleeper));
  }

  /** Returns at once when ready holds, else sleeps until it does; false when a signal came. */
  public boolean await(BooleanSupplier ready) {
    return blocked.await(ready);
  }

  /** As {@link #await}, giving up at virtual time deadlinePs: 1 ready, 0 timed out, -1 signal. */
  public int awaitUntil(BooleanSupplier ready, long deadlinePs) {
    return blocked.awaitUntil(ready, deadlinePs);
  }

  /** The file's state changed: blocked readers or writers recheck, and so does every poll. */
  public void wakeAll() {
    wakeAll(0);
  }

  /**
   * wake_up_poll: as {@link #wakeAll()}, saying which events the change is about (0: unknown), so
   * an epoll item that does not ask for them can ignore it. Exclusive subscribers (EPOLLEXCLUSIVE)
   * are woken after all the others, in order, only until one counts the wake
   * (add_wait_queue_exclusive puts them at the tail, and __wake_up_common stops at the first
   * exclusive waiter it woke).
   */
  public void wakeAll(int key) {
    blocked.wakeAll();
    if (pollers.isEmpty()) {
      return;
    }
    List<PollTable> now = List.copyOf(pollers);
    for (PollTable p : now) {
      if (!p.exclusive()) {
        p.onWake(key);
      }
    }
    for (PollTable p : now) {
      if (p.exclusive() && p.onWake(key)) {
        break;
      }
    }
  }

  /** True while some poll or select waits on this queue. */
  public boolean hasPollers() {
    return !pollers.isEmpty();
  }

  void subscribe(PollTable table) {
    pollers.add(table);
  }

  void unsubscribe(PollTable table) {
    pollers.remove(table);
  }
}
