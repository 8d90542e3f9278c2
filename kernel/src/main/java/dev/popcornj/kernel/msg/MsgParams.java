package dev.popcornj.kernel.msg;

/** Limits and default timings of the messaging layer, in one place. */
public final class MsgParams {
  private MsgParams() {}

  /** Slots per ring when the window is formatted without an explicit size. */
  public static final int DEFAULT_RING_SLOTS = 128;

  /** Messages one poll consumes before it yields (NAPI's weight). */
  public static final int POLL_BUDGET = 64;

  /**
   * Payload bytes a sender may hold queued for one peer and priority while that peer's ring is
   * full; a post beyond it is refused (RING_FULL), so a guest writing to a peer that does not drain
   * (crashed and not yet seen down) cannot grow the sender's memory without end.
   */
  public static final long MAX_QUEUED_BYTES = 4L << 20;

  /** Largest message the layer accepts (it travels as up to this/48 chunks). */
  public static final int MAX_MESSAGE_BYTES = 1 << 20;

  /**
   * How long a sender whose queued messages found the ring full waits before it tries again, in
   * picoseconds: about one shared-memory ring round trip across sockets.
   */
  public static final long RETRY_DELAY_PS = 500_000L;

  /** Delay before a poll that ran out of budget continues, giving other work a turn. */
  public static final long REPOLL_DELAY_PS = 0L;
}
