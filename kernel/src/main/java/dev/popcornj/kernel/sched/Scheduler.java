package dev.popcornj.kernel.sched;

import dev.popcornj.machine.hart.Hart;
import dev.popcornj.machine.sim.EventQueue;
import dev.popcornj.machine.sim.EventTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The scheduler of one kernel instance: a run queue per CPU, placement of new and woken tasks, work
 * stealing by idle CPUs, preemption at the end of a timeslice in virtual time, sleeping on wait
 * queues and timers, and the baton between the CPU loops and the tasks' kernel stacks.
 *
 * <p>Placement: a woken task goes back to the CPU it last ran on when that CPU is idle, else to the
 * first idle CPU it may use, else to the allowed CPU with the shortest queue (lowest index on a
 * tie). An idle CPU steals the oldest waiting task it may run from the longest queue.
 *
 * <p>Time: a task becomes ready at the virtual time of whoever woke it (the waker's hart, or the
 * timer's expiry); a CPU never runs it before that time.
 *
 * <p>Owned by one kernel instance and used on the simulation thread or the task thread holding the
 * baton, never both at once.
 */
public final class Scheduler implements Sleeper {
  /** The outcome of a wait. */
  public enum WaitResult {
    READY,
    INTERRUPTED,
    TIMED_OUT
  }

  /** No deadline for {@link #waitOn}. */
  public static final long FOREVER = Long.MAX_VALUE;

  private final EventTime sim;
  private final List<Cpu> cpus = new ArrayList<>();
  private final long timeslicePs;
  private final long contextSwitchPs;
  private Predicate<SchedEntity> mustWake = t -> false;
  private BiConsumer<SchedEntity, Throwable> onFailure = (t, e) -> {};
  private SchedEntity running;
  private long instructionLimit = Long.MAX_VALUE;
  private boolean halted;

  public Scheduler(EventTime sim, List<Hart> harts, long timeslicePs, long contextSwitchPs) {
    this.sim = sim;
    this.timeslicePs = timeslicePs;
    this.contextSwitchPs = contextSwitchPs;
    for (Hart h : harts) {
      cpus.add(new Cpu(cpus.size(), h, this));
    }
  }

  /**
   * What makes a sleeping task return from its wait early (a signal to handle, a group exit), and
   * what to do when kernel code fails on a task's stack.
   */
  public void setHooks(
      Predicate<SchedEntity> interrupting, BiConsumer<SchedEntity, Throwable> failure) {
    this.mustWake = interrupting;
    this.onFailure = failure;
  }

  public List<Cpu> cpus() {
    return List.copyOf(cpus);
  }

  public Cpu cpu(int index) {
    return cpus.get(index);
  }

  /** Bits of every CPU of this kernel, as an affinity mask. */
  public long allCpusMask() {
    return cpus.size() >= 64 ? -1L : (1L << cpus.size()) - 1;
  }

  /** Stops this kernel's CPUs for good (a panic): nothing of it runs again. */
  public void halt() {
    halted = true;
  }

  public boolean halted() {
    return halted;
  }

  /** Stops every CPU once the harts together have retired limit instructions. */
  public void setInstructionLimit(long limit) {
    instructionLimit = limit;
  }

  /** Instructions all CPUs may still retire before the limit. */
  long instructionsLeft() {
    if (instructionLimit == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    long sum = 0;
    for (Cpu c : cpus) {
      sum += c.hart().instret();
    }
    return Math.max(0, instructionLimit - sum);
  }

  long timeslicePs() {
    return timeslicePs;
  }

  /** How long a task runs before another on its CPU gets a turn. */
  public long timeslice() {
    return timeslicePs;
  }

  long contextSwitchPs() {
    return contextSwitchPs;
  }

  long simNow() {
    return sim.now();
  }

  /** The boundary of the next round when the CPU being run may go on into it alone, else -1. */
  long continueAlone() {
    return sim.continueAlone();
  }

  /** The task whose kernel code runs now, or null when the simulation thread runs (events). */
  public SchedEntity current() {
    return running;
  }

  /** The CPU the current task runs on. */
  public Cpu currentCpu() {
    return cpus.get(running.cpu());
  }

  /** Virtual time as kernel code sees it: its hart's clock, or the simulation's between slices. */
  public long now() {
    if (running != null) {
      return cpus.get(running.cpu()).hart().timePs();
    }
    return sim.now();
  }

  KernelStack.Yield resume(SchedEntity t) {
    running = t;
    try {
      return t.stack().resume();
    } finally {
      running = null;
    }
  }

  void onKernelFailure(SchedEntity t, Throwable e) {
    onFailure.accept(t, e);
  }

  // --- placement

  /** Makes a new task runnable from time atPs on. */
  public void admit(SchedEntity t, long atPs) {
    t.setState(SchedEntity.State.RUNNABLE);
    t.setReadyAtPs(atPs);
    enqueue(t);
  }

  private void enqueue(SchedEntity t) {
    Cpu target = null;
    if (t.cpu() >= 0 && allowed(t, t.cpu()) && isFree(cpus.get(t.cpu()))) {
      target = cpus.get(t.cpu());
    }
    if (target == null) {
      for (Cpu c : cpus) {
        if (allowed(t, c.index()) && isFree(c)) {
          target = c;
          break;
        }
      }
    }
    if (target == null) {
      for (Cpu c : cpus) {
        if (allowed(t, c.index()) && (target == null || load(c) < load(target))) {
          target = c;
        }
      }
    }
    if (target == null) {
      // No allowed CPU is up yet (its affinity names only CPUs still being brought up).
      target = cpus.get(0);
    }
    t.setCpu(target.index());
    target.queue.addLast(t);
    wakeCpus();
  }

  /** Tells the simulation that this kernel's CPUs may have work (see {@link Cpu#acceptWaker}). */
  void wakeCpus() {
    for (Cpu c : cpus) {
      c.wake();
    }
  }

  private boolean allowed(SchedEntity t, int cpu) {
    return cpus.get(cpu).online() && (cpu >= 64 || (t.affinity() & (1L << cpu)) != 0);
  }

  private boolean isFree(Cpu c) {
    return c.current() == null && c.queue.isEmpty();
  }

  private static int load(Cpu c) {
    return c.queue.size() + (c.current() != null ? 1 : 0);
  }

  SchedEntity pickNext(Cpu cpu) {
    SchedEntity t = cpu.queue.pollFirst();
    if (t != null) {
      return t;
    }
    Cpu victim = stealVictim(cpu);
    if (victim == null) {
      return null;
    }
    for (var it = victim.queue.iterator(); it.hasNext(); ) {
      SchedEntity candidate = it.next();
      if (allowed(candidate, cpu.index())) {
        it.remove();
        return candidate;
      }
    }
    return null;
  }

  boolean canSteal(Cpu cpu) {
    return stealVictim(cpu) != null;
  }

  private Cpu stealVictim(Cpu thief) {
    Cpu best = null;
    for (Cpu c : cpus) {
      if (c == thief || c.queue.isEmpty()) {
        continue;
      }
      // A queue whose CPU is idle will run its own task; steal only what would otherwise wait.
      if (c.current() == null && c.queue.size() < 2) {
        continue;
      }
      boolean any = false;
      for (SchedEntity t : c.queue) {
        if (allowed(t, thief.index())) {
          any = true;
          break;
        }
      }
      if (any && (best == null || c.queue.size() > best.queue.size())) {
        best = c;
      }
    }
    return best;
  }

  /** Moves the current task to the back of its CPU's queue and lets others run (sched_yield). */
  public void yieldCurrent() {
    SchedEntity t = running;
    Cpu cpu = cpus.get(t.cpu());
    if (cpu.queue.isEmpty() && !canSteal(cpu)) {
      return;
    }
    t.setReadyAtPs(now());
    enqueue(t);
    t.stack().yieldToCpu(KernelStack.Yield.BLOCKED);
  }

  /** A task that changed its affinity so it may no longer run here moves at its next switch. */
  public void migrateIfDisallowed() {
    SchedEntity t = running;
    if (!allowed(t, t.cpu())) {
      t.setReadyAtPs(now());
      t.setCpu(-1);
      enqueue(t);
      t.stack().yieldToCpu(KernelStack.Yield.BLOCKED);
    }
  }

  // --- sleeping and waking

  @Override
  public boolean sleep(WaitQueue queue, BooleanSupplier ready) {
    return waitOn(queue, ready, FOREVER) == WaitResult.READY;
  }

  @Override
  public int sleepUntil(WaitQueue queue, BooleanSupplier ready, long deadlinePs) {
    return switch (waitOn(queue, ready, deadlinePs)) {
      case READY -> 1;
      case TIMED_OUT -> 0;
      case INTERRUPTED -> -1;
    };
  }

  /**
   * Puts the current task to sleep on queue (which may be null for a pure timeout) until ready
   * holds, a signal or group exit interrupts, or virtual time reaches deadlinePs.
   */
  public WaitResult waitOn(WaitQueue queue, BooleanSupplier ready, long deadlinePs) {
    SchedEntity t = running;
    if (t == null) {
      throw new IllegalStateException("sleeping outside a task");
    }
    while (true) {
      if (ready.getAsBoolean()) {
        return WaitResult.READY;
      }
      if (mustWake.test(t)) {
        return WaitResult.INTERRUPTED;
      }
      if (deadlinePs != FOREVER && now() >= deadlinePs) {
        return WaitResult.TIMED_OUT;
      }
      EventQueue.Handle timer = null;
      if (deadlinePs != FOREVER) {
        timer = sim.events().schedule(deadlinePs, at -> wake(t, deadlinePs));
      }
      t.setState(SchedEntity.State.SLEEPING);
      t.setSleepingOn(queue);
      if (queue != null) {
        queue.sleepers.add(t);
      }
      t.stack().yieldToCpu(KernelStack.Yield.BLOCKED);
      if (timer != null) {
        timer.cancel();
      }
    }
  }

  /**
   * Puts the current task to sleep on queue until ready holds, whatever signals come: Linux's
   * TASK_UNINTERRUPTIBLE, for waits that must finish (a page coming from another kernel, a
   * migration's handshake). ready must become true in the end (a reply, or its peer going down).
   */
  public void waitUninterruptible(WaitQueue queue, BooleanSupplier ready) {
    SchedEntity t = running;
    if (t == null) {
      throw new IllegalStateException("sleeping outside a task");
    }
    while (!ready.getAsBoolean()) {
      t.setState(SchedEntity.State.SLEEPING);
      t.setSleepingOn(queue);
      queue.sleepers.add(t);
      t.stack().yieldToCpu(KernelStack.Yield.BLOCKED);
    }
  }

  /**
   * Sleeps until virtual time reaches deadlinePs, whatever signals come: a pause that must pass
   * (asking again for a page on its way). An interruptible wait returns at once for a task with a
   * fatal signal pending, and a task that loops on such a pause would then hold its CPU at one
   * instant of virtual time for ever.
   */
  public void sleepUninterruptibleUntil(long deadlinePs) {
    SchedEntity t = running;
    if (t == null) {
      throw new IllegalStateException("sleeping outside a task");
    }
    while (now() < deadlinePs) {
      EventQueue.Handle timer = sim.events().schedule(deadlinePs, at -> wake(t, deadlinePs));
      t.setState(SchedEntity.State.SLEEPING);
      t.setSleepingOn(null);
      t.stack().yieldToCpu(KernelStack.Yield.BLOCKED);
      timer.cancel();
    }
  }

  @Override
  public void wakeAll(WaitQueue queue) {
    if (queue.sleepers.isEmpty()) {
      return;
    }
    List<Object> sleepers = new ArrayList<>(queue.sleepers);
    long at = now();
    for (Object o : sleepers) {
      wake((SchedEntity) o, at);
    }
  }

  /** Wakes t if it sleeps, from virtual time atPs; it rechecks what it waits for. */
  public void wake(SchedEntity t, long atPs) {
    if (t.state() != SchedEntity.State.SLEEPING) {
      return;
    }
    WaitQueue q = t.sleepingOn();
    if (q != null) {
      q.sleepers.remove(t);
    }
    t.setSleepingOn(null);
    t.setState(SchedEntity.State.RUNNABLE);
    t.setReadyAtPs(Math.max(atPs, t.readyAtPs()));
    enqueue(t);
  }

  /** A stopped task continues (SIGCONT). */
  public void resumeStopped(SchedEntity t, long atPs) {
    if (t.state() == SchedEntity.State.STOPPED) {
      t.setState(SchedEntity.State.SLEEPING);
      wake(t, atPs);
    }
  }

  /**
   * Stops the current task (SIGSTOP and friends) until {@link #resumeStopped}; returns when it
   * continues.
   */
  public void stopCurrent() {
    SchedEntity t = running;
    t.setState(SchedEntity.State.STOPPED);
    t.stack().yieldToCpu(KernelStack.Yield.BLOCKED);
  }

  /** Tasks on run queues or on harts, for the invariant checks. */
  public List<SchedEntity> runnable() {
    List<SchedEntity> all = new ArrayList<>();
    for (Cpu c : cpus) {
      if (c.current() != null) {
        all.add(c.current());
      }
      all.addAll(c.queue);
    }
    return all;
  }

  /**
   * Checks the run queues: every queued task is runnable, allowed on its CPU, and queued once.
   *
   * @throws IllegalStateException naming the broken rule
   */
  public void checkInvariants() {
    java.util.Set<SchedEntity> seen =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Cpu c : cpus) {
      for (SchedEntity t : c.queue) {
        if (t.state() != SchedEntity.State.RUNNABLE) {
          throw new IllegalStateException(t + " queued on " + c + " but " + t.state());
        }
        if (!seen.add(t)) {
          throw new IllegalStateException(t + " queued twice");
        }
        if (!allowed(t, c.index())) {
          throw new IllegalStateException(t + " queued on " + c + " outside its affinity");
        }
      }
    }
  }
}
