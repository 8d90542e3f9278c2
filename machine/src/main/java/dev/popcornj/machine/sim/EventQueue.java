package dev.popcornj.machine.sim;

import java.util.PriorityQueue;

/**
 * The machine's pending events, totally ordered.
 *
 * <p>Order: by due time; events due at the same picosecond run in the order they were scheduled
 * (each gets the next value of a sequence counter when scheduled). No two events ever compare
 * equal, so the order never depends on the heap's internals. Owned by the {@link Simulation}.
 */
public final class EventQueue {
  /** Something that happens at a point of virtual time. */
  @FunctionalInterface
  public interface Action {
    void onDue(long nowPs);
  }

  /** A scheduled event; {@link #cancel()} keeps it from running. */
  public static final class Handle implements Comparable<Handle> {
    private final long time;
    private final long sequence;
    private final Action action;
    private boolean cancelled;

    private Handle(long time, long sequence, Action action) {
      this.time = time;
      this.sequence = sequence;
      this.action = action;
    }

    public long time() {
      return time;
    }

    public void cancel() {
      cancelled = true;
    }

    public boolean cancelled() {
      return cancelled;
    }

    @Override
    public int compareTo(Handle o) {
      int byTime = Long.compare(time, o.time);
      return byTime != 0 ? byTime : Long.compare(sequence, o.sequence);
    }
  }

  private final PriorityQueue<Handle> heap = new PriorityQueue<>();
  private long nextSequence;

  /** Schedules action at timePs. */
  public Handle schedule(long timePs, Action action) {
    Handle h = new Handle(timePs, nextSequence++, action);
    heap.add(h);
    return h;
  }

  /** Due time of the earliest live event, or Long.MAX_VALUE when there is none. */
  public long nextTime() {
    dropCancelled();
    Handle h = heap.peek();
    return h == null ? Long.MAX_VALUE : h.time;
  }

  public boolean isEmpty() {
    return nextTime() == Long.MAX_VALUE;
  }

  /**
   * Runs, in order, every live event due at or before nowPs, including events those actions
   * schedule within that bound. Returns how many ran.
   */
  public int runDue(long nowPs) {
    int ran = 0;
    while (nextTime() <= nowPs) {
      Handle h = heap.poll();
      h.action.onDue(h.time);
      ran++;
    }
    return ran;
  }

  private void dropCancelled() {
    while (!heap.isEmpty() && heap.peek().cancelled) {
      heap.poll();
    }
  }
}
