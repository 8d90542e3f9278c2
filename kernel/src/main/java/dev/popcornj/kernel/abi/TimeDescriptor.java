package dev.popcornj.kernel.abi;

/**
 * Layouts of the time structures on riscv64, where time_t and long are 64 bits: struct timespec
 * {tv_sec, tv_nsec} and struct timeval {tv_sec, tv_usec}, both 16 bytes, and struct tms of four
 * clock_t.
 *
 * <pre>
 *   0 +-------------+-----------------------+ 16
 *     | tv_sec  i64 | tv_nsec / tv_usec i64 |
 *     +-------------+-----------------------+
 * </pre>
 */
public final class TimeDescriptor {
  public static final int SECONDS = 0;
  public static final int FRACTION = 8;
  public static final int LENGTH = 16;

  public static final int TMS_LENGTH = 32;

  public static final int CLOCK_REALTIME = 0;
  public static final int CLOCK_MONOTONIC = 1;
  public static final int CLOCK_PROCESS_CPUTIME_ID = 2;
  public static final int CLOCK_THREAD_CPUTIME_ID = 3;
  public static final int CLOCK_MONOTONIC_RAW = 4;
  public static final int CLOCK_REALTIME_COARSE = 5;
  public static final int CLOCK_MONOTONIC_COARSE = 6;
  public static final int CLOCK_BOOTTIME = 7;

  /** TIMER_ABSTIME for clock_nanosleep. */
  public static final int TIMER_ABSTIME = 1;

  private TimeDescriptor() {}
}
