package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.abi.Syscalls;
import dev.popcornj.kernel.sched.Scheduler;
import dev.popcornj.kernel.signal.SigAction;
import dev.popcornj.kernel.signal.SigInfo;
import dev.popcornj.kernel.signal.SignalFrame;
import dev.popcornj.machine.hart.Hart;
import java.util.Optional;

/**
 * The last step before user mode: finishing a system call a signal interrupted (restart it, or let
 * it fail with EINTR), and entering signal handlers by building their riscv64 frames on the user
 * stack; and rt_sigreturn, which takes a frame down again.
 *
 * <p>Owned by one kernel instance; runs on the task's kernel stack with its registers on the hart.
 */
public final class SignalDelivery {
  private final Signalling signals;
  private final Scheduler scheduler;

  public SignalDelivery(Signalling signals, Scheduler scheduler) {
    this.signals = signals;
    this.scheduler = scheduler;
  }

  /**
   * Backs the user pages the next handler's frame will be written to, before the task's registers
   * are on a hart: for a process whose memory comes from another kernel, a page may have to be
   * waited for, and a task that waits gives its hart to others. Nothing is done for other
   * processes, whose pages never make the task wait. A bad stack is left for {@link
   * #deliverHandlers} to find.
   */
  public void prefaultFrame(Task t) {
    Process p = t.process();
    if (p.space() == null || !p.space().paged()) {
      return;
    }
    int sig = signals.nextDeliverable(t);
    if (sig == 0) {
      return;
    }
    long sp = t.regs().x(Registers.SP);
    if (p.actions().get(sig).has(Signals.SA_ONSTACK) && t.altStack().shouldSwitchTo(sp)) {
      sp = t.altStack().top();
    }
    long low =
        (sp - dev.popcornj.kernel.signal.SignalFrameDescriptor.LENGTH)
            & -dev.popcornj.kernel.signal.SignalFrameDescriptor.ALIGN;
    try {
      p.memory().check(low, sp - low, dev.popcornj.machine.hart.AddressTranslator.WRITE);
    } catch (RuntimeException e) {
      // deliverHandlers meets the same address and forces SIGSEGV.
    }
  }

  /**
   * Finishes an interrupted call and enters the handler of the next deliverable signal. Returns
   * false when the task must go round the return path again: a frame could not be built and SIGSEGV
   * was forced, or another signal is still deliverable under the handler's mask. As in Linux, every
   * deliverable signal gets its frame before user code runs, each on top of the one before, so the
   * last one taken runs first and the others' handlers run, in turn, as each returns; entering one
   * handler and the next only at its first trap would let the second interrupt the first anywhere.
   */
  public boolean deliverHandlers(Task t, Hart hart) {
    Process p = t.process();
    int sig = signals.nextDeliverable(t);
    int how = t.restartPending();
    if (how != 0) {
      boolean restart =
          sig == 0 || (t.restartPending() == 1 && p.actions().get(sig).has(Signals.SA_RESTART));
      t.setRestartPending(0);
      if (restart && how == 3) {
        // Linux's restart block: the call goes on as restart_syscall from where it was.
        hart.setPc(hart.pc() - 4);
        hart.setX(Registers.A7, Syscalls.RESTART_SYSCALL);
      } else if (restart) {
        hart.setPc(hart.pc() - 4);
        hart.setX(Registers.A0, t.syscallArg0());
      } else {
        hart.setX(Registers.A0, -Errno.EINTR);
      }
    }
    long savedMask = t.savedMaskForSuspend();
    if (sig == 0) {
      if (savedMask != -1) {
        t.setBlocked(savedMask);
        t.setSavedMaskForSuspend(-1);
      }
      return true;
    }
    Signalling.Delivery d = signals.dequeueSignal(t, sig);
    // SA_RESETHAND takes effect before the frame is pushed, as in Linux's get_signal.
    SigAction action = p.actions().onDelivered(sig);
    long maskToSave = savedMask != -1 ? savedMask : t.blocked();
    t.setSavedMaskForSuspend(-1);
    SigInfo info = d.info();
    boolean pushed =
        SignalFrame.push(
            hart, p.memory(), sig, info, action, maskToSave, t.altStack(), Exec.TRAMPOLINE_ADDRESS);
    if (!pushed) {
      signals.force(t, Signals.SIGSEGV, SigInfo.kernel(Signals.SIGSEGV));
      return false;
    }
    t.setBlocked(Signalling.blockable(action.blockedDuringHandler(sig, maskToSave)));
    return signals.nextDeliverable(t) == 0;
  }

  /**
   * rt_sigreturn: restores the registers, FP state, mask and alternate stack saved in the frame at
   * sp. A frame that cannot be read gets the task SIGSEGV, as in Linux.
   */
  public long sigreturn(Task t) {
    Hart hart = scheduler.currentCpu().hart();
    t.regs().load(hart);
    Optional<SignalFrame.Restored> r =
        SignalFrame.restore(hart, t.process().memory(), t.altStack());
    if (r.isEmpty()) {
      signals.force(t, Signals.SIGSEGV, SigInfo.kernel(Signals.SIGSEGV));
      return Syscalls.NO_RESULT;
    }
    t.regs().save(hart);
    t.setBlocked(Signalling.blockable(r.get().mask()));
    return Syscalls.NO_RESULT;
  }
}
