package dev.popcornj.kernel.msg;

/**
 * Implemented by the kernel: block the calling kernel task until a pending reply is done (for
 * example on a wait queue woken through {@link PendingReply#whenDone}). It may return early, say
 * for a signal; the caller then sees {@link RequestFailedException.Reason#WAIT_ABANDONED}.
 */
@FunctionalInterface
public interface Waiter {
  void waitUntilDone(PendingReply reply);
}
