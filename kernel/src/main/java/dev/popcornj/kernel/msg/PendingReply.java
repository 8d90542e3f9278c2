package dev.popcornj.kernel.msg;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The reply to one request, matched by correlation id: not yet done, done with a message, or
 * failed. Owned by the requesting kernel's {@link Endpoint}, which completes it from its poll.
 */
public final class PendingReply {
  private final int peer;
  private final int correlation;
  private boolean done;
  private KernelMessage reply;
  private RequestFailedException failure;
  private List<Runnable> listeners = new ArrayList<>();

  PendingReply(int peer, int correlation) {
    this.peer = peer;
    this.correlation = correlation;
  }

  public int peer() {
    return peer;
  }

  public int correlation() {
    return correlation;
  }

  public boolean isDone() {
    return done;
  }

  /** The reply, once done with one. */
  public Optional<KernelMessage> reply() {
    return Optional.ofNullable(reply);
  }

  /** The failure, once done with one. */
  public Optional<RequestFailedException> failure() {
    return Optional.ofNullable(failure);
  }

  /** Runs action when this is done (now, if it is already): the hook for waking a wait queue. */
  public void whenDone(Runnable action) {
    if (done) {
      action.run();
    } else {
      listeners.add(action);
    }
  }

  /** Waits through waiter and returns the reply, or throws why there is none. */
  public KernelMessage await(Waiter waiter) throws RequestFailedException {
    if (!done) {
      waiter.waitUntilDone(this);
    }
    if (!done) {
      throw new RequestFailedException(
          RequestFailedException.Reason.WAIT_ABANDONED, 4, "wait for kernel " + peer + " ended");
    }
    if (failure != null) {
      throw failure;
    }
    return reply;
  }

  void complete(KernelMessage message) {
    finish(message, null);
  }

  void fail(RequestFailedException.Reason reason, int errno, String why) {
    finish(null, new RequestFailedException(reason, errno, why));
  }

  private void finish(KernelMessage message, RequestFailedException f) {
    if (done) {
      return;
    }
    done = true;
    reply = message;
    failure = f;
    List<Runnable> l = listeners;
    listeners = List.of();
    for (Runnable r : l) {
      r.run();
    }
  }
}
