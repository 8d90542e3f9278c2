package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.abi.Errno;

/**
 * Thrown when a file cannot be run as a riscv64 Linux program; the message is a one-line reason
 * meant for the user (the caller prefixes the file name). execve fails with {@link #errno}: ENOEXEC
 * for the program itself, what opening its interpreter gave (ENOENT, EACCES, ...) or ELIBBAD for a
 * bad interpreter, as binfmt_elf.
 */
public final class BadProgramException extends Exception {
  private final int errno;
  private final String interpreter;

  public BadProgramException(String reason) {
    this(reason, Errno.ENOEXEC, null);
  }

  private BadProgramException(String reason, int errno, String interpreter) {
    super(reason, null, false, false);
    this.errno = errno;
    this.interpreter = interpreter;
  }

  /** The program's interpreter could not be run: errno as execve returns it. */
  public static BadProgramException ofInterpreter(String interpreter, int errno, String reason) {
    return new BadProgramException(reason, errno, interpreter);
  }

  /** What execve returns, negated. */
  public int errno() {
    return errno;
  }

  /** The interpreter (PT_INTERP) that failed, or null when the program itself is bad. */
  public String interpreter() {
    return interpreter;
  }
}
