package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.sched.SchedEntity;
import dev.popcornj.kernel.sched.Scheduler;
import dev.popcornj.kernel.signal.PendingSignals;
import dev.popcornj.kernel.signal.SigAction;
import dev.popcornj.kernel.signal.SigInfo;
import dev.popcornj.kernel.time.ProcessTimers;

/**
 * Sending signals and acting on them: kill, tkill and tgkill, the signals of faults and of a
 * child's end, and, on a task's way back to user mode, picking the next deliverable signal and
 * doing what its disposition says (ignore, terminate, stop, continue, or run the handler).
 *
 * <p>Order of delivery: synchronous fault signals (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE,
 * SIGSYS) first, then the lowest signal number; a thread's own pending signals before the process's
 * shared ones.
 *
 * <p>Owned by one kernel instance.
 */
public final class Signalling {
  public static final int SI_KERNEL = 0x80;

  private static final long STOP_SIGNALS =
      Signals.bit(Signals.SIGSTOP) | Signals.bit(20) | Signals.bit(21) | Signals.bit(22);

  private final Scheduler scheduler;
  private final boolean shieldInit;
  private Process init;
  private java.util.function.ObjIntConsumer<Process> remoteParentReports = (p, sig) -> {};

  /**
   * @param shieldInit whether this kernel's init gets only the signals it has handlers for (false
   *     for the program of {@code popcorn run}, which stands in for a process under qemu-riscv64)
   */
  public Signalling(Scheduler scheduler, boolean shieldInit) {
    this.scheduler = scheduler;
    this.shieldInit = shieldInit;
  }

  /** The kernel's first process was created: it is init. */
  void setInit(Process p) {
    init = p;
  }

  /**
   * exit_group or a fatal signal: every thread of t's process ends; waitStatus as wait4 shows it.
   */
  public void exitGroup(Task t, int waitStatus) {
    Process p = t.process();
    p.beginExit(waitStatus);
    for (Task other : p.threads()) {
      if (other != t) {
        killThread(other);
      }
    }
  }

  /** Whether a sleeping task must return from its wait: a signal to act on, or its end. */
  public boolean mustInterrupt(Task t) {
    Process p = t.process();
    if (p.exiting()
        || (t.pending() & Signals.bit(Signals.SIGKILL)) != 0
        || t.moveTo() >= 0
        || t.kicked()) {
      return true;
    }
    return ((t.pending() | p.sharedPending()) & ~t.blocked()) != 0;
  }

  /**
   * Process p stopped by signal sig (a stop signal acted on, here or, for a task away from home,
   * where it runs): its parent hears of it (SIGCHLD with CLD_STOPPED unless SA_NOCLDSTOP) and its
   * waits for children are woken.
   */
  /**
   * Stopped process p was continued: its parent hears of it (SIGCHLD with CLD_CONTINUED unless
   * SA_NOCLDSTOP) and its waits for children are woken.
   */
  public void reportContinued(Process p) {
    p.setStopped(false);
    p.setContinuedUnreported(true);
    p.setStopSignalUnreported(0);
    Process parent = p.parent();
    if (parent == null && p.remoteParent() != 0) {
      remoteParentReports.accept(p, Signals.SIGCONT);
    }
    if (parent != null && !parent.actions().get(Signals.SIGCHLD).has(Signals.SA_NOCLDSTOP)) {
      sendChildSignal(parent, p, Signals.SIGCHLD, 0xffff);
    }
    if (parent != null) {
      parent.childEvents().wakeAll();
    }
  }

  /**
   * How a process whose parent lives on another kernel ({@link Process#remoteParent}) tells it that
   * it stopped (by sig) or continued (SIGCONT).
   */
  public void setRemoteParentReports(java.util.function.ObjIntConsumer<Process> reports) {
    remoteParentReports = reports;
  }

  public void reportStopped(Process p, int sig) {
    p.setStopped(true);
    p.setStopSignalUnreported(sig);
    p.setContinuedUnreported(false);
    Process parent = p.parent();
    if (parent == null && p.remoteParent() != 0) {
      remoteParentReports.accept(p, sig); // its parent is on another kernel
    }
    if (parent != null) {
      if (!parent.actions().get(Signals.SIGCHLD).has(Signals.SA_NOCLDSTOP)) {
        sendChildSignal(parent, p, Signals.SIGCHLD, (sig << 8) | 0x7f);
      }
      parent.childEvents().wakeAll();
    }
  }

  /** True when sig would be thrown away on arrival: ignored explicitly or by default. */
  private static boolean ignored(Process p, int sig) {
    long handler = p.actions().get(sig).handler();
    if (handler == Signals.SIG_IGN) {
      return sig != Signals.SIGKILL && sig != Signals.SIGSTOP;
    }
    return handler == Signals.SIG_DFL && (Signals.ignoredByDefault(sig) || sig == Signals.SIGCONT);
  }

  /**
   * A signal to a whole process (kill). info holds si_code, si_pid, si_uid, si_addr/si_status.
   * Returns true when info was put in the process's pending set (not ignored, not coalesced with a
   * standard signal already pending, not SIGKILL acted on at once).
   */
  public boolean sendToProcess(Process p, int sig, SigInfo info) {
    if (sig == 0 || p.zombie() || p.exiting()) {
      return false;
    }
    if (!prepare(p, sig)) {
      return false;
    }
    if (sig == Signals.SIGKILL) {
      Task any = firstLive(p);
      if (any != null) {
        exitGroup(any, Signals.SIGKILL);
        for (Task t : p.threads()) {
          wakeForSignal(t);
        }
      }
      return false;
    }
    boolean queued = p.postShared(info);
    // Wake one thread that can take it; the others find it on their way to user mode.
    for (Task t : p.threads()) {
      if (t.state() != SchedEntity.State.DEAD && !blocks(t, sig)) {
        wakeForSignal(t);
        break;
      }
    }
    return queued;
  }

  /** A signal to one thread (tkill, tgkill, a fault); returns as {@link #sendToProcess} does. */
  public boolean sendToThread(Task t, int sig, SigInfo info) {
    Process p = t.process();
    if (sig == 0 || t.state() == SchedEntity.State.DEAD || p.exiting()) {
      return false;
    }
    if (!prepare(p, sig)) {
      return false;
    }
    if (sig == Signals.SIGKILL) {
      exitGroup(t, Signals.SIGKILL);
      for (Task o : p.threads()) {
        wakeForSignal(o);
      }
      return false;
    }
    boolean queued = t.post(info);
    if (!blocks(t, sig)) {
      wakeForSignal(t);
    }
    return queued;
  }

  /** Withdraws info, this very object, from the pending sets of p and its threads. */
  public void unqueue(Process p, SigInfo info) {
    if (!p.unqueueShared(info)) {
      for (Task t : p.threads()) {
        if (t.unqueue(info)) {
          return;
        }
      }
    }
  }

  /**
   * A fault signal the task cannot escape: blocked or ignored, it still terminates the process, as
   * Linux's force_sig does by resetting the disposition.
   */
  public void force(Task t, int sig, SigInfo info) {
    Process p = t.process();
    SigAction a = p.actions().get(sig);
    if (a.isIgnore() || (t.blocked() & Signals.bit(sig)) != 0) {
      p.actions().set(sig, new SigAction(Signals.SIG_DFL, a.flags(), a.mask()));
      t.setBlocked(t.blocked() & ~Signals.bit(sig));
    }
    t.post(info);
  }

  /** Ends one thread without ending its process (execve's de-threading). */
  public void killThread(Task t) {
    if (t.state() == SchedEntity.State.DEAD) {
      return;
    }
    t.post(SigInfo.kernel(Signals.SIGKILL));
    wakeForSignal(t);
  }

  /** The parent hears that child exited, was killed, stopped or continued. */
  public void sendChildSignal(Process parent, Process child, int sig, int waitStatus) {
    int code;
    int status;
    if ((waitStatus & 0xff) == 0x7f) {
      code = SigInfo.CLD_STOPPED;
      status = (waitStatus >> 8) & 0xff;
    } else if (waitStatus == 0xffff) {
      code = SigInfo.CLD_CONTINUED;
      status = Signals.SIGCONT;
    } else if ((waitStatus & 0x7f) == 0) {
      code = SigInfo.CLD_EXITED;
      status = (waitStatus >> 8) & 0xff;
    } else {
      code = (waitStatus & 0x80) != 0 ? SigInfo.CLD_DUMPED : SigInfo.CLD_KILLED;
      status = waitStatus & 0x7f;
    }
    sendToProcess(parent, sig, SigInfo.child(code, child.pid(), 0, status, 0, 0));
  }

  /**
   * Side effects of a signal arriving at p: SIGCONT resumes a stopped process and cancels pending
   * stops; a stop signal cancels a pending SIGCONT. Returns false when the signal is dropped.
   */
  private boolean prepare(Process p, int sig) {
    if (sig == Signals.SIGCONT) {
      p.discardShared(STOP_SIGNALS);
      for (Task t : p.threads()) {
        t.discardPending(STOP_SIGNALS);
      }
      if (p.stopped()) {
        for (Task t : p.threads()) {
          scheduler.resumeStopped(t.sched(), scheduler.now());
        }
        reportContinued(p);
      }
    } else if ((STOP_SIGNALS & Signals.bit(sig)) != 0) {
      p.discardShared(Signals.bit(Signals.SIGCONT));
    }
    // Linux's sig_task_ignored for the global init: SIGKILL and SIGSTOP never reach it, nor does a
    // signal whose action is the default.
    if (shieldedInit(p) && p.actions().get(sig).handler() == Signals.SIG_DFL) {
      return false;
    }
    if (sig == Signals.SIGKILL) {
      for (Task t : p.threads()) {
        scheduler.resumeStopped(t.sched(), scheduler.now());
      }
      return true;
    }
    // An ignored signal is dropped at once, unless blocked (the mask may change before delivery),
    // or unless a thread runs away from home: it goes there, where SIGCONT also continues it.
    if (ignored(p, sig) && !anyAway(p)) {
      boolean blockedEverywhere = true;
      for (Task t : p.threads()) {
        blockedEverywhere &= (t.blocked() & Signals.bit(sig)) != 0;
      }
      return blockedEverywhere && !p.threads().isEmpty();
    }
    return true;
  }

  /**
   * Whether p is this kernel's init, which gets only the signals it has handlers for (Linux's
   * SIGNAL_UNKILLABLE), so that a stray ^\ or kill cannot panic a kernel. Not the program of {@code
   * popcorn run} (boot parameter popcorn_run): it is init there only to stand in for a process
   * under qemu-riscv64, which is not init and dies of such signals.
   */
  private boolean shieldedInit(Process p) {
    return shieldInit && p == init;
  }

  /** Wakes t from an interruptible sleep so it goes out towards user mode (a pending move). */
  public void interrupt(Task t) {
    wakeForSignal(t);
  }

  private void wakeForSignal(Task t) {
    if (t.state() == SchedEntity.State.SLEEPING) {
      scheduler.wake(t.sched(), scheduler.now());
    } else if (t.state() == SchedEntity.State.STOPPED
        && (t.pending() & Signals.bit(Signals.SIGKILL)) != 0) {
      scheduler.resumeStopped(t.sched(), scheduler.now());
    }
  }

  /**
   * Whether t blocks sig now. A task away from home (its stack here serves the running copy) may
   * have changed its mask where it runs: the copy decides, so its stack here always takes the
   * signal to send it on.
   */
  private static boolean blocks(Task t, int sig) {
    return t.away() < 0 && (t.blocked() & Signals.bit(sig)) != 0;
  }

  private static boolean anyAway(Process p) {
    for (Task t : p.threads()) {
      if (t.away() >= 0) {
        return true;
      }
    }
    return false;
  }

  private static Task firstLive(Process p) {
    for (Task t : p.threads()) {
      if (t.state() != SchedEntity.State.DEAD) {
        return t;
      }
    }
    return null;
  }

  private static int pick(long set) {
    long sync = set & PendingSignals.SYNCHRONOUS;
    long from = sync != 0 ? sync : set;
    return Long.numberOfTrailingZeros(from) + 1;
  }

  /**
   * For the way back to user mode: consumes pending signals whose action is to ignore them, and
   * returns (consumed) the next one whose action the kernel does itself (stop, terminate); null
   * when none is left or the next one has a handler.
   */
  public Delivery peekKernelAction(Task t) {
    Process p = t.process();
    while (true) {
      long set = (t.pending() | p.sharedPending()) & ~t.blocked();
      if (set == 0) {
        return null;
      }
      int sig = pick(set);
      long handler = p.actions().get(sig).handler();
      if (handler == Signals.SIG_IGN) {
        dequeueSignal(t, sig);
        continue;
      }
      if (handler != Signals.SIG_DFL) {
        return null;
      }
      Delivery d = dequeueSignal(t, sig);
      if (Signals.ignoredByDefault(sig) || sig == Signals.SIGCONT) {
        continue;
      }
      // Sent while init had a handler, reset to the default since: get_signal drops it too. A
      // fault's signal is forced (Linux's force_sig clears SIGNAL_UNKILLABLE) and ends init.
      if (shieldedInit(p) && (PendingSignals.SYNCHRONOUS & Signals.bit(sig)) == 0) {
        continue;
      }
      return d;
    }
  }

  /** The next deliverable signal number of t, or 0. */
  public int nextDeliverable(Task t) {
    long set = (t.pending() | t.process().sharedPending()) & ~t.blocked();
    return set == 0 ? 0 : pick(set);
  }

  /**
   * Takes sig off t's pending sets (its own first) with its info; a timer's signal tells its timer
   * (which fills in the overruns).
   */
  public Delivery dequeueSignal(Task t, int sig) {
    long bit = Signals.bit(sig);
    SigInfo info = (t.pending() & bit) != 0 ? t.takeInfo(sig) : t.process().takeSharedInfo(sig);
    ProcessTimers timers = t.process().timers();
    return new Delivery(sig, timers == null ? info : timers.onDequeued(info));
  }

  /**
   * Takes the next signal of set, blocked or not (sigtimedwait's dequeue): the thread's own pending
   * signals first, then the process's; null when none of set is pending.
   */
  public Delivery dequeueFrom(Task t, long set) {
    long own = t.pending() & set;
    if (own != 0) {
      return dequeueSignal(t, pick(own));
    }
    long shared = t.process().sharedPending() & set;
    return shared == 0 ? null : dequeueSignal(t, pick(shared));
  }

  /** A dequeued signal. */
  public record Delivery(int sig, SigInfo info) {}

  /** Mask without the signals that can never be blocked. */
  public static long blockable(long mask) {
    return mask & ~Signals.UNBLOCKABLE;
  }

  public static boolean isStopSignal(int sig) {
    return (STOP_SIGNALS & Signals.bit(sig)) != 0;
  }
}
