package dev.popcornj.kernel.proc;

/**
 * The one process-id space of the single system image, cut into a range per kernel so that the
 * replicated kernels hand out ids that never collide without asking each other: kernel k allocates
 * pids and tids in [k<<16 | 1, k<<16 | 0xffff]. An id's high bits name the kernel that created it,
 * its origin, which answers for it (its /proc files, signals to it) wherever it runs now.
 *
 * <pre>
 *   31      16 15             0
 *   +---------+----------------+
 *   | kernel  | serial 1..ffff |     kernel 0: 1..65535, so a kernel alone keeps pids from 1
 *   +---------+----------------+     kernel 2: 131073..196607
 * </pre>
 *
 * A kernel's serials wrap, as Linux's pid allocator wraps at pid_max, to {@link #WRAP_SERIAL}: the
 * ids below it stay for the early processes (init, daemons).
 */
public final class PidSpace {
  /** Bits of an id that count within one kernel's range. */
  public static final int SERIAL_BITS = 16;

  /** Ids each kernel may hand out (serial 0 is never one). */
  public static final int IDS_PER_KERNEL = (1 << SERIAL_BITS) - 1;

  /** Where a kernel's serials start again after the last, as Linux's RESERVED_PIDS. */
  public static final int WRAP_SERIAL = 300;

  /** The kernel ids whose ranges fit in a positive int. */
  public static final int MAX_KERNELS = 1 << (31 - SERIAL_BITS);

  /**
   * What /proc/sys/kernel/pid_max reports: Linux's PID_MAX_LIMIT on 64-bit, which is also the top
   * of the ranges of 64 kernels (the most the largest preset machine runs).
   */
  public static final int PID_MAX = 4 * 1024 * 1024;

  private PidSpace() {}

  /** The kernel that created id (its origin). */
  public static int originOf(int id) {
    return id >>> SERIAL_BITS;
  }

  /** The first id kernel k hands out. */
  public static int first(int kernel) {
    return base(kernel) | 1;
  }

  /** The last id kernel k hands out. */
  public static int last(int kernel) {
    return base(kernel) | IDS_PER_KERNEL;
  }

  /** The id kernel k hands out after {@link #last}: the range wraps past its reserved ids. */
  public static int wrap(int kernel) {
    return base(kernel) | WRAP_SERIAL;
  }

  /** Whether id is one kernel k could have handed out. */
  public static boolean inRange(int kernel, long id) {
    return id >= first(kernel) && id <= last(kernel);
  }

  private static int base(int kernel) {
    if (kernel < 0 || kernel >= MAX_KERNELS) {
      throw new IllegalArgumentException(
          "kernel " + kernel + " has no pid range (0.." + (MAX_KERNELS - 1) + ")");
    }
    return kernel << SERIAL_BITS;
  }
}
