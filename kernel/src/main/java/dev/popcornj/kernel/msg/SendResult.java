package dev.popcornj.kernel.msg;

/** What became of one attempt to send a message. */
public enum SendResult {
  /** Written to the receiver's ring (or, for a queued send, accepted and on its way). */
  SENT,
  /** The receiver's ring has no room now; nothing was written. Retry later. */
  RING_FULL,
  /** The receiver is marked down; nothing was written. */
  PEER_DOWN,
  /** The receiver has not booted or has no such kernel id; nothing was written. */
  NO_SUCH_PEER,
  /** The message is larger than this kind of send can carry; nothing was written. */
  TOO_LARGE
}
