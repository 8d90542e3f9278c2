package dev.popcornj.kernel.msg;

/** A request to another kernel ended without a reply. */
public final class RequestFailedException extends Exception {
  /** Why a request failed. */
  public enum Reason {
    /** The peer was marked down before it replied (or before the request could be sent). */
    PEER_DOWN,
    /** No kernel with that id is up. */
    NO_SUCH_PEER,
    /** The request is larger than the layer carries. */
    TOO_LARGE,
    /** The peer answered with an error; {@link #errno()} says which. */
    REMOTE_ERROR,
    /** The reply's bytes do not match its type's layout. */
    MALFORMED_REPLY,
    /** The waiter returned before the reply came (for instance a signal). */
    WAIT_ABANDONED
  }

  private final Reason reason;
  private final int errno;

  public RequestFailedException(Reason reason, int errno, String message) {
    super(message);
    this.reason = reason;
    this.errno = errno;
  }

  public Reason reason() {
    return reason;
  }

  /** Linux errno that fits the failure (positive). */
  public int errno() {
    return errno;
  }
}
