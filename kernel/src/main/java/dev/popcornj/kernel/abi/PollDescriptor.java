package dev.popcornj.kernel.abi;

/**
 * Layouts that ppoll and pselect6 read: struct pollfd, the fd_set bitmaps, and pselect6's sixth
 * argument, struct sigset_argpack (a seventh argument would not fit in the six registers).
 *
 * <pre>
 * struct pollfd, 8 bytes, an array of nfds of them:
 *   0 +--------+-----------+------------+ 8
 *     | fd i32 | events i16| revents i16|
 *     +--------+-----------+------------+
 *
 * fd_set: ceil(nfds / 64) little-endian 64-bit words; descriptor d is bit d % 64 of word d / 64.
 *   0 +--------------+--------------+---
 *     | fds 0..63    | fds 64..127  | ...
 *     +--------------+--------------+---
 *
 * struct sigset_argpack, 16 bytes:
 *   0 +-----------------+----------------+ 16
 *     | sigset_t *p u64 | size_t size u64|
 *     +-----------------+----------------+
 * </pre>
 */
public final class PollDescriptor {
  public static final int FD = 0;
  public static final int EVENTS = 4;
  public static final int REVENTS = 6;
  public static final int LENGTH = 8;

  /** Bits in one fd_set word (BITS_PER_LONG). */
  public static final int FD_SET_WORD_BITS = 64;

  /** Bytes in one fd_set word. */
  public static final int FD_SET_WORD_BYTES = 8;

  public static final int ARGPACK_SIGSET = 0;
  public static final int ARGPACK_SIZE = 8;
  public static final int ARGPACK_LENGTH = 16;

  private PollDescriptor() {}
}
