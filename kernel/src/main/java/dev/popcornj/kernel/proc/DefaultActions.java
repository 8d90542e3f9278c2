package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.abi.Signals;

/** Which signals' default action terminates with a core dump (signal(7)'s "Core"). */
final class DefaultActions {
  private static final long CORE =
      Signals.bit(Signals.SIGQUIT)
          | Signals.bit(Signals.SIGILL)
          | Signals.bit(Signals.SIGTRAP)
          | Signals.bit(Signals.SIGABRT)
          | Signals.bit(Signals.SIGBUS)
          | Signals.bit(Signals.SIGFPE)
          | Signals.bit(Signals.SIGSEGV)
          | Signals.bit(24)
          | Signals.bit(25)
          | Signals.bit(31);

  private DefaultActions() {}

  static boolean dumpsCore(int sig) {
    return (CORE & Signals.bit(sig)) != 0;
  }
}
