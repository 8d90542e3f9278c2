package dev.popcornj.kernel.signal;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Signals;

/**
 * What becomes of a system call that a signal interrupted, decided when the signal is taken (the
 * switch in riscv's handle_signal and arch_do_signal_or_restart).
 */
public enum SyscallRestart {
  /** The call's result stands as it is. */
  NONE,
  /** The call fails with EINTR: a0 = -EINTR. */
  EINTR,
  /** The call runs again: a0 = the original a0, pc back to the ecall. */
  RESTART;

  /**
   * The outcome for a call that returned result, when the signal taken runs handler (null when no
   * handler runs: the signal was ignored, stopped and continued the process, or was discarded).
   */
  public static SyscallRestart after(long result, SigAction handler) {
    if (result != -Errno.ERESTARTSYS) {
      return NONE;
    }
    if (handler == null || handler.has(Signals.SA_RESTART)) {
      return RESTART;
    }
    return EINTR;
  }
}
