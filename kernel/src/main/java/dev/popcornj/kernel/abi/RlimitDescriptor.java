package dev.popcornj.kernel.abi;

/**
 * Layout of struct rlimit64 for prlimit64, getrlimit and setrlimit, and the resource numbers.
 *
 * <pre>
 *   0 +--------------+--------------+ 16
 *     | rlim_cur u64 | rlim_max u64 |
 *     +--------------+--------------+
 * </pre>
 */
public final class RlimitDescriptor {
  public static final int CUR = 0;
  public static final int MAX = 8;
  public static final int LENGTH = 16;

  public static final long RLIM_INFINITY = -1L;

  public static final int RLIMIT_STACK = 3;
  public static final int RLIMIT_NPROC = 6;
  public static final int RLIMIT_NOFILE = 7;
  public static final int RLIMIT_AS = 9;
  public static final int RLIM_NLIMITS = 16;

  private RlimitDescriptor() {}
}
