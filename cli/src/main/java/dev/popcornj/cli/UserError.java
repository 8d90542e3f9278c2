package dev.popcornj.cli;

/**
 * A mistake the user can fix (a bad argument, a missing file), reported by {@link Main} as one line
 * {@code popcorn: MESSAGE} on stderr with exit status 2, never as a stack trace. Commands throw it
 * from anywhere in their call.
 */
public final class UserError extends RuntimeException {
  /**
   * @param message one line naming the thing that is wrong and, where it helps, what to do
   */
  public UserError(String message) {
    // No stack trace: it would never be shown, and capturing it costs time.
    super(message, null, false, false);
  }
}
