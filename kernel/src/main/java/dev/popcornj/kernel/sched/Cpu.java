package dev.popcornj.kernel.sched;

import dev.popcornj.machine.hart.AddressTranslator;
import dev.popcornj.machine.hart.Hart;
import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.sim.HartDriver;
import java.util.ArrayDeque;

/**
 * One CPU of a kernel: a hart, its run queue and the task on it. The simulation drives it slice by
 * slice; within a slice it hands the baton to its current task, and when that task's slice is used
 * up (and another task waits), it blocks, or it exits, it picks the next one, charging a context
 * switch when the task changes.
 *
 * <pre>
 *   Simulation ──runSlice(limit)──▶ Cpu ──resume()──▶ task's KernelStack ──hart.run()──▶ user code
 *                                    ◀──Yield────────
 * </pre>
 *
 * <p>Owned by its kernel's {@link Scheduler}; run by the simulation thread.
 */
public final class Cpu implements HartDriver {
  private final int index;
  private final Hart hart;
  private final Scheduler scheduler;
  final ArrayDeque<SchedEntity> queue = new ArrayDeque<>();
  private SchedEntity current;
  private SchedEntity last;
  private long limitPs;
  // Where the current task's turn on the hart began: its time and instructions retired then.
  private long sliceStartPs;
  private long sliceStartInstret;
  private AddressTranslator boundSpace;
  private long contextSwitches;
  private long busyPs;
  private boolean online = true;
  private Runnable waker = () -> {};

  Cpu(int index, Hart hart, Scheduler scheduler) {
    this.index = index;
    this.hart = hart;
    this.scheduler = scheduler;
  }

  /** This CPU's index within its kernel (bit index in affinity masks). */
  public int index() {
    return index;
  }

  public Hart hart() {
    return hart;
  }

  /** False until the kernel brought this CPU up: no task is placed on an offline CPU. */
  public boolean online() {
    return online;
  }

  public void setOnline(boolean on) {
    online = on;
    if (on) {
      scheduler.wakeCpus();
    }
  }

  /** The end of the slice the simulation gave this CPU: user code runs up to it. */
  public long limitPs() {
    return limitPs;
  }

  public SchedEntity current() {
    return current;
  }

  public int queued() {
    return queue.size();
  }

  public long contextSwitches() {
    return contextSwitches;
  }

  /** Virtual time this CPU spent running tasks (user code and their kernel work). */
  public long busyPs() {
    return busyPs;
  }

  /**
   * Points the hart at space unless it already translates through it (a change flushes its TLB).
   */
  public void bind(AddressTranslator space, MemoryView view) {
    if (space != boundSpace) {
      hart.bind(space, view);
      boundSpace = space;
    }
  }

  /** Forgets the bound space, so the next bind flushes (the space was replaced or changed). */
  public void unbind(AddressTranslator space) {
    if (space == boundSpace) {
      boundSpace = null;
      hart.flushTlb();
    }
  }

  /** Flushes the hart's TLB if it translates through space (a TLB shootdown). */
  public void flushIfBound(AddressTranslator space) {
    if (space == boundSpace) {
      hart.flushTlb();
    }
  }

  /**
   * True when the current task must hand the CPU back: its slice or the instruction limit ran out.
   */
  public boolean sliceOver() {
    return hart.timePs() >= limitPs || scheduler.instructionsLeft() <= 0;
  }

  /** Instructions the current task may run before this CPU's slice ends (at least one). */
  public long instructionBudget() {
    long left = limitPs - hart.timePs();
    if (left <= 0) {
      return 1;
    }
    double cycles = (double) left * hart.clockHz() / 1e12;
    long budget = cycles >= 1L << 40 ? 1L << 40 : (long) cycles + 1;
    return Math.max(1, Math.min(budget, scheduler.instructionsLeft()));
  }

  /**
   * Takes the simulation's waker: this CPU is then parked while idle. The scheduler wakes all its
   * CPUs when a task is queued, when a CPU comes up and after any of them ran a slice (whose kernel
   * code may have changed what the others could steal), which covers every way an idle CPU can get
   * work.
   */
  @Override
  public boolean acceptWaker(Runnable wake) {
    waker = wake;
    return true;
  }

  void wake() {
    waker.run();
  }

  @Override
  public void runSlice(long limit) {
    try {
      runTasks(limit);
    } finally {
      scheduler.wakeCpus();
    }
  }

  private void runTasks(long limit) {
    limitPs = limit;
    long now = scheduler.simNow();
    if (hart.timePs() < now) {
      hart.advanceTimePs(now - hart.timePs());
    }
    while (hart.timePs() < limitPs && scheduler.instructionsLeft() > 0 && !scheduler.halted()) {
      if (current == null) {
        SchedEntity next = scheduler.pickNext(this);
        if (next == null) {
          return;
        }
        if (next.readyAtPs() > hart.timePs()) {
          hart.advanceTimePs(next.readyAtPs() - hart.timePs());
        }
        if (next != last) {
          contextSwitches++;
          hart.clearReservation();
          if (last != null) {
            hart.advanceTimePs(scheduler.contextSwitchPs());
          }
        }
        current = next;
        last = next;
        next.setCpu(index);
        next.setRunStartPs(hart.timePs());
      }
      SchedEntity running = current;
      startTurn(running);
      KernelStack.Yield why = scheduler.resume(running);
      endTurn(running);
      switch (why) {
        case SLICE_END -> {
          if (!queue.isEmpty() && hart.timePs() - running.runStartPs() >= scheduler.timeslicePs()) {
            queue.addLast(running);
            current = null;
          }
        }
        case BLOCKED, EXITED -> current = null;
        case FAILED -> {
          current = null;
          scheduler.onKernelFailure(running, running.stack().failure());
          return;
        }
      }
    }
  }

  private void startTurn(SchedEntity running) {
    sliceStartPs = hart.timePs();
    sliceStartInstret = hart.instret();
    running.setOnCpuSince(sliceStartPs);
  }

  private void endTurn(SchedEntity running) {
    running.retired(hart.instret() - sliceStartInstret);
    running.ran(hart.timePs() - sliceStartPs);
    busyPs += hart.timePs() - sliceStartPs;
  }

  /**
   * Called by the current task when its slice is over, before it hands the CPU back: true when it
   * may go on at once, into the simulation's next round, because that round would run this CPU
   * alone with the same task (see {@link dev.popcornj.machine.sim.Simulation#continueAlone}). Does
   * what handing back and being run again would do between: the turn's accounting, the wake of this
   * kernel's CPUs that ends every slice ({@link #runSlice}), the next slice's limit. False when
   * anything else is to happen first, the task then hands the CPU back as usual.
   */
  public boolean continueSlice() {
    SchedEntity running = current;
    if (running == null
        || !queue.isEmpty()
        || scheduler.halted()
        || scheduler.instructionsLeft() <= 0
        || hart.timePs() < limitPs) {
      return false;
    }
    scheduler.wakeCpus();
    long next = scheduler.continueAlone();
    if (next < 0) {
      return false;
    }
    endTurn(running);
    limitPs = next;
    startTurn(running);
    return true;
  }

  @Override
  public boolean idle() {
    return scheduler.halted() || current == null && queue.isEmpty() && !scheduler.canSteal(this);
  }

  @Override
  public long instructionsRetired() {
    return hart.instret();
  }

  @Override
  public String toString() {
    return "cpu" + index + " (hart " + hart.id() + ")";
  }
}
