package dev.popcornj.kernel.msg;

/**
 * Moves {@link Frame}s between kernel instances. The shared-memory rings are one implementation
 * ({@link ShmTransport}); a network transport between host processes can be another. Delivery
 * contract: every frame accepted for a live peer is handed to the peer's receiver exactly once, and
 * frames from one sender at one priority arrive in the order they were sent.
 */
public interface Transport {
  /** Where received frames go; runs inside {@link #poll}. */
  @FunctionalInterface
  interface Receiver {
    void onFrame(Frame frame);
  }

  int kernelId();

  void setReceiver(Receiver receiver);

  /** Sends now or not at all: RING_FULL when the frame does not fit in the receiver's ring now. */
  SendResult trySend(int to, Frame frame);

  /**
   * Accepts the frame for delivery: whatever does not fit now is queued and retried later, in order
   * behind earlier queued frames to the same peer and priority.
   */
  SendResult post(int to, Frame frame);

  /** Called by the kernel's handler for the message interrupt. */
  void onInterrupt();

  /** Receives and dispatches up to budget units of work; returns how many it did. */
  int poll(int budget);

  /** Forgets queued output to and partial input from a peer that went down. */
  void dropPeer(int kernel);

  MsgCounters counters();
}
