package dev.popcornj.kernel.run;

import dev.popcornj.kernel.syscall.VirtualClock;
import dev.popcornj.machine.hart.Hart;
import java.math.BigInteger;

/**
 * Virtual time of a process alone on one hart: one instruction per clock cycle, plus the time it
 * has spent asleep. Exact integer arithmetic, so every run reads the same times.
 */
final class HartClock implements VirtualClock {
  private static final long PS_PER_S = 1_000_000_000_000L;

  private final Hart hart;
  private long idlePs;

  HartClock(Hart hart) {
    this.hart = hart;
  }

  /** Picoseconds taken by cycles cycles at clockHz, rounded down. */
  static long cyclesToPs(long cycles, long clockHz) {
    long whole = cycles / clockHz;
    long rest = cycles % clockHz;
    long restPs;
    try {
      restPs = Math.multiplyExact(rest, PS_PER_S) / clockHz;
    } catch (ArithmeticException overflow) {
      restPs =
          BigInteger.valueOf(rest)
              .multiply(BigInteger.valueOf(PS_PER_S))
              .divide(BigInteger.valueOf(clockHz))
              .longValueExact();
    }
    return whole * PS_PER_S + restPs;
  }

  @Override
  public long nowPs() {
    return cyclesToPs(hart.instret(), hart.clockHz()) + idlePs;
  }

  @Override
  public void idle(long ps) {
    idlePs = Math.addExact(idlePs, Math.max(0, ps));
  }

  long idlePs() {
    return idlePs;
  }
}
