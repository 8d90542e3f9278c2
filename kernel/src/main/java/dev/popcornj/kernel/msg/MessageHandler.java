package dev.popcornj.kernel.msg;

/**
 * A service's handler for one message type. It runs inside the receiving kernel's poll, to
 * completion; a request is answered with {@link Endpoint#reply}, now or later.
 */
@FunctionalInterface
public interface MessageHandler {
  void onMessage(Incoming message);
}
