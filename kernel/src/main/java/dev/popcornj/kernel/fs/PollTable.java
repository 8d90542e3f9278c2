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
 * <p>Belongs to the polling task; used only on its kernel's simulation thread.
 */
public final class PollTable {
  private final WaitQueue queue;
  private final List<PollWaitQueue> subscribed = new ArrayList<>();
  private boolean collecting = true;
  private boolean triggered;

  public PollTable(Sleeper sleeper) {
    this.queue = new WaitQueue(sleeper);
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

  /** pollwake: a subscribed queue woke; the polling task, if asleep, wakes and looks again. */
  void onWake() {
    triggered = true;
    queue.wakeAll();
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
