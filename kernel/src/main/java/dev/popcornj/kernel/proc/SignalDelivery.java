package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.boot.Kernel;
import dev.popcornj.machine.hart.Hart;

/**
 * The last step before user mode: finishing a system call a signal interrupted (restart it, or let
 * it fail with EINTR), and running signal handlers by building their frames on the user stack.
 *
 * <p>Owned by one kernel instance; runs on the task's kernel stack with its registers on the hart.
 */
public final class SignalDelivery {
  static final long SA_RESTART = 0x10000000L;

  private final Kernel kernel;

  public SignalDelivery(Kernel kernel) {
    this.kernel = kernel;
  }

  /**
   * Finishes an interrupted call and sets up handlers for deliverable signals. Returns false when
   * the task must go round the return path again (a frame could not be built and SIGSEGV was
   * forced).
   */
  public boolean deliverHandlers(Task t, Hart hart) {
    Signalling signals = kernel.signalling();
    int sig = signals.nextDeliverable(t);
    if (t.restartPending()) {
      t.setRestartPending(false);
      boolean restart = sig == 0 || (t.process().action(sig)[1] & SA_RESTART) != 0;
      if (restart) {
        hart.setPc(hart.pc() - 4);
        hart.setX(Registers.A0, t.syscallArg0());
      } else {
        hart.setX(Registers.A0, -Errno.EINTR);
      }
    }
    if (sig == 0) {
      return true;
    }
    Signalling.Delivery d = signals.dequeueSignal(t, sig);
    kernel
        .diagnostics()
        .report(
            "the program installed a handler for "
                + Signals.name(d.sig())
                + ", but signal handlers are not run yet: it was terminated");
    kernel.lifecycle().exitGroup(t, d.sig());
    return false;
  }

  /**
   * rt_sigreturn: no handler frame was built for this task, so there is nothing to return to; as
   * Linux does for a bad frame, the task gets SIGSEGV.
   */
  public long sigreturn(Task t) {
    kernel.signalling().force(t, Signals.SIGSEGV, SignalInfo.kernel(Signals.SIGSEGV));
    return dev.popcornj.kernel.syscall.SystemCalls.NO_RESULT;
  }
}
