package dev.popcornj.kernel.param;

/**
 * The kernel's limits and fixed names in one place, as xv6's param.h: what uname reports, and the
 * sizes every part of a kernel agrees on. The user address-space layout and the page size are
 * {@link dev.popcornj.kernel.mm.MemoryLayout}'s.
 */
public final class Param {
  // --- what uname reports (the node name is the same on every kernel for now)

  /** The release uname reports; glibc needs at least 3.2 on riscv64. */
  public static final String RELEASE = "6.1.0-popcornj";

  public static final String SYSNAME = "Linux";
  public static final String NODENAME = "popcorn";
  public static final String VERSION = "#1 SMP PopcornJ";
  public static final String MACHINE = "riscv64";
  public static final String DOMAINNAME = "(none)";

  // --- time

  /**
   * The realtime clock at boot unless the boot parameter popcorn_epoch=SECONDS says otherwise:
   * 2025-01-01T00:00:00Z, fixed so runs repeat exactly.
   */
  public static final long DEFAULT_EPOCH_SECONDS = 1_735_689_600L;

  // --- execve (Linux's binfmts.h and bprm_stack_limits)

  /**
   * The largest program file execve reads into the kernel (its bytes are held while it loads): past
   * it, ENOMEM, so a guest cannot make the host hold an arbitrary file.
   */
  public static final long MAX_EXEC_BYTES = 256L << 20;

  /** The longest one argument or environment string may be, its NUL included: 32 pages. */
  public static final int MAX_ARG_STRLEN = 32 * 4096;

  /** The least room execve gives strings and their pointers, whatever the stack limit. */
  public static final long ARG_MAX = 32 * 4096;

  /** The most room: three quarters of the default stack limit (_STK_LIM, 8 MiB). */
  public static final long MOST_ARG_SPACE = (8L << 20) / 4 * 3;

  // --- processes

  /** Bytes of a task's name (comm), its NUL included. */
  public static final int TASK_COMM_LEN = 16;

  /** The most bytes one getrandom call returns. */
  public static final int GETRANDOM_MAX = (1 << 25) - 1;

  // --- scheduling and booting

  /** The scheduler's timeslice when the command line gives no sched_slice_us. */
  public static final long DEFAULT_SLICE_US = 3000;

  /** The longest kernel command line a boot block may carry. */
  public static final long MAX_CMDLINE = 4096;

  /** The most segments one kexec_load takes, and the largest one. */
  public static final int KEXEC_MAX_SEGMENTS = 16;

  public static final long KEXEC_MAX_SEGMENT = 64L << 20;

  // --- limits

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
