package dev.popcornj.kernel.signal;

/**
 * Layout of stack_t on riscv64 (sigaltstack's argument, and uc_stack in a signal frame), 24 bytes.
 *
 * <pre>
 *   0 +-----------+--------------+-----+--------------+ 24
 *     | ss_sp u64 | ss_flags i32 | pad | ss_size u64  |
 *     +-----------+--------------+-----+--------------+
 * </pre>
 */
public final class StackDescriptor {
  public static final int SP = 0;
  public static final int FLAGS = 8;
  public static final int SIZE = 16;
  public static final int LENGTH = 24;

  private StackDescriptor() {}
}
