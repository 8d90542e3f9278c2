package dev.popcornj.kernel.abi;

/**
 * Layout of the kernel's struct sigaction on riscv64, which has no sa_restorer (signal return goes
 * through the vDSO), 24 bytes.
 *
 * <pre>
 *   0 +----------------+--------------+--------------+ 24
 *     | sa_handler u64 | sa_flags u64 | sa_mask  u64 |
 *     +----------------+--------------+--------------+
 * </pre>
 */
public final class SigactionDescriptor {
  public static final int HANDLER = 0;
  public static final int FLAGS = 8;
  public static final int MASK = 16;
  public static final int LENGTH = 24;

  private SigactionDescriptor() {}
}
