package dev.popcornj.kernel.fs;

/**
 * An open file description as the system-call layer sees it. Results are byte counts or negative
 * errno values, so no host exception escapes to the guest.
 */
public interface OpenFile {
  /** Reads up to length bytes into buf[off..]; 0 at end of file. */
  long read(byte[] buf, int off, int length);

  /**
   * Writes buf[off..off+length); returns the count written or -errno (-EPIPE when the reader is
   * gone).
   */
  long write(byte[] buf, int off, int length);

  /** The st_mode reported by fstat, type bits included. */
  int mode();

  /** The device number reported as st_rdev. */
  long rdev();

  /** The flags F_GETFL reports (access mode). */
  int statusFlags();

  /** Called when the last descriptor referring to this file is closed. */
  default void release() {}
}
