package dev.popcornj.machine.sim;

/**
 * Units of the model's clock. Virtual time is a {@code long} count of picoseconds since the machine
 * was powered on: enough for 106 days of simulated time, and fine enough that one cycle of a 2 GHz
 * hart is a whole number (500 ps).
 */
public final class VirtualTime {
  public static final long PS = 1L;
  public static final long NS = 1_000L;
  public static final long US = 1_000_000L;
  public static final long MS = 1_000_000_000L;
  public static final long SECOND = 1_000_000_000_000L;

  private VirtualTime() {}

  /** t + durationPs (durationPs >= 0), or Long.MAX_VALUE where that would overflow. */
  public static long saturatingAdd(long t, long durationPs) {
    long r = t + durationPs;
    return r < t ? Long.MAX_VALUE : r;
  }

  /** Picoseconds per cycle of a clock of the given frequency, rounded to the nearest picosecond. */
  public static long periodPs(long hz) {
    if (hz <= 0 || hz > SECOND) {
      throw new IllegalArgumentException("clock frequency out of range: " + hz + " Hz");
    }
    return (SECOND + hz / 2) / hz;
  }

  /** Seconds, for reports. */
  public static double seconds(long ps) {
    return ps / (double) SECOND;
  }

  /** A short human form such as {@code 1.250 us}. */
  public static String format(long ps) {
    long a = Math.abs(ps);
    if (a >= SECOND) {
      return String.format(java.util.Locale.ROOT, "%.3f s", ps / (double) SECOND);
    } else if (a >= MS) {
      return String.format(java.util.Locale.ROOT, "%.3f ms", ps / (double) MS);
    } else if (a >= US) {
      return String.format(java.util.Locale.ROOT, "%.3f us", ps / (double) US);
    } else if (a >= NS) {
      return String.format(java.util.Locale.ROOT, "%.3f ns", ps / (double) NS);
    }
    return ps + " ps";
  }
}
