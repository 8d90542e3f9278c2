package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.sched.KernelStack;
import dev.popcornj.kernel.sched.SchedEntity;
import dev.popcornj.kernel.sched.Scheduler;
import dev.popcornj.kernel.signal.AltStack;
import dev.popcornj.kernel.signal.PendingSignals;
import dev.popcornj.kernel.signal.SigInfo;
import java.util.BitSet;

/**
 * One schedulable thread of a process: its id, its user registers while it is off a hart, its
 * kernel stack, its signal mask and private pending signals, the thread-id words glibc asks the
 * kernel to maintain, and where the scheduler keeps it.
 *
 * <p>Owned by one kernel instance. Scheduler fields are governed by the scheduler; the rest by
 * kernel code running for this task or, for signals, by whoever sends one.
 */
public final class Task {
  private final int tid;
  private Process process;
  private final Registers regs;
  private final SchedEntity sched;

  // --- signals
  private long blocked;
  private final PendingSignals pendingSignals = new PendingSignals();
  private long savedMaskForSuspend = -1;

  // --- the system call in progress, for restarting it after a signal
  private long syscallArg0;
  private int restartPending;

  // --- glibc's thread-id bookkeeping
  private long clearChildTid;
  private int exitCode;
  private long robustList;
  private AltStack altStack = new AltStack();

  // --- migration: the kernel this task runs on while it is away from this one (its origin)
  private int away = -1;
  private int moveTo = -1;
  private boolean kicked;

  // --- restart_syscall's block: the deadline of an interrupted relative sleep, where to write
  // the time left
  private long restartDeadlinePs;
  private long restartRemAddr;

  // --- the global CPUs sched_setaffinity allowed (null: every CPU of the system)
  private BitSet cpuSet;

  public Task(int tid, Process process, Registers regs, long affinity) {
    this.tid = tid;
    this.process = process;
    this.regs = regs;
    this.sched = new SchedEntity(this, "task " + tid, affinity, this::onRan);
  }

  /** The task whose scheduler state e is. */
  public static Task of(SchedEntity e) {
    return (Task) e.owner();
  }

  /** The task whose kernel code runs now on scheduler, or null when none does (an event runs). */
  public static Task current(Scheduler scheduler) {
    SchedEntity e = scheduler.current();
    return e == null ? null : of(e);
  }

  /** What the scheduler keeps of this task. */
  public SchedEntity sched() {
    return sched;
  }

  /** The task ran ps on a hart: its process's CPU time and CPU-time timers count it. */
  private void onRan(long ps) {
    process.addCpuTime(ps);
    var timers = process.timers();
    if (timers != null) {
      timers.onCpuTime(ps);
    }
  }

  public int tid() {
    return tid;
  }

  public Process process() {
    return process;
  }

  /** execve by a thread other than the leader makes it the leader of a process object. */
  void setProcess(Process p) {
    process = p;
  }

  public Registers regs() {
    return regs;
  }

  public KernelStack stack() {
    return sched.stack();
  }

  public void setStack(KernelStack s) {
    sched.setStack(s);
  }

  public SchedEntity.State state() {
    return sched.state();
  }

  public void setState(SchedEntity.State s) {
    sched.setState(s);
  }

  /** The CPU whose run queue holds this task, or which runs it; -1 before it was placed. */
  public int cpu() {
    return sched.cpu();
  }

  /** CPUs (bit per CPU index within this kernel) the task may run on. */
  public long affinity() {
    return sched.affinity();
  }

  public void setAffinity(long mask) {
    sched.setAffinity(mask);
  }

  /**
   * The CPUs of the whole system (global numbers) the task may run on, as sched_setaffinity last
   * set them; null while never narrowed (any CPU). {@link #affinity()} is its part on this kernel.
   * A copy: changing it changes nothing.
   */
  public BitSet cpuSet() {
    return cpuSet == null ? null : (BitSet) cpuSet.clone();
  }

  public void setCpuSet(BitSet cpus) {
    cpuSet = cpus == null ? null : (BitSet) cpus.clone();
  }

  /** Virtual time this task has spent on a hart. */
  public long cpuTimePs() {
    return sched.cpuTimePs();
  }

  /** CPU time at nowPs, counting the slice running now (what the thread's CPU clock reads). */
  public long cpuTimeAt(long nowPs) {
    return sched.cpuTimeAt(nowPs);
  }

  /** Instructions this thread retired on its kernel's harts so far. */
  public long instructionsRetired() {
    return sched.instructionsRetired();
  }

  public long blocked() {
    return blocked;
  }

  public void setBlocked(long mask) {
    blocked = mask;
  }

  /** Signals pending for this thread alone. */
  public long pending() {
    return pendingSignals.mask();
  }

  /** Drops the given signals from this thread's pending set. */
  public void discardPending(long set) {
    pendingSignals.discard(set);
  }

  /** The mask rt_sigsuspend replaced, to restore after the handler; -1 when none. */
  public long savedMaskForSuspend() {
    return savedMaskForSuspend;
  }

  public void setSavedMaskForSuspend(long mask) {
    savedMaskForSuspend = mask;
  }

  /** The code exit(2) gave, for a running copy whose home ends it (see ProcessCalls.exit). */
  public int exitCode() {
    return exitCode;
  }

  public void setExitCode(int code) {
    exitCode = code;
  }

  public long clearChildTid() {
    return clearChildTid;
  }

  public void setClearChildTid(long addr) {
    clearChildTid = addr;
  }

  public long robustList() {
    return robustList;
  }

  public void setRobustList(long head) {
    robustList = head;
  }

  /** The thread's sigaltstack. */
  public AltStack altStack() {
    return altStack;
  }

  public void setAltStack(AltStack a) {
    altStack = a;
  }

  /** Makes info pending for this thread; false when it was not added (see PendingSignals). */
  public boolean post(SigInfo info) {
    return pendingSignals.enqueue(info);
  }

  /** Withdraws info, this very object, if it is pending for this thread. */
  public boolean unqueue(SigInfo info) {
    return pendingSignals.remove(info);
  }

  /** Takes the oldest pending instance of sig (which must be pending) with its info. */
  public SigInfo takeInfo(int sig) {
    return pendingSignals.take(sig);
  }

  /** a0 as the current system call found it (a0 is overwritten by the result). */
  public long syscallArg0() {
    return syscallArg0;
  }

  public void setSyscallArg0(long a0) {
    syscallArg0 = a0;
  }

  /**
   * How the last system call asked to be restarted after a signal: 0 not, 1 ERESTARTSYS (restart
   * unless a handler without SA_RESTART runs), 2 ERESTARTNOHAND (restart only if no handler runs).
   */
  public int restartPending() {
    return restartPending;
  }

  public void setRestartPending(int how) {
    restartPending = how;
  }

  /**
   * The kernel this task runs on while it has migrated away from this one, its origin; -1 while it
   * runs here. An away task's kernel stack serves the calls its running copy sends home.
   */
  public int away() {
    return away;
  }

  public void setAway(int kernel) {
    away = kernel;
  }

  /**
   * Whether kernel code asked this task's current wait to end early (as a signal would), without a
   * signal: a file agent's worker whose caller on another kernel was signalled.
   */
  public boolean kicked() {
    return kicked;
  }

  public void setKicked(boolean on) {
    kicked = on;
  }

  /** The kernel this task is to move to at its next way out to user mode, or -1. */
  public int moveTo() {
    return moveTo;
  }

  public void setMoveTo(int kernel) {
    moveTo = kernel;
  }

  /** The deadline restart_syscall sleeps until (virtual ps), from the sleep that was cut short. */
  public long restartDeadlinePs() {
    return restartDeadlinePs;
  }

  /** Where restart_syscall writes the time left, 0 for nowhere. */
  public long restartRemAddr() {
    return restartRemAddr;
  }

  public void setRestartBlock(long deadlinePs, long remAddr) {
    restartDeadlinePs = deadlinePs;
    restartRemAddr = remAddr;
  }

  @Override
  public String toString() {
    return "task " + tid + " (" + process.comm() + ")";
  }
}
