package dev.popcornj.kernel.mm;

/**
 * Where things go in a user address space: the riscv64 Sv39 layout that Linux uses with address
 * randomisation turned off, so that every run of a program sees the same addresses.
 *
 * <pre>
 * 0x40_0000_0000 +--------------------------+ USER_TOP = STACK_TOP (Sv39: 256 GiB)
 *                | stack, grows down        |   STACK_LIMIT (8 MiB, RLIMIT_STACK)
 *                +--------------------------+
 *                | gap (128 MiB)            |
 * 0x3f_f800_0000 +--------------------------+ MMAP_TOP
 *                | mmap regions, top-down   |
 *                |            ...           |
 * 0x2a_aaaa_a000 | static-pie image         | PIE_BASE (ELF_ET_DYN_BASE = 2/3 of user space)
 *                |            ...           |
 *                | brk heap, grows up       |  starts after the highest PT_LOAD segment
 *                | ET_EXEC image            |  at its link address (0x10000 with GNU ld)
 * 0x00_0001_0000 +--------------------------+ MMAP_MIN (mmap_min_addr)
 * 0x00_0000_0000 +--------------------------+ never mapped, so null pointers fault
 * </pre>
 */
public final class MemoryLayout {
  public static final int PAGE_SHIFT = 12;
  public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
  public static final long PAGE_MASK = PAGE_SIZE - 1;

  public static final long USER_TOP = 0x40_0000_0000L;
  public static final long STACK_TOP = USER_TOP;
  public static final long STACK_LIMIT = 8L << 20;
  public static final long STACK_GAP = 128L << 20;
  public static final long MMAP_TOP = STACK_TOP - STACK_GAP;
  public static final long PIE_BASE = ((USER_TOP / 3) * 2) & ~PAGE_MASK;
  public static final long MMAP_MIN = 0x10000L;

  private MemoryLayout() {}

  public static long pageDown(long a) {
    return a & ~PAGE_MASK;
  }

  /** Rounds up to a page boundary; callers check for overflow past USER_TOP themselves. */
  public static long pageUp(long a) {
    return (a + PAGE_MASK) & ~PAGE_MASK;
  }

  public static boolean isPageAligned(long a) {
    return (a & PAGE_MASK) == 0;
  }

  /** True when [start, start+length) lies inside user space (length may be 0). */
  public static boolean isUserRange(long start, long length) {
    return start >= 0 && length >= 0 && start <= USER_TOP && length <= USER_TOP - start;
  }
}
