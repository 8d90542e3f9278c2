package dev.popcornj.kernel.syscall;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.LittleEndian;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.abi.TimeDescriptor;
import dev.popcornj.kernel.mm.BadAddressException;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.proc.ProcessTable;
import dev.popcornj.kernel.proc.Task;
import dev.popcornj.kernel.sched.Scheduler;
import dev.popcornj.kernel.time.ProcessTimers;
import dev.popcornj.machine.sim.VirtualTime;
import java.util.function.LongSupplier;

/**
 * The timer system calls over a group's {@link ProcessTimers}: setitimer and getitimer (glibc's
 * alarm and ualarm come here), and timer_create, timer_settime, timer_gettime, timer_getoverrun and
 * timer_delete, with Linux's checks in Linux's order. Realtime deadlines are converted to the
 * monotonic scale the timers keep.
 *
 * <pre>
 *   struct itimerval  (32 bytes)        struct itimerspec (32 bytes)
 *    0 it_interval timeval               0 it_interval timespec
 *   16 it_value    timeval              16 it_value    timespec
 *
 *   struct sigevent (64 bytes)
 *    0 sigev_value u64   8 sigev_signo i32   12 sigev_notify i32   16 sigev_notify_thread_id i32
 * </pre>
 *
 * <p>Stateless; one instance serves a kernel.
 */
final class TimerCalls {
  private static final int INTERVAL = 0;
  private static final int VALUE = 16;
  private static final int TIMERVAL_LENGTH = 32;

  private static final int SIGEV_VALUE = 0;
  private static final int SIGEV_SIGNO = 8;
  private static final int SIGEV_NOTIFY = 12;
  private static final int SIGEV_TID = 16;
  private static final int SIGEV_THREAD = 2;

  private static final int CLOCK_REALTIME_ALARM = 8;
  private static final int CLOCK_BOOTTIME_ALARM = 9;
  private static final int CLOCK_TAI = 11;

  private static final long PS_PER_NS = 1_000;
  private static final long PS_PER_US = 1_000_000;
  private static final long PS_PER_S = 1_000_000_000_000L;

  private final ProcessTable table;
  private final Scheduler scheduler;
  private final LongSupplier epochSeconds;

  TimerCalls(ProcessTable table, Scheduler scheduler, LongSupplier epochSeconds) {
    this.epochSeconds = epochSeconds;
    this.table = table;
    this.scheduler = scheduler;
  }

  private static ProcessTimers timers(Task t) {
    return t.process().timers();
  }

  // ---- setitimer / getitimer -------------------------------------------------------------------

  long setitimer(Task t, long which, long newAddr, long oldAddr) {
    if (which < ProcessTimers.ITIMER_REAL || which > ProcessTimers.ITIMER_PROF) {
      return -Errno.EINVAL;
    }
    UserMemory m = t.process().memory();
    long valuePs = 0;
    long intervalPs = 0;
    if (newAddr != 0) {
      intervalPs = TimeCalls.readTimePs(m, newAddr + INTERVAL, PS_PER_US);
      valuePs = TimeCalls.readTimePs(m, newAddr + VALUE, PS_PER_US);
      if (intervalPs < 0 || valuePs < 0) {
        return -Errno.EINVAL;
      }
    }
    ProcessTimers.Value old = timers(t).setInterval((int) which, valuePs, intervalPs);
    if (oldAddr != 0) {
      writeTimerval(m, oldAddr, old, PS_PER_US);
    }
    return 0;
  }

  long getitimer(Task t, long which, long addr) {
    if (which < ProcessTimers.ITIMER_REAL || which > ProcessTimers.ITIMER_PROF) {
      return -Errno.EINVAL;
    }
    writeTimerval(t.process().memory(), addr, timers(t).getInterval((int) which), PS_PER_US);
    return 0;
  }

  // ---- POSIX timers ------------------------------------------------------------------------

  long timerCreate(Task t, long clock, long sevp, long idAddr) {
    int c = (int) clock;
    if (c != clock || !isClock(c)) {
      return -Errno.EINVAL;
    }
    if (c == CLOCK_REALTIME_ALARM || c == CLOCK_BOOTTIME_ALARM) {
      return -Errno.EOPNOTSUPP; // alarm timers need a wake-up RTC, which this machine lacks
    }
    if (!hasTimers(c)) {
      return -Errno.EOPNOTSUPP; // a clock without timers (the raw and coarse ones)
    }
    if (c == TimeDescriptor.CLOCK_PROCESS_CPUTIME_ID
        || c == TimeDescriptor.CLOCK_THREAD_CPUTIME_ID) {
      return -Errno.EINVAL; // CPU-time timers: not in this kernel
    }
    UserMemory m = t.process().memory();
    int notify = ProcessTimers.SIGEV_SIGNAL;
    int signo = Signals.SIGALRM;
    long value = 0;
    int tid = 0;
    if (sevp != 0) {
      byte[] ev = m.read(sevp, 20);
      value = LittleEndian.get64(ev, SIGEV_VALUE);
      signo = LittleEndian.get32(ev, SIGEV_SIGNO);
      notify = LittleEndian.get32(ev, SIGEV_NOTIFY);
      tid = LittleEndian.get32(ev, SIGEV_TID);
      switch (notify) {
        case ProcessTimers.SIGEV_THREAD_ID -> {
          var target = table.task(tid);
          if (target == null || target.process() != t.process()) {
            return -Errno.EINVAL;
          }
          if (signo <= 0 || signo > Signals.NSIG) {
            return -Errno.EINVAL;
          }
        }
        case ProcessTimers.SIGEV_SIGNAL, SIGEV_THREAD -> {
          if (signo <= 0 || signo > Signals.NSIG) {
            return -Errno.EINVAL;
          }
          notify = ProcessTimers.SIGEV_SIGNAL;
        }
        case ProcessTimers.SIGEV_NONE -> {}
        default -> {
          return -Errno.EINVAL;
        }
      }
    }
    // Without a sigevent the signal carries the timer's id in sival_int, as in Linux.
    int id = timers(t).create(c, notify, signo, value, sevp == 0, tid);
    if (id < 0) {
      return -Errno.EAGAIN;
    }
    try {
      m.write32(idAddr, id);
    } catch (BadAddressException e) {
      timers(t).delete(id);
      return -Errno.EFAULT;
    }
    return 0;
  }

  long timerSettime(Task t, long id, long flags, long newAddr, long oldAddr) {
    ProcessTimers timers = timers(t);
    if (!validId(timers, id)) {
      return -Errno.EINVAL;
    }
    if (newAddr == 0) {
      return -Errno.EINVAL;
    }
    UserMemory m = t.process().memory();
    long intervalPs = TimeCalls.readTimespecPs(m, newAddr + INTERVAL);
    long valuePs = TimeCalls.readTimespecPs(m, newAddr + VALUE);
    if (intervalPs < 0 || valuePs < 0) {
      return -Errno.EINVAL;
    }
    long deadline = 0;
    if (valuePs != 0) {
      long now = scheduler.now();
      if ((flags & TimeDescriptor.TIMER_ABSTIME) != 0) {
        deadline =
            absoluteToMonotonic(
                m, newAddr + VALUE, timers.clockOf((int) id), now, epochSeconds.getAsLong());
      } else {
        deadline = VirtualTime.saturatingAdd(now, valuePs);
      }
    }
    ProcessTimers.Value old = timers.set((int) id, deadline, intervalPs);
    if (oldAddr != 0) {
      writeTimerval(m, oldAddr, old, PS_PER_NS);
    }
    return 0;
  }

  long timerGettime(Task t, long id, long addr) {
    ProcessTimers timers = timers(t);
    if (!validId(timers, id)) {
      return -Errno.EINVAL;
    }
    writeTimerval(t.process().memory(), addr, timers.get((int) id), PS_PER_NS);
    return 0;
  }

  long timerGetoverrun(Task t, long id) {
    ProcessTimers timers = timers(t);
    return validId(timers, id) ? timers.overrun((int) id) : -Errno.EINVAL;
  }

  long timerDelete(Task t, long id) {
    ProcessTimers timers = timers(t);
    if (!validId(timers, id)) {
      return -Errno.EINVAL;
    }
    timers.delete((int) id);
    return 0;
  }

  private static boolean validId(ProcessTimers timers, long id) {
    return id == (int) id && timers.exists((int) id);
  }

  private static boolean isClock(int c) {
    return (c >= TimeDescriptor.CLOCK_REALTIME && c <= CLOCK_BOOTTIME_ALARM) || c == CLOCK_TAI;
  }

  private static boolean hasTimers(int c) {
    return c != TimeDescriptor.CLOCK_MONOTONIC_RAW
        && c != TimeDescriptor.CLOCK_REALTIME_COARSE
        && c != TimeDescriptor.CLOCK_MONOTONIC_COARSE;
  }

  /**
   * A TIMER_ABSTIME value on the timer's clock as a monotonic deadline; realtime and TAI count from
   * the boot epoch. A deadline already past fires at once.
   */
  private static long absoluteToMonotonic(
      UserMemory m, long addr, int clock, long nowPs, long epochSeconds) {
    long sec = m.read64(addr + TimeDescriptor.SECONDS);
    long nsec = m.read64(addr + TimeDescriptor.FRACTION);
    boolean realtime = clock == TimeDescriptor.CLOCK_REALTIME || clock == CLOCK_TAI;
    long since = realtime ? sec - epochSeconds : sec;
    if (since < 0) {
      return Math.max(1, nowPs);
    }
    if (since > Long.MAX_VALUE / PS_PER_S - 1) {
      return Long.MAX_VALUE / 2;
    }
    return Math.max(1, since * PS_PER_S + nsec * PS_PER_NS);
  }

  // ---- layouts -------------------------------------------------------------------------------

  /**
   * Writes an itimerval (unit µs) or itimerspec (unit ns). A remaining time is rounded up, so an
   * armed timer never reads as disarmed; the period is exact in the unit.
   */
  private static void writeTimerval(UserMemory m, long addr, ProcessTimers.Value v, long unitPs) {
    byte[] b = new byte[TIMERVAL_LENGTH];
    putTime(b, INTERVAL, v.intervalPs(), unitPs, false);
    putTime(b, VALUE, v.remainingPs(), unitPs, true);
    m.write(addr, b);
  }

  private static void putTime(byte[] b, int at, long ps, long unitPs, boolean roundUp) {
    long units = roundUp ? (ps + unitPs - 1) / unitPs : ps / unitPs;
    long perSecond = PS_PER_S / unitPs;
    LittleEndian.put64(b, at + TimeDescriptor.SECONDS, units / perSecond);
    LittleEndian.put64(b, at + TimeDescriptor.FRACTION, units % perSecond);
  }
}
