package dev.popcornj.kernel.run;

import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.abi.Syscalls;
import dev.popcornj.kernel.fs.ConsoleFile;
import dev.popcornj.kernel.fs.FileTable;
import dev.popcornj.kernel.mm.AddressSpace;
import dev.popcornj.kernel.mm.FrameAllocator;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.OutOfFramesException;
import dev.popcornj.kernel.mm.Prot;
import dev.popcornj.kernel.mm.UserMemory;
import dev.popcornj.kernel.mm.Vma;
import dev.popcornj.kernel.proc.BadProgramException;
import dev.popcornj.kernel.proc.ElfFile;
import dev.popcornj.kernel.proc.ElfLoader;
import dev.popcornj.kernel.proc.Entropy;
import dev.popcornj.kernel.proc.ExitStatus;
import dev.popcornj.kernel.proc.InitialStack;
import dev.popcornj.kernel.proc.LoadedImage;
import dev.popcornj.kernel.proc.Process;
import dev.popcornj.kernel.syscall.Diagnostics;
import dev.popcornj.kernel.syscall.SystemCalls;
import dev.popcornj.machine.cost.CostModel;
import dev.popcornj.machine.hart.AddressTranslator;
import dev.popcornj.machine.hart.Hart;
import dev.popcornj.machine.hart.Trap;
import dev.popcornj.machine.trace.ChromeTrace;
import dev.popcornj.machine.trace.Trace;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Runs one static riscv64 Linux program to its end on a {@link SingleHartMachine}: loads it, builds
 * its initial stack, then runs the hart and serves its traps (system calls, page faults, fatal
 * exceptions) until the program exits, is killed, or uses up its instruction budget.
 *
 * <p>The program's standard streams are the ones given; nothing is printed anywhere else. Kernel
 * diagnostics go to the {@link Diagnostics} given.
 */
public final class ProgramRunner {
  /** The process id the program sees. */
  public static final int PID = 100;

  /** Instructions per hart run: the budget is checked at least this often. */
  private static final long QUANTUM = 1L << 26;

  /** The same page fault this many times in a row, with no progress, means a hart or kernel bug. */
  private static final int FAULT_LOOP_LIMIT = 8;

  private static final int SP = 2;

  private ProgramRunner() {}

  /**
   * Runs spec's program with the given streams as its fds 0, 1 and 2; output streams are flushed
   * before returning but not closed.
   *
   * @throws BadProgramException when the file is not a program PopcornJ can run
   */
  public static RunResult run(
      RunSpec spec, InputStream stdin, OutputStream stdout, OutputStream stderr, Diagnostics diag)
      throws BadProgramException {
    return run(spec, stdin, stdout, stderr, diag, Trace.off());
  }

  /**
   * As {@link #run(RunSpec, InputStream, OutputStream, OutputStream, Diagnostics)}, recording
   * system calls, page faults and the program's end in trace, in virtual time.
   */
  public static RunResult run(
      RunSpec spec,
      InputStream stdin,
      OutputStream stdout,
      OutputStream stderr,
      Diagnostics diag,
      Trace trace)
      throws BadProgramException {
    ElfFile elf = ElfFile.parse(spec.image());
    SingleHartMachine machine =
        SingleHartMachine.create(spec.isa(), spec.clockHz(), spec.ramBytes());
    Hart hart = machine.hart();
    FrameAllocator frames = new FrameAllocator(machine.view(), machine.ram());
    AddressSpace space = new AddressSpace(frames, hart::flushTlb);
    UserMemory memory = new UserMemory(space, machine.view());
    ConsoleFile out = new ConsoleFile(null, stdout);
    ConsoleFile err = new ConsoleFile(null, stderr);
    FileTable files = new FileTable();
    files.installAt(0, ConsoleFile.input(stdin), false);
    files.installAt(1, out.open(), false);
    files.installAt(2, err.open(), false);
    Entropy entropy = new Entropy(spec.seed());
    Process process = new Process(PID, spec.executable(), space, memory, files, entropy);
    HartClock clock = new HartClock(hart);

    try {
      LoadedImage image = ElfLoader.load(elf, space, machine.view());
      space.initHeap(image.heapStart(), MemoryLayout.MMAP_TOP);
      space.map(
          MemoryLayout.STACK_TOP - MemoryLayout.STACK_LIMIT,
          MemoryLayout.STACK_LIMIT,
          elf.stackExecutable() ? Prot.ALL : Prot.RW,
          Vma.Kind.STACK);
      long sp =
          InitialStack.build(
              memory,
              MemoryLayout.STACK_TOP,
              spec.argv(),
              spec.env(),
              spec.path(),
              image,
              spec.isa().hwcap(),
              new InitialStack.Credentials(Process.UID, Process.UID, Process.GID, Process.GID),
              entropy.bytes(16));
      hart.bind(space, machine.view());
      hart.setPc(image.entry());
      hart.setX(SP, sp);
    } catch (OutOfFramesException e) {
      throw new BadProgramException(
          "does not fit in " + (spec.ramBytes() >> 20) + " MiB of memory");
    }

    String name = spec.path().substring(spec.path().lastIndexOf('/') + 1);
    SystemCalls syscalls = new SystemCalls(process, clock, diag, spec.ramBytes(), name);
    RunResult.Outcome outcome;
    try {
      trace.nameProcess(0, "kernel 0: " + name);
      outcome = loop(spec.maxInstructions(), hart, process, syscalls, diag, trace, spec.cost());
      trace.instant("proc", "end", 0, hart.id(), hart.timePs(), "\"outcome\":" + quote(outcome));
    } catch (RuntimeException e) {
      outcome = new RunResult.Panicked(e.toString());
    } finally {
      out.flush();
      err.flush();
    }
    return new RunResult(
        outcome, hart.instret(), hart.timePs(), syscalls.calls(), space.pageFaults());
  }

  /** Advances the hart's clock by the cost of the page faults just served, and traces them. */
  private static void chargeFaults(
      Hart hart, long faults, long address, Trace trace, CostModel cost) {
    if (faults <= 0) {
      return;
    }
    if (trace.enabled()) {
      trace.span(
          "mm",
          "page fault",
          0,
          hart.id(),
          hart.timePs(),
          faults * cost.pageFaultPs(),
          address < 0
              ? "\"count\":" + faults
              : "\"addr\":\"0x" + Long.toHexString(address) + "\",\"count\":" + faults);
    }
    hart.setTimePs(hart.timePs() + faults * cost.pageFaultPs());
  }

  private static String quote(RunResult.Outcome outcome) {
    return ChromeTrace.quote(String.valueOf(outcome));
  }

  private static RunResult.Outcome loop(
      long maxInstructions,
      Hart hart,
      Process process,
      SystemCalls syscalls,
      Diagnostics diag,
      Trace trace,
      CostModel cost) {
    Trap lastFault = null;
    long lastFaultInstret = -1;
    int repeats = 0;
    while (!process.isDead()) {
      long budget = QUANTUM;
      if (maxInstructions > 0) {
        long left = maxInstructions - hart.instret();
        if (left <= 0) {
          return new RunResult.LimitReached(maxInstructions);
        }
        budget = Math.min(budget, left);
      }
      if (hart.run(budget) != Hart.Stop.TRAP) {
        continue;
      }
      Trap trap = hart.trap();
      int access =
          switch (trap.cause()) {
            case INSTRUCTION_PAGE_FAULT -> AddressTranslator.EXECUTE;
            case LOAD_PAGE_FAULT -> AddressTranslator.READ;
            case STORE_PAGE_FAULT -> AddressTranslator.WRITE;
            default -> -1;
          };
      if (access >= 0) {
        if (trap.equals(lastFault) && hart.instret() == lastFaultInstret) {
          if (++repeats >= FAULT_LOOP_LIMIT) {
            return new RunResult.Panicked("page fault resolved but raised again: " + trap);
          }
        } else {
          repeats = 0;
        }
        lastFault = trap;
        lastFaultInstret = hart.instret();
        long faultsBefore = process.space().pageFaults();
        try {
          if (!process.space().handleFault(trap.tval(), access)) {
            process.kill(Signals.SIGSEGV, "page fault: " + trap);
          }
        } catch (OutOfFramesException e) {
          diag.report("out of memory: killing the program");
          process.kill(Signals.SIGKILL, e.getMessage());
        }
        chargeFaults(hart, process.space().pageFaults() - faultsBefore, trap.tval(), trace, cost);
        continue;
      }
      switch (trap.cause()) {
        case ECALL_FROM_U -> {
          if (trace.enabled()) {
            trace.span(
                "syscall",
                Syscalls.name(hart.x(17)),
                0,
                hart.id(),
                hart.timePs(),
                cost.nullSyscallPs(),
                null);
          }
          hart.setTimePs(hart.timePs() + cost.nullSyscallPs());
          long faultsBefore = process.space().pageFaults();
          try {
            syscalls.handle(hart);
          } catch (OutOfFramesException e) {
            diag.report("out of memory: killing the program");
            process.kill(Signals.SIGKILL, e.getMessage());
          }
          // Pages the kernel faulted in while copying to or from the program cost the same.
          chargeFaults(hart, process.space().pageFaults() - faultsBefore, -1, trace, cost);
        }
        case ILLEGAL_INSTRUCTION -> process.kill(Signals.SIGILL, trap.toString());
        case BREAKPOINT -> process.kill(Signals.SIGTRAP, trap.toString());
        case INSTRUCTION_MISALIGNED, LOAD_MISALIGNED, STORE_MISALIGNED ->
            process.kill(Signals.SIGBUS, trap.toString());
        default -> process.kill(Signals.SIGSEGV, trap.toString());
      }
    }
    if (process.handlerBypassed() && process.exitStatus() instanceof ExitStatus.Killed k) {
      diag.report(
          "the program installed a handler for "
              + Signals.name(k.signal())
              + ", but signal handlers are not run yet: it was terminated");
    }
    return new RunResult.Finished(process.exitStatus());
  }
}
