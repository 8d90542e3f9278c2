package dev.popcornj.kernel.abi;

/**
 * Layout of struct iovec for readv and writev.
 *
 * <pre>
 *   0 +--------------+--------------+ 16
 *     | iov_base u64 | iov_len  u64 |
 *     +--------------+--------------+
 * </pre>
 */
public final class IovecDescriptor {
  public static final int BASE = 0;
  public static final int LENGTH_FIELD = 8;
  public static final int LENGTH = 16;

  /** UIO_MAXIOV: the most vectors a call accepts. */
  public static final int MAX_VECTORS = 1024;

  private IovecDescriptor() {}
}
