package dev.popcornj.kernel.proc;

/**
 * Thrown when a file cannot be run as a static riscv64 Linux program; the message is a one-line
 * reason meant for the user (the caller prefixes the file name).
 */
public final class BadProgramException extends Exception {
  public BadProgramException(String reason) {
    super(reason, null, false, false);
  }
}
