package dev.popcornj.kernel.fs;

/**
 * A file-system operation failed with the given Linux error number; the system-call layer returns
 * it negated. Carries no stack trace: it is an expected outcome of guest input, not a bug.
 */
public final class FsException extends RuntimeException {
  private final int errno;

  public FsException(int errno) {
    super("errno " + errno, null, false, false);
    this.errno = errno;
  }

  /** The positive error number. */
  public int errno() {
    return errno;
  }
}
