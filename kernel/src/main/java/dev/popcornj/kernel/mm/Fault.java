package dev.popcornj.kernel.mm;

import dev.popcornj.kernel.abi.Signals;

/**
 * The outcome of a page fault as the kernel must act on it: resolved, or the signal and si_code the
 * faulting thread gets. Running out of frames is not an outcome but an {@link
 * OutOfFramesException}, since the out-of-memory policy belongs to the kernel.
 */
public enum Fault {
  /** The page is now mapped with the access: resume the instruction. */
  RESOLVED(0, 0),
  /** No area contains the address: SIGSEGV with SEGV_MAPERR. */
  SEGV_MAPERR(Signals.SIGSEGV, 1),
  /** An area contains it but forbids the access: SIGSEGV with SEGV_ACCERR. */
  SEGV_ACCERR(Signals.SIGSEGV, 2),
  /** A file mapping's page lies wholly past the end of the file: SIGBUS with BUS_ADRERR. */
  BUS_ADRERR(Signals.SIGBUS, 2),
  /** A page that cannot be brought to this kernel (a shared mapping's): SIGBUS with BUS_OBJERR. */
  BUS_OBJERR(Signals.SIGBUS, 3),
  /**
   * Only between kernels: the page is on its way elsewhere just now; ask again. Never handed to a
   * faulting thread.
   */
  BUSY(0, 0);

  private final int signal;
  private final int code;

  Fault(int signal, int code) {
    this.signal = signal;
    this.code = code;
  }

  /** The signal number to deliver (SIGSEGV 11, SIGBUS 7), 0 when resolved. */
  public int signal() {
    return signal;
  }

  /** The siginfo si_code (SEGV_MAPERR 1, SEGV_ACCERR 2, BUS_ADRERR 2), 0 when resolved. */
  public int siCode() {
    return code;
  }

  public boolean resolved() {
    return this == RESOLVED;
  }
}
