package dev.popcornj.kernel.proc;

/**
 * A kernel operation failed with a Linux errno; the system-call layer returns it negated. Carries
 * no stack trace: it is an ordinary outcome, not a bug.
 */
public final class ErrnoException extends RuntimeException {
  private final int errno;

  public ErrnoException(int errno) {
    super("errno " + errno, null, false, false);
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }
}
