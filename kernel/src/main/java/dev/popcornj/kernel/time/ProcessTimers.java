package dev.popcornj.kernel.time;

import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.signal.SigInfo;
import dev.popcornj.machine.sim.VirtualTime;
import java.util.TreeMap;

/**
 * The timers of one thread group, after Linux's kernel/time/itimer.c and posix-timers.c: the three
 * interval timers of setitimer (ITIMER_REAL in virtual time, ITIMER_VIRTUAL and ITIMER_PROF in the
 * group's CPU time) and the POSIX timers of timer_create. All times are virtual picoseconds on the
 * monotonic scale; the caller converts realtime values.
 *
 * <p>A timer that expires queues its signal once. While that signal waits undelivered the timer
 * does not fire again: expirations meanwhile are counted as overruns, reported in the signal's
 * si_overrun when it is taken (Linux's preallocated sigqueue and posixtimer_rearm), and a periodic
 * timer is armed again from then on. A timer whose signal is ignored keeps its period without
 * queueing anything, looked at no more often than once a tick.
 *
 * <p>Owned by the kernel instance of the group; used only on its simulation thread. Events the
 * group no longer wants (a timer disarmed, re-armed or deleted, the group gone) find their
 * generation changed and do nothing.
 */
public final class ProcessTimers {
  /** What the timers need of the kernel. */
  public interface Host {
    /** Monotonic virtual time now. */
    long nowPs();

    /** Runs action at virtual time ps (not before now), as kernel code outside any task. */
    void at(long ps, Runnable action);

    /**
     * Queues info for the group (tid 0) or for thread tid of it; false when nothing was queued (the
     * signal is ignored, a standard signal of that number is already pending, the thread is gone).
     */
    boolean queue(int tid, SigInfo info);

    /** Removes info, this very object, from the pending signals it waits in. */
    void unqueue(SigInfo info);
  }

  /** setitimer's which. */
  public static final int ITIMER_REAL = 0;

  public static final int ITIMER_VIRTUAL = 1;
  public static final int ITIMER_PROF = 2;

  /** How a POSIX timer tells of an expiry (sigevent's sigev_notify). */
  public static final int SIGEV_SIGNAL = 0;

  public static final int SIGEV_NONE = 1;
  public static final int SIGEV_THREAD_ID = 4;

  /** The per-process limit on POSIX timers here (Linux's is RLIMIT_SIGPENDING-bound). */
  public static final int MAX_TIMERS = 1024;

  /** How often a periodic timer whose signal is ignored is looked at: one 250 Hz tick. */
  static final long IGNORED_REARM_PS = 4_000_000_000L;

  /** A timer's value: time to the next expiry (0: disarmed) and period (0: one-shot). */
  public record Value(long remainingPs, long intervalPs) {
    public static final Value DISARMED = new Value(0, 0);
  }

  /** One timer that fires in virtual time and tells by a signal (or not at all: SIGEV_NONE). */
  final class Timer {
    final int id;
    final int clock;
    final int notify;
    final int signo;
    final long sigval;
    final int tid;
    long deadlinePs; // next expiry; 0 when disarmed
    long intervalPs;
    long generation;
    SigInfo queued; // the signal this timer has waiting, or null
    int overrun; // expirations while queued
    int lastOverrun; // what the last delivered signal carried

    Timer(int id, int clock, int notify, int signo, long sigval, int tid) {
      this.id = id;
      this.clock = clock;
      this.notify = notify;
      this.signo = signo;
      this.sigval = sigval;
      this.tid = tid;
    }

    SigInfo newSignal() {
      return id < 0 ? SigInfo.kernel(signo) : SigInfo.timer(signo, id, 0, sigval);
    }
  }

  private final Host host;
  private final Timer real = new Timer(-1, 1, SIGEV_SIGNAL, Signals.SIGALRM, 0, 0);
  private final TreeMap<Integer, Timer> posix = new TreeMap<>();
  private boolean gone;

  // ITIMER_VIRTUAL and ITIMER_PROF: CPU time left to the next expiry (0: disarmed) and period.
  private final long[] cpuLeftPs = new long[3];
  private final long[] cpuIntervalPs = new long[3];

  public ProcessTimers(Host host) {
    this.host = host;
  }

  // ---- setitimer ---------------------------------------------------------------------------

  /** setitimer(which, value): arms (or with value 0 disarms) a timer; returns the old value. */
  public Value setInterval(int which, long valuePs, long intervalPs) {
    Value old = getInterval(which);
    if (which == ITIMER_REAL) {
      arm(real, valuePs == 0 ? 0 : VirtualTime.saturatingAdd(host.nowPs(), valuePs), intervalPs);
    } else {
      cpuLeftPs[which] = valuePs;
      cpuIntervalPs[which] = valuePs == 0 ? 0 : intervalPs;
    }
    return old;
  }

  /** getitimer(which). */
  public Value getInterval(int which) {
    if (which == ITIMER_REAL) {
      return valueOf(real);
    }
    return cpuLeftPs[which] == 0
        ? Value.DISARMED
        : new Value(cpuLeftPs[which], cpuIntervalPs[which]);
  }

  /**
   * The group ran ps of CPU time: ITIMER_VIRTUAL and ITIMER_PROF count down (this kernel does not
   * tell user from system time, so both count all of it) and signal when they run out.
   */
  public void onCpuTime(long ps) {
    if (gone || ps <= 0) {
      return;
    }
    countDown(ITIMER_VIRTUAL, Signals.SIGVTALRM, ps);
    countDown(ITIMER_PROF, Signals.SIGPROF, ps);
  }

  private void countDown(int which, int sig, long ps) {
    if (cpuLeftPs[which] == 0) {
      return;
    }
    cpuLeftPs[which] -= ps;
    if (cpuLeftPs[which] > 0) {
      return;
    }
    long period = cpuIntervalPs[which];
    if (period == 0) {
      cpuLeftPs[which] = 0;
    } else {
      // Expirations while one slice ran count once, as the tick would see them.
      long behind = -cpuLeftPs[which];
      cpuLeftPs[which] = period - behind % period;
    }
    host.queue(0, SigInfo.kernel(sig));
  }

  // ---- POSIX timers ------------------------------------------------------------------------

  /**
   * timer_create: a new disarmed timer on clock (kept for TIMER_ABSTIME); returns its id (the
   * lowest free), or -1 when the group has {@link #MAX_TIMERS}. idAsValue gives the signal the
   * timer's id as its value, as when no sigevent is given. With SIGEV_NONE, signo and sigval are
   * unused.
   */
  public int create(int clock, int notify, int signo, long sigval, boolean idAsValue, int tid) {
    int id = 0;
    while (posix.containsKey(id)) {
      id++;
    }
    if (id >= MAX_TIMERS) {
      return -1;
    }
    long value = idAsValue ? id & 0xffff_ffffL : sigval;
    posix.put(id, new Timer(id, clock, notify, signo, value, tid));
    return id;
  }

  /** The clock timer id was made on. */
  public int clockOf(int id) {
    return posix.get(id).clock;
  }

  public boolean exists(int id) {
    return posix.containsKey(id);
  }

  /**
   * timer_settime with a monotonic deadline (0 disarms) and period; returns the old value. A signal
   * of the timer still waiting is withdrawn, as Linux drops it at delivery.
   */
  public Value set(int id, long deadlinePs, long intervalPs) {
    Timer t = posix.get(id);
    Value old = valueOf(t);
    arm(t, deadlinePs, intervalPs);
    return old;
  }

  /** timer_gettime. */
  public Value get(int id) {
    return valueOf(posix.get(id));
  }

  /** timer_getoverrun: the overruns the last delivered signal of the timer carried. */
  public int overrun(int id) {
    return posix.get(id).lastOverrun;
  }

  /** timer_delete: disarms and forgets the timer; its waiting signal, if any, is withdrawn. */
  public void delete(int id) {
    Timer t = posix.remove(id);
    disarm(t);
  }

  /** execve: POSIX timers do not survive it (setitimer's do). */
  public void deleteAllPosix() {
    for (Timer t : posix.values()) {
      disarm(t);
    }
    posix.clear();
  }

  /** The group ended: nothing fires any more. */
  public void stopAll() {
    gone = true;
    deleteAllPosix();
    disarm(real);
    cpuLeftPs[ITIMER_VIRTUAL] = 0;
    cpuLeftPs[ITIMER_PROF] = 0;
  }

  /**
   * A signal was taken from a pending set: when it is a timer's (this very object), the timer
   * learns it was delivered. Returns what the receiver sees: for a POSIX timer, with si_overrun.
   */
  public SigInfo onDequeued(SigInfo info) {
    Timer t = owner(info);
    if (t == null) {
      return info;
    }
    t.queued = null;
    t.lastOverrun = t.overrun;
    t.overrun = 0;
    if (t.intervalPs > 0 && t.deadlinePs != 0) {
      // The timer did not fire while its signal waited: catch up, counting what was missed.
      long now = host.nowPs();
      if (t.deadlinePs <= now) {
        long missed = (now - t.deadlinePs) / t.intervalPs + 1;
        t.lastOverrun = clampOverrun((long) t.lastOverrun + missed);
        t.deadlinePs = VirtualTime.saturatingAdd(t.deadlinePs, missed * t.intervalPs);
      }
      schedule(t, t.deadlinePs);
    }
    if (t.id < 0) {
      return info;
    }
    return SigInfo.timer(info.signo(), t.id, t.lastOverrun, t.sigval);
  }

  private Timer owner(SigInfo info) {
    if (real.queued == info) {
      return real;
    }
    if (info.fields() instanceof SigInfo.Timer ti) {
      Timer t = posix.get(ti.id());
      return t != null && t.queued == info ? t : null;
    }
    return null;
  }

  // ---- arming and firing -------------------------------------------------------------------

  private void arm(Timer t, long deadlinePs, long intervalPs) {
    disarm(t);
    if (deadlinePs == 0 || gone) {
      return;
    }
    t.deadlinePs = Math.max(deadlinePs, 1);
    t.intervalPs = intervalPs;
    if (t.notify != SIGEV_NONE) {
      schedule(t, t.deadlinePs);
    }
  }

  private void disarm(Timer t) {
    t.generation++;
    t.deadlinePs = 0;
    t.intervalPs = 0;
    t.overrun = 0;
    if (t.queued != null) {
      host.unqueue(t.queued);
      t.queued = null;
    }
  }

  private void schedule(Timer t, long atPs) {
    long generation = ++t.generation;
    host.at(
        Math.max(atPs, host.nowPs()),
        () -> {
          if (t.generation == generation && !gone) {
            fire(t);
          }
        });
  }

  private void fire(Timer t) {
    long now = host.nowPs();
    if (t.queued != null) {
      t.overrun = clampOverrun((long) t.overrun + 1);
      return;
    }
    SigInfo info = t.newSignal();
    boolean queued = host.queue(t.notify == SIGEV_THREAD_ID ? t.tid : 0, info);
    if (queued) {
      t.queued = info;
    }
    if (t.intervalPs == 0) {
      t.deadlinePs = 0;
      return;
    }
    long missed = Math.max(0, (now - t.deadlinePs) / t.intervalPs) + 1;
    t.deadlinePs = VirtualTime.saturatingAdd(t.deadlinePs, missed * t.intervalPs);
    if (!queued) {
      // Ignored (or lost to a pending signal of the same number): keep the period, but look
      // again no sooner than a tick from now.
      schedule(t, Math.max(t.deadlinePs, VirtualTime.saturatingAdd(now, IGNORED_REARM_PS)));
    }
  }

  /** What timer_gettime and getitimer show: time to the next expiry, on the period's grid. */
  private Value valueOf(Timer t) {
    if (t.deadlinePs == 0) {
      return Value.DISARMED;
    }
    long now = host.nowPs();
    long next = t.deadlinePs;
    if (next <= now && t.intervalPs > 0) {
      next = VirtualTime.saturatingAdd(next, ((now - next) / t.intervalPs + 1) * t.intervalPs);
    }
    // An expired one-shot timer whose signal is still on its way reads as just expiring.
    return new Value(Math.max(next - now, 1), t.intervalPs);
  }

  private static int clampOverrun(long n) {
    return (int) Math.min(n, Integer.MAX_VALUE);
  }
}
