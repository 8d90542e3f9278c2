package dev.popcornj.kernel.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HartClockTest {
  @Test
  void convertsCyclesExactly() {
    assertEquals(500, HartClock.cyclesToPs(1, 2_000_000_000L));
    assertEquals(1_000_000_000_000L, HartClock.cyclesToPs(2_000_000_000L, 2_000_000_000L));
    assertEquals(
        3_600L * 1_000_000_000_000L, HartClock.cyclesToPs(3_600L * 1_000_000_007L, 1_000_000_007L));
    // 1 cycle of a 3 GHz clock is 333.33 ps: rounded down, and no drift over many seconds.
    assertEquals(333, HartClock.cyclesToPs(1, 3_000_000_000L));
    assertEquals(10_000_000_000_000L + 333, HartClock.cyclesToPs(30_000_000_001L, 3_000_000_000L));
    long big = Long.MAX_VALUE / 2;
    assertEquals(
        big / 999_999_937L * 1_000_000_000_000L
            + java.math.BigInteger.valueOf(big % 999_999_937L)
                .multiply(java.math.BigInteger.valueOf(1_000_000_000_000L))
                .divide(java.math.BigInteger.valueOf(999_999_937L))
                .longValueExact(),
        HartClock.cyclesToPs(big, 999_999_937L));
  }
}
