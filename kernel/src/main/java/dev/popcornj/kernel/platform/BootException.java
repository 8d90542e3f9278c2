package dev.popcornj.kernel.platform;

/** A kernel cannot boot: bad parameters, no init, a broken initramfs. The message says why. */
public final class BootException extends RuntimeException {
  public BootException(String message) {
    super(message, null, false, false);
  }

  /** A boot that failed because of cause (the program init was to run, say). */
  public BootException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
