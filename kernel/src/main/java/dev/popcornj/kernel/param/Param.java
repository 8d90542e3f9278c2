package dev.popcornj.kernel.param;

/**
 * The kernel's limits and fixed names in one place, as xv6's param.h: what uname reports, and the
 * sizes every part of a kernel agrees on. The user address-space layout and the page size are
 * {@link dev.popcornj.kernel.mm.MemoryLayout}'s.
 */
public final class Param {
  /** The release uname reports; glibc needs at least 3.2 on riscv64. */
  public static final String RELEASE = "6.1.0-popcornj";

  /** RLIMIT_NOFILE's default soft limit (Linux's INR_OPEN_CUR). */
  public static final int NOFILE_DEFAULT = 1024;

  /** RLIMIT_NOFILE's default hard limit (Linux's INR_OPEN_MAX). */
  public static final int NOFILE_HARD_DEFAULT = 4096;

  /** fs.nr_open: the most RLIMIT_NOFILE can be raised to, even by root. */
  public static final int NR_OPEN = 1 << 20;

  /** Linux's THREAD_SIZE on riscv64: the kernel stack that threads-max is counted in. */
  public static final long THREAD_SIZE = 16 << 10;

  /** Linux's MIN_THREADS: threads-max is never set below it. */
  public static final int MIN_THREADS = 20;

  private Param() {}

  /**
   * threads-max as Linux's set_max_threads derives it from memory: the kernel stacks of all threads
   * may take an eighth of it, and there are at least {@link #MIN_THREADS}.
   */
  public static int threadsMaxFor(long memoryBytes) {
    long n = memoryBytes / (8 * THREAD_SIZE);
    return (int) Math.clamp(n, MIN_THREADS, Integer.MAX_VALUE);
  }
}
