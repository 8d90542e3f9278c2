package dev.popcornj.kernel.sched;

import java.util.function.LongConsumer;

/**
 * The scheduler's state of one thread, embedded in the task it schedules (as Linux's sched_entity
 * is embedded in task_struct): where the thread is in its life, the CPU it is queued on, its
 * affinity, when it may run, what it sleeps on, its kernel stack and the CPU time it used. The
 * scheduler sees only this; the task that owns it stays the process layer's business.
 *
 * <p>Owned by the kernel's {@link Scheduler}; the owning task reads it.
 */
public final class SchedEntity {
  /** Where a thread is in its life, as the scheduler sees it. */
  public enum State {
    /** On a run queue or on a hart. */
    RUNNABLE,
    /** Waiting on a wait queue or a timer; a signal wakes it. */
    SLEEPING,
    /** Stopped by SIGSTOP and friends until SIGCONT. */
    STOPPED,
    /** Exited; its kernel stack has ended. */
    DEAD
  }

  private final Object owner;
  private final String name;
  private final LongConsumer onRan;
  private KernelStack stack;
  private State state = State.RUNNABLE;
  private int cpu = -1;
  private long affinity;
  private long readyAtPs;
  private WaitQueue sleepingOn;
  private long runStartPs;
  private long cpuTimePs;
  private long onCpuSincePs = -1;
  private long retired;

  /**
   * @param owner the thread this entity schedules, handed back by {@link #owner()}
   * @param name how messages name the thread
   * @param onRan told of every stretch of virtual time the thread ran on a hart (its process's
   *     accounting and CPU-time timers)
   */
  public SchedEntity(Object owner, String name, long affinity, LongConsumer onRan) {
    this.owner = owner;
    this.name = name;
    this.affinity = affinity;
    this.onRan = onRan;
  }

  /** The thread this entity schedules (what Linux reaches with container_of). */
  public Object owner() {
    return owner;
  }

  public KernelStack stack() {
    return stack;
  }

  public void setStack(KernelStack s) {
    stack = s;
  }

  public State state() {
    return state;
  }

  public void setState(State s) {
    state = s;
  }

  /** The CPU whose run queue holds this thread, or which runs it; -1 before it was placed. */
  public int cpu() {
    return cpu;
  }

  public void setCpu(int c) {
    cpu = c;
  }

  /** CPUs (bit per CPU index within this kernel) the thread may run on. */
  public long affinity() {
    return affinity;
  }

  public void setAffinity(long mask) {
    affinity = mask;
  }

  /** The virtual time from which the thread may run (when it was woken or created). */
  public long readyAtPs() {
    return readyAtPs;
  }

  void setReadyAtPs(long ps) {
    readyAtPs = ps;
  }

  WaitQueue sleepingOn() {
    return sleepingOn;
  }

  void setSleepingOn(WaitQueue q) {
    sleepingOn = q;
  }

  long runStartPs() {
    return runStartPs;
  }

  void setRunStartPs(long ps) {
    runStartPs = ps;
  }

  /** Virtual time this thread has spent on a hart. */
  public long cpuTimePs() {
    return cpuTimePs;
  }

  /**
   * CPU time the thread used where the scheduler did not see it (on another kernel, for a thread
   * that migrated), so that its CPU clock goes on from there.
   */
  public void addCpuTime(long ps) {
    cpuTimePs += Math.max(0, ps);
  }

  /** The thread ran for ps on a hart (from onCpuSince until now). */
  void ran(long ps) {
    onCpuSincePs = -1;
    long charged = Math.max(0, ps);
    cpuTimePs += charged;
    onRan.accept(charged);
  }

  /** Counts instructions the thread's harts retired for it. */
  void retired(long instructions) {
    retired += Math.max(0, instructions);
  }

  /**
   * Instructions retired for the thread so far (in user mode: kernel work runs in Java), up to the
   * end of its last stretch on a hart.
   */
  public long instructionsRetired() {
    return retired;
  }

  void setOnCpuSince(long ps) {
    onCpuSincePs = ps;
  }

  /** CPU time at nowPs, counting the slice running now (what the thread's CPU clock reads). */
  public long cpuTimeAt(long nowPs) {
    return cpuTimePs + (onCpuSincePs >= 0 ? Math.max(0, nowPs - onCpuSincePs) : 0);
  }

  @Override
  public String toString() {
    return name;
  }
}
