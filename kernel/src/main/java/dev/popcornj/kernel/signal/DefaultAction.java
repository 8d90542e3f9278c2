package dev.popcornj.kernel.signal;

import dev.popcornj.kernel.abi.Signals;

/**
 * What happens to a process when a signal arrives whose handler is SIG_DFL, as Linux's sig_kernel_*
 * tables say (kernel/signal.c): terminate, terminate with a core dump, ignore, stop the thread
 * group, or continue it.
 */
public enum DefaultAction {
  TERM,
  /** Terminates; the wait status carries the core-dump flag {@link #CORE_DUMP_FLAG}. */
  CORE,
  IGNORE,
  STOP,
  CONTINUE;

  /** The bit a wait status sets when the process was killed by a signal that dumps core. */
  public static final int CORE_DUMP_FLAG = 0x80;

  /** The default action of sig (1..64); real-time signals terminate. */
  public static DefaultAction of(int sig) {
    return switch (sig) {
      case Signals.SIGQUIT,
          Signals.SIGILL,
          Signals.SIGTRAP,
          Signals.SIGABRT,
          Signals.SIGBUS,
          Signals.SIGFPE,
          Signals.SIGSEGV,
          Signals.SIGXCPU,
          Signals.SIGXFSZ,
          Signals.SIGSYS ->
          CORE;
      case Signals.SIGCHLD, Signals.SIGURG, Signals.SIGWINCH -> IGNORE;
      case Signals.SIGSTOP, Signals.SIGTSTP, Signals.SIGTTIN, Signals.SIGTTOU -> STOP;
      case Signals.SIGCONT -> CONTINUE;
      default -> TERM;
    };
  }

  /**
   * The wait status (as wait4 reports it) of a process that this signal's default action killed:
   * the signal number, plus the core flag for CORE signals.
   */
  public static int killedStatus(int sig) {
    return of(sig) == CORE ? sig | CORE_DUMP_FLAG : sig;
  }
}
