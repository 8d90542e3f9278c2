package dev.popcornj.kernel.trap;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.abi.Syscalls;
import dev.popcornj.kernel.log.Diagnostics;
import dev.popcornj.kernel.log.KernelLog;
import dev.popcornj.kernel.mm.Fault;
import dev.popcornj.kernel.mm.OutOfFramesException;
import dev.popcornj.kernel.proc.Lifecycle;
import dev.popcornj.kernel.proc.Process;
import dev.popcornj.kernel.proc.Registers;
import dev.popcornj.kernel.proc.SignalDelivery;
import dev.popcornj.kernel.proc.Signalling;
import dev.popcornj.kernel.proc.Task;
import dev.popcornj.kernel.sched.Cpu;
import dev.popcornj.kernel.sched.KernelStack;
import dev.popcornj.kernel.sched.Scheduler;
import dev.popcornj.kernel.signal.DefaultAction;
import dev.popcornj.kernel.signal.SigInfo;
import dev.popcornj.kernel.syscall.SystemCalls;
import dev.popcornj.machine.cost.CostModel;
import dev.popcornj.machine.hart.AddressTranslator;
import dev.popcornj.machine.hart.Hart;
import dev.popcornj.machine.hart.Trap;
import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.trace.Trace;

/**
 * What every task's kernel stack runs: return to user mode (acting on pending signals on the way),
 * run user code on the hart until a trap or the end of the CPU's slice, serve the trap (system
 * call, page fault, fatal exception), and again, until the task exits.
 *
 * <p>Owned by one kernel instance; runs on task threads holding the baton.
 */
public final class TaskLoop {
  private final int kernelId;
  private final Scheduler scheduler;
  private final MemoryView view;
  private final Lifecycle lifecycle;
  private final Signalling signals;
  private final SignalDelivery delivery;
  private final SystemCalls syscalls;
  private final CostModel cost;
  private final Trace trace;
  private final KernelLog log;
  private final Diagnostics diagnostics;
  private long pageFaults;
  private Departures departures;

  /** Moves a task to another kernel at its way out to user mode (the migration service). */
  @FunctionalInterface
  public interface Departures {
    /**
     * Task t, whose {@link Task#moveTo} is set and whose registers are saved as user mode will see
     * them, leaves for that kernel; returns when it runs here again, has ended, or could not go.
     */
    void depart(Task t);

    /** Task t, the running copy of a task from another kernel, stopped by signal sig. */
    default void stopped(Task t, int sig) {}
  }

  /** Installs what moves tasks between kernels (once, at boot). */
  public void setDepartures(Departures d) {
    departures = d;
  }

  public TaskLoop(
      int kernelId,
      Scheduler scheduler,
      MemoryView view,
      Lifecycle lifecycle,
      Signalling signals,
      SignalDelivery delivery,
      SystemCalls syscalls,
      CostModel cost,
      Trace trace,
      KernelLog log,
      Diagnostics diagnostics) {
    this.kernelId = kernelId;
    this.scheduler = scheduler;
    this.view = view;
    this.lifecycle = lifecycle;
    this.signals = signals;
    this.delivery = delivery;
    this.syscalls = syscalls;
    this.cost = cost;
    this.trace = trace;
    this.log = log;
    this.diagnostics = diagnostics;
  }

  /** Page faults served for user memory on traps, for statistics. */
  public long pageFaultsServed() {
    return pageFaults;
  }

  /** The body of task t's kernel stack; returns when the task has exited. */
  public void run(Task t) {
    while (turn(t)) {
      // Each turn is a method of its own, compiled once hot: this loop is entered once per task,
      // so with on-stack replacement off (see the launcher) it stays in the bytecode interpreter,
      // where its body took 2 % of guest/bench/mix and 139 ms of SQLite's speedtest1.
    }
  }

  /** One turn of t's loop: to user mode and back, or a wait; false once t has exited. */
  private boolean turn(Task t) {
    if (scheduler.halted()) {
      // The kernel panicked: this task never runs again; its stack ends at shutdown.
      t.stack().yieldToCpu(KernelStack.Yield.BLOCKED);
      return true;
    }
    if (!returnToUser(t)) {
      lifecycle.exitTask(t);
      return false;
    }
    delivery.prefaultFrame(t); // may wait: before the registers go on the hart
    Cpu cpu = scheduler.cpu(t.cpu());
    Hart hart = cpu.hart();
    Process p = t.process();
    cpu.bind(p.space(), view);
    t.regs().load(hart);
    if (!delivery.deliverHandlers(t, hart)) {
      t.regs().save(hart);
      return true;
    }
    if (t.moveTo() >= 0) {
      t.regs().save(hart);
      if (departures != null) {
        departures.depart(t);
      } else {
        t.setMoveTo(-1);
      }
      return true;
    }
    if (cpu.sliceOver()) {
      // The hart holds what delivery did (a handler's frame, a restarted call): keep it, or the
      // next turn loads the registers of before and the signal is lost with its mask left set.
      t.regs().save(hart);
      sliceEnd(t, cpu);
      return true;
    }
    Hart.Stop stop = hart.run(cpu.instructionBudget());
    t.regs().save(hart);
    if (stop == Hart.Stop.TRAP) {
      handleTrap(t, hart, hart.trap());
    } else if (cpu.sliceOver()) {
      sliceEnd(t, cpu);
    }
    return true;
  }

  /**
   * t's slice is over: it goes on into the next one when nothing else would run meanwhile (see
   * {@link Cpu#continueSlice}), else hands the CPU back.
   */
  private static void sliceEnd(Task t, Cpu cpu) {
    if (!cpu.continueSlice()) {
      t.stack().yieldToCpu(KernelStack.Yield.SLICE_END);
    }
  }

  /**
   * The way out to user mode: acts on pending signals whose action is done in the kernel (ignore,
   * stop, terminate) and finishes an interrupted system call. Returns false when the task must
   * exit. Signals with handlers stay for the delivery that builds their frames.
   */
  private boolean returnToUser(Task t) {
    while (true) {
      Process p = t.process();
      if (p.exiting() || (t.pending() & Signals.bit(Signals.SIGKILL)) != 0) {
        return false;
      }
      if (p.stopped()) {
        scheduler.stopCurrent();
        continue;
      }
      Signalling.Delivery d = signals.peekKernelAction(t);
      if (d == null) {
        break;
      }
      int sig = d.sig();
      if (Signalling.isStopSignal(sig)) {
        stopProcess(t, sig);
        continue;
      }
      lifecycle.exitGroup(t, DefaultAction.killedStatus(sig));
      return false;
    }
    return true;
  }

  private void stopProcess(Task t, int sig) {
    Process p = t.process();
    signals.reportStopped(p, sig);
    if (p.guestOf() >= 0 && departures != null) {
      departures.stopped(t, sig); // its parent is at home
    }
  }

  private void handleTrap(Task t, Hart hart, Trap trap) {
    int access =
        switch (trap.cause()) {
          case INSTRUCTION_PAGE_FAULT -> AddressTranslator.EXECUTE;
          case LOAD_PAGE_FAULT -> AddressTranslator.READ;
          case STORE_PAGE_FAULT -> AddressTranslator.WRITE;
          default -> -1;
        };
    Process p = t.process();
    if (access >= 0) {
      long before = p.space().pageFaults();
      try {
        Fault f = p.space().handleFault(trap.tval(), access);
        if (!f.resolved()) {
          signals.force(t, f.signal(), SigInfo.fault(f.signal(), f.siCode(), trap.tval()));
        }
      } catch (OutOfFramesException e) {
        outOfMemory(t);
      }
      chargeFaults(hart, p.space().pageFaults() - before, trap.tval());
      return;
    }
    switch (trap.cause()) {
      case ECALL_FROM_U -> systemCall(t, hart);
      case ILLEGAL_INSTRUCTION ->
          signals.force(
              t, Signals.SIGILL, SigInfo.fault(Signals.SIGILL, SigInfo.ILL_ILLOPC, t.regs().pc()));
      case BREAKPOINT ->
          signals.force(
              t,
              Signals.SIGTRAP,
              SigInfo.fault(Signals.SIGTRAP, SigInfo.TRAP_BRKPT, t.regs().pc()));
      case INSTRUCTION_MISALIGNED, LOAD_MISALIGNED, STORE_MISALIGNED ->
          signals.force(
              t, Signals.SIGBUS, SigInfo.fault(Signals.SIGBUS, SigInfo.BUS_ADRALN, trap.tval()));
      default ->
          signals.force(
              t, Signals.SIGSEGV, SigInfo.fault(Signals.SIGSEGV, SigInfo.SEGV_ACCERR, trap.tval()));
    }
  }

  private void systemCall(Task t, Hart hart) {
    Registers r = t.regs();
    long nr = r.x(Registers.A7);
    long syscallPs = cost.nullSyscallPs();
    if (trace.enabled()) {
      trace.span(
          "syscall",
          Syscalls.name(nr),
          kernelId,
          hart.id(),
          hart.timePs(),
          syscallPs,
          "\"tid\":" + t.tid());
    }
    hart.advanceTimePs(syscallPs);
    Process p = t.process();
    long faultsBefore = p.space().pageFaults();
    r.setPc(r.pc() + 4);
    t.setSyscallArg0(r.x(Registers.A0));
    t.setRestartPending(0);
    long result;
    try {
      result = syscalls.dispatch(t, nr);
    } catch (OutOfFramesException e) {
      outOfMemory(t);
      result = -Errno.ENOMEM;
    }
    if (result == Syscalls.NO_RESULT) {
      return;
    }
    if (result == -Errno.ERESTARTSYS
        || result == -Errno.ERESTARTNOHAND
        || result == -Errno.ERESTART_RESTARTBLOCK) {
      t.setRestartPending(
          result == -Errno.ERESTARTSYS ? 1 : result == -Errno.ERESTARTNOHAND ? 2 : 3);
      result = -Errno.EINTR;
    }
    t.regs().setX(Registers.A0, result);
    if (t.process() == p && p.space() != null) {
      chargeFaults(scheduler.cpu(t.cpu()).hart(), p.space().pageFaults() - faultsBefore, -1);
    }
  }

  private void outOfMemory(Task t) {
    diagnostics.report("out of memory: killing " + t.process());
    log.log("Out of memory: Killed process " + t.process().pid());
    signals.sendToProcess(t.process(), Signals.SIGKILL, SigInfo.kernel(Signals.SIGKILL));
  }

  private void chargeFaults(Hart hart, long faults, long address) {
    if (faults <= 0) {
      return;
    }
    pageFaults += faults;
    long ps = faults * cost.pageFaultPs();
    if (trace.enabled()) {
      trace.span(
          "mm",
          "page fault",
          kernelId,
          hart.id(),
          hart.timePs(),
          ps,
          address < 0
              ? "\"count\":" + faults
              : "\"addr\":\"0x" + Long.toHexString(address) + "\",\"count\":" + faults);
    }
    hart.advanceTimePs(ps);
  }
}
