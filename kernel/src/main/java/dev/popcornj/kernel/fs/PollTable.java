package dev.popcornj.kernel.fs;

import dev.popcornj.kernel.sched.Sleeper;
import dev.popcornj.kernel.sched.WaitQueue;
import java.util.ArrayList;
import java.util.List;

/**
 * What one poll or select in progress waits on (Linux's struct poll_wqueues): on its first pass
 * over the descriptors each file's poll names the {@link PollWaitQueue}s whose wake means its
 * readiness may have changed, and the table subscribes to them; the polling task then sleeps on the
 * table's own queue, which a wake of any of them triggers. {@link #release()} unsubscribes from all
 * (poll_freewait).
 *
 * <p>An epoll item subscribes through a table too, one with a {@link WakeCallback} (Linux's
 * ep_poll_callback in place of pollwake): it has no task asleep on it, and a wake marks the item
 * ready instead.
 *
 * <p>Belongs to the polling task (or epoll item); used only on its kernel's simulation thread.
 */
public final class PollTable {
  /** What a wake does to an epoll item; true when it counts as a wake of an exclusive waiter. */
  @FunctionalInterface
  public interface WakeCallback {
    boolean onWake(int key);
  }

  private final WaitQueue queue;
  private final WakeCallback callback;
  private final boolean exclusive;
  private final List<PollWaitQueue> subscribed = new ArrayList<>();
  private boolean collecting = true;
  private boolean triggered;

  public PollTable(Sleeper sleeper) {
    this.queue = new WaitQueue(sleeper);
    this.callback = null;
    this.exclusive = false;
  }

  /**
   * A table whose wakes run callback (an epoll item's subscription). An exclusive one
   * (EPOLLEXCLUSIVE) is woken, among the exclusive subscribers of a queue, only until one counts.
   */
  public PollTable(WakeCallback callback, boolean exclusive) {
    this.queue = null;
    this.callback = callback;
    this.exclusive = exclusive;
  }

  boolean exclusive() {
    return exclusive;
  }

  /**
   * poll_wait: a file's poll names a queue it wakes when its readiness changes. Subscribes once per
   * queue, and only while the table is still collecting (its first pass).
   */
  public void pollWait(PollWaitQueue q) {
    if (collecting && !subscribed.contains(q)) {
      subscribed.add(q);
      q.subscribe(this);
    }
  }

  /** After the first pass every queue is known: later passes only read the masks. */
  public void stopCollecting() {
    collecting = false;
  }

  /** The queue the polling task sleeps on. */
  public WaitQueue queue() {
    return queue;
  }

  /** True once a subscribed queue woke since the last {@link #clearTriggered()}. */
  public boolean triggered() {
    return triggered;
  }

  /** Called before a pass over the files: a wake after this makes the task look again. */
  public void clearTriggered() {
    triggered = false;
  }

  /** Queues subscribed to. */
  public int subscriptions() {
    return subscribed.size();
  }

  /**
   * pollwake: a subscribed queue woke; the polling task, if asleep, wakes and looks again. key is
   * the events the wake is about (0: unknown); only a callback looks at it.
   */
  boolean onWake(int key) {
    if (callback != null) {
      return callback.onWake(key);
    }
    triggered = true;
    queue.wakeAll();
    return true;
  }

  /** Unsubscribes from every queue; the poll or select is over. */
  public void release() {
    for (PollWaitQueue q : subscribed) {
      q.unsubscribe(this);
    }
    subscribed.clear();
    collecting = false;
  }
}
