package dev.popcornj.kernel.signal;

import dev.popcornj.kernel.abi.Signals;
import java.util.Arrays;

/**
 * The signal dispositions of one thread group (Linux's sighand_struct): one {@link SigAction} per
 * signal 1..64. Shared by the threads of the group, copied on fork, reset on exec.
 *
 * <p>Owned by the kernel instance that runs the thread group.
 */
public final class SigActions {
  private final SigAction[] actions = new SigAction[Signals.NSIG + 1];

  public SigActions() {
    Arrays.fill(actions, SigAction.DEFAULT);
  }

  private SigActions(SigAction[] from) {
    System.arraycopy(from, 0, actions, 0, actions.length);
  }

  /** The action of sig, 1..64. */
  public SigAction get(int sig) {
    return actions[sig];
  }

  /**
   * Installs action for sig, 1..64. The caller has checked that sig may be caught; the mask loses
   * SIGKILL and SIGSTOP and the flags lose the bits this kernel does not know, as rt_sigaction
   * does.
   */
  public void set(int sig, SigAction action) {
    actions[sig] =
        new SigAction(
            action.handler(),
            action.flags() & Signals.SA_KNOWN_FLAGS,
            action.mask() & ~Signals.UNBLOCKABLE);
  }

  /**
   * True when a signal sig sent now would be dropped at once: SIG_IGN, or SIG_DFL with an ignoring
   * default. (SIGCONT still continues a stopped group even then; that is the sender's business.)
   */
  public boolean ignores(int sig) {
    SigAction a = actions[sig];
    return a.isIgnore() || (a.isDefault() && DefaultAction.of(sig) == DefaultAction.IGNORE);
  }

  /**
   * The action to take for sig now that it is being delivered to a handler, applying SA_RESETHAND
   * (the disposition goes back to SIG_DFL for the next one).
   */
  public SigAction onDelivered(int sig) {
    SigAction a = actions[sig];
    if (a.has(Signals.SA_RESETHAND)) {
      actions[sig] = SigAction.DEFAULT;
    }
    return a;
  }

  /** For fork: a new table with the same actions. */
  public SigActions copy() {
    return new SigActions(actions);
  }

  /**
   * For exec: handlers go back to SIG_DFL, ignored signals stay ignored, flags and masks are
   * cleared (Linux's flush_signal_handlers with force_default false).
   */
  public void resetForExec() {
    for (int sig = 1; sig <= Signals.NSIG; sig++) {
      actions[sig] = actions[sig].isIgnore() ? SigAction.IGNORE : SigAction.DEFAULT;
    }
  }
}
