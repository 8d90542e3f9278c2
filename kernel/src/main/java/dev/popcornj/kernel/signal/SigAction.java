package dev.popcornj.kernel.signal;

import dev.popcornj.kernel.abi.Signals;

/**
 * What a thread group does with one signal: the handler address (or SIG_DFL, SIG_IGN), the SA_*
 * flags, and the signals blocked while the handler runs. Immutable.
 */
public record SigAction(long handler, long flags, long mask) {
  public static final SigAction DEFAULT = new SigAction(Signals.SIG_DFL, 0, 0);
  public static final SigAction IGNORE = new SigAction(Signals.SIG_IGN, 0, 0);

  public boolean isDefault() {
    return handler == Signals.SIG_DFL;
  }

  public boolean isIgnore() {
    return handler == Signals.SIG_IGN;
  }

  public boolean has(long flag) {
    return (flags & flag) != 0;
  }

  /**
   * The blocked mask while the handler for sig runs: the interrupted mask, the action's mask, and
   * sig itself unless SA_NODEFER (Linux's signal_delivered).
   */
  public long blockedDuringHandler(int sig, long interrupted) {
    long blocked = interrupted | mask;
    if (!has(Signals.SA_NODEFER)) {
      blocked |= Signals.bit(sig);
    }
    return blocked & ~Signals.UNBLOCKABLE;
  }
}
