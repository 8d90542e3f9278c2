package dev.popcornj.kernel.syscall;

import dev.popcornj.kernel.abi.Auxv;
import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.LittleEndian;
import dev.popcornj.kernel.abi.TimeDescriptor;
import dev.popcornj.kernel.mm.UserMemory;

/**
 * The time system calls, answered from virtual time only: the clocks count from boot at the clock's
 * epoch on the realtime scale, the CPU-time clocks, times and getrusage count the virtual time the
 * thread or group spent on a hart (all of it as user time: this kernel does not tell user from
 * system time), and sleeping advances virtual time instead of waiting.
 */
final class TimeCalls {
  private static final long PS_PER_NS = 1_000;
  private static final long PS_PER_S = 1_000_000_000_000L;
  private static final int RUSAGE_LENGTH = 144;
  private static final int SYSINFO_LENGTH = 112;

  private final UserMemory memory;
  private final VirtualClock clock;

  /** The calls as one task makes them: its memory, and the kernel's clock and sleep. */
  TimeCalls(UserMemory memory, VirtualClock clock) {
    this.memory = memory;
    this.clock = clock;
  }

  private static boolean isKnownClock(long id) {
    return id >= TimeDescriptor.CLOCK_REALTIME && id <= TimeDescriptor.CLOCK_BOOTTIME;
  }

  /**
   * Whole seconds the clock is ahead of virtual time since boot: kept apart from the picoseconds,
   * which could not hold a realtime reading in a long.
   */
  private long epochSeconds(long id) {
    boolean realtime =
        id == TimeDescriptor.CLOCK_REALTIME || id == TimeDescriptor.CLOCK_REALTIME_COARSE;
    return realtime ? clock.epochSeconds() : 0;
  }

  long clockGettime(long id, long tp) {
    if (!isKnownClock(id)) {
      return -Errno.EINVAL;
    }
    writeTime(tp, epochSeconds(id), reading(id), PS_PER_NS);
    return 0;
  }

  long clockGetres(long id, long res) {
    if (!isKnownClock(id)) {
      return -Errno.EINVAL;
    }
    if (res != 0) {
      writeTime(res, 0, PS_PER_NS, PS_PER_NS);
    }
    return 0;
  }

  long gettimeofday(long tv, long tz) {
    if (tv != 0) {
      writeTime(tv, clock.epochSeconds(), clock.nowPs(), 1_000_000);
    }
    if (tz != 0) {
      memory.write64(tz, 0);
    }
    return 0;
  }

  /** nanosleep(req, rem): rem, when not 0, gets the time left if a signal cuts the sleep short. */
  long nanosleep(long req, long rem) {
    long ps = readTimespecPs(memory, req);
    if (ps < 0) {
      return -Errno.EINVAL;
    }
    return sleepUntil(clock.nowPs() + ps, rem);
  }

  private long restartDeadlinePs;

  /** The deadline of the last sleep cut short with ERESTART_RESTARTBLOCK (its restart block). */
  long restartDeadlinePs() {
    return restartDeadlinePs;
  }

  /**
   * Sleeps until deadlinePs; cut short, writes the time left to rem (when not 0) and asks for the
   * call to go on through restart_syscall.
   */
  long sleepUntil(long deadlinePs, long rem) {
    long ps = Math.max(0, deadlinePs - clock.nowPs());
    long left = ps == 0 ? 0 : clock.sleep(ps);
    if (left > 0) {
      writeRemaining(rem, left);
      restartDeadlinePs = deadlinePs;
      return -Errno.ERESTART_RESTARTBLOCK;
    }
    return 0;
  }

  private void writeRemaining(long rem, long leftPs) {
    if (rem != 0) {
      memory.write64(rem + TimeDescriptor.SECONDS, leftPs / PS_PER_S);
      memory.write64(rem + TimeDescriptor.FRACTION, (leftPs % PS_PER_S) / PS_PER_NS);
    }
  }

  /** clock_nanosleep(id, flags, req, rem). */
  long clockNanosleep(long id, long flags, long req, long rem) {
    if (!isKnownClock(id)) {
      return -Errno.EINVAL;
    }
    long ps = readTimespecPs(memory, req);
    if (ps < 0) {
      return -Errno.EINVAL;
    }
    if ((flags & TimeDescriptor.TIMER_ABSTIME) != 0) {
      long seconds = memory.read64(req + TimeDescriptor.SECONDS) - epochSeconds(id);
      long nanos = memory.read64(req + TimeDescriptor.FRACTION);
      long now = clock.nowPs();
      // Compare in whole seconds first: an absolute realtime deadline overflows picoseconds.
      if (seconds < now / PS_PER_S) {
        ps = 0;
      } else if (seconds - now / PS_PER_S > Long.MAX_VALUE / PS_PER_S - 1) {
        ps = Long.MAX_VALUE / 2;
      } else {
        ps = Math.max(0, seconds * PS_PER_S + nanos * PS_PER_NS - now);
      }
    }
    boolean absolute = (flags & TimeDescriptor.TIMER_ABSTIME) != 0;
    if (!absolute) {
      return sleepUntil(clock.nowPs() + ps, rem);
    }
    long left = clock.sleep(ps);
    if (left > 0) {
      if (!absolute) {
        writeRemaining(rem, left);
      }
      return -Errno.EINTR;
    }
    return 0;
  }

  /** A clock's reading in picoseconds since boot (or, for CPU-time clocks, of CPU time). */
  private long reading(long id) {
    if (id == TimeDescriptor.CLOCK_PROCESS_CPUTIME_ID) {
      return clock.processCpuPs();
    }
    if (id == TimeDescriptor.CLOCK_THREAD_CPUTIME_ID) {
      return clock.threadCpuPs();
    }
    return clock.nowPs();
  }

  /** times: the group's CPU time as tms_utime, its children's as tms_cutime; ticks since boot. */
  long times(long buf) {
    long perTick = PS_PER_S / Auxv.USER_HZ;
    if (buf != 0) {
      byte[] tms = new byte[TimeDescriptor.TMS_LENGTH];
      LittleEndian.put64(tms, 0, clock.processCpuPs() / perTick);
      LittleEndian.put64(tms, 16, clock.childrenCpuPs() / perTick);
      memory.write(buf, tms);
    }
    return clock.nowPs() / perTick;
  }

  /** getrusage(RUSAGE_SELF 0, RUSAGE_CHILDREN -1, RUSAGE_THREAD 1): CPU time in ru_utime. */
  long getrusage(long who, long usage) {
    long ps;
    if (who == 0) {
      ps = clock.processCpuPs();
    } else if (who == -1) {
      ps = clock.childrenCpuPs();
    } else if (who == 1) {
      ps = clock.threadCpuPs();
    } else {
      return -Errno.EINVAL;
    }
    byte[] r = new byte[RUSAGE_LENGTH];
    long us = ps / 1_000_000;
    LittleEndian.put64(r, 0, us / 1_000_000);
    LittleEndian.put64(r, 8, us % 1_000_000);
    memory.write(usage, r);
    return 0;
  }

  long sysinfo(long info, long totalRam, long usedRam) {
    byte[] s = new byte[SYSINFO_LENGTH];
    LittleEndian.put64(s, 0, clock.nowPs() / PS_PER_S);
    LittleEndian.put64(s, 32, totalRam);
    LittleEndian.put64(s, 40, totalRam - usedRam);
    s[80] = 1;
    LittleEndian.put32(s, 104, 1);
    memory.write(info, s);
    return 0;
  }

  /** Writes a timespec (unit 1000 ps) or timeval (unit 1000000 ps) holding seconds + ps. */
  private void writeTime(long addr, long seconds, long ps, long psPerUnit) {
    memory.write64(addr + TimeDescriptor.SECONDS, seconds + ps / PS_PER_S);
    memory.write64(addr + TimeDescriptor.FRACTION, (ps % PS_PER_S) / psPerUnit);
  }

  /** A timespec's duration in picoseconds, or -1 when it is not valid; saturates when huge. */
  static long readTimespecPs(UserMemory memory, long addr) {
    return readTimePs(memory, addr, PS_PER_NS);
  }

  /**
   * A timespec (unitPs 1000) or timeval (unitPs 10^6) as picoseconds; -1 when Linux refuses it
   * (negative, or a fraction of a whole second or more). Absurdly far times saturate.
   */
  static long readTimePs(UserMemory memory, long addr, long unitPs) {
    long sec = memory.read64(addr + TimeDescriptor.SECONDS);
    long fraction = memory.read64(addr + TimeDescriptor.FRACTION);
    if (sec < 0 || fraction < 0 || fraction >= PS_PER_S / unitPs) {
      return -1;
    }
    if (sec > Long.MAX_VALUE / PS_PER_S - 1) {
      return Long.MAX_VALUE / 2;
    }
    return sec * PS_PER_S + fraction * unitPs;
  }
}
