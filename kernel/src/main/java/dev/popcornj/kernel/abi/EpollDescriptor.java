package dev.popcornj.kernel.abi;

/**
 * struct epoll_event as riscv64 lays it out: epoll_ctl reads one, epoll_pwait writes an array of
 * them. Only x86-64 packs it (EPOLL_PACKED); everywhere else the u64 is naturally aligned, so four
 * bytes of padding follow the events word. epoll_wait writes events and data and leaves the padding
 * alone (epoll_put_uevent).
 *
 * <pre>
 *   0 +------------+----------+---------------------+ 16
 *     | events u32 | pad (4)  | data u64            |
 *     +------------+----------+---------------------+
 * </pre>
 */
public final class EpollDescriptor {
  public static final int EVENTS = 0;
  public static final int DATA = 8;
  public static final int LENGTH = 16;

  /** The eventfd counter a read returns and a write adds: one u64, native (little) endian. */
  public static final int EVENTFD_COUNTER_LENGTH = 8;

  private EpollDescriptor() {}
}
