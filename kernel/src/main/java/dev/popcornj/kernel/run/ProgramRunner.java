package dev.popcornj.kernel.run;

import dev.popcornj.kernel.boot.Kernel;
import dev.popcornj.kernel.boot.KernelConfig;
import dev.popcornj.kernel.fs.ConsoleFile;
import dev.popcornj.kernel.fs.FileTable;
import dev.popcornj.kernel.fs.OpenFile;
import dev.popcornj.kernel.fs.Vfs;
import dev.popcornj.kernel.log.Diagnostics;
import dev.popcornj.kernel.platform.BootException;
import dev.popcornj.kernel.platform.Sbi;
import dev.popcornj.kernel.proc.BadProgramException;
import dev.popcornj.kernel.proc.ElfFile;
import dev.popcornj.kernel.proc.ExitStatus;
import dev.popcornj.kernel.proc.Process;
import dev.popcornj.machine.Machine;
import dev.popcornj.machine.desc.HartDescription;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.desc.MemoryRange;
import dev.popcornj.machine.desc.NumaNode;
import dev.popcornj.machine.hart.Hart;
import dev.popcornj.machine.mem.Region;
import dev.popcornj.machine.trace.Trace;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one static riscv64 Linux program to its end on a PopcornJ kernel booted for it: the program
 * is init, its standard streams are the host's, and the machine powers off when it ends. Used by
 * {@code popcorn run} and the differential tests.
 *
 * <p>Nothing is printed anywhere but the streams given; kernel diagnostics go to the {@link
 * Diagnostics} given.
 */
public final class ProgramRunner {
  /** Harts of the machine a program runs on. */
  public static final int HARTS = 4;

  private static final long RAM_BASE = 0x8000_0000L;
  private static final long TIMEBASE_HZ = 10_000_000L;

  private ProgramRunner() {}

  public static RunResult run(
      RunSpec spec, InputStream stdin, OutputStream stdout, OutputStream stderr, Diagnostics diag)
      throws BadProgramException {
    return run(spec, stdin, stdout, stderr, diag, Trace.off());
  }

  /**
   * Runs spec's program with the given streams as its fds 0, 1 and 2; output streams are flushed
   * before returning but not closed.
   *
   * @throws BadProgramException when the file is not a program PopcornJ can run
   */
  public static RunResult run(
      RunSpec spec,
      InputStream stdin,
      OutputStream stdout,
      OutputStream stderr,
      Diagnostics diag,
      Trace trace)
      throws BadProgramException {
    return run(spec, stdin, stdout, stderr, diag, trace, false);
  }

  /**
   * As above; with checkInvariants the kernel checks its invariants at every process exit and at
   * the end (boot parameter debug_invariants), and a broken one ends the run as a panic.
   */
  public static RunResult run(
      RunSpec spec,
      InputStream stdin,
      OutputStream stdout,
      OutputStream stderr,
      Diagnostics diag,
      Trace trace,
      boolean checkInvariants)
      throws BadProgramException {
    return run(spec, stdin, stdout, stderr, diag, trace, checkInvariants, HostSignals.none());
  }

  /**
   * As above, with the signals the popcorn process receives passed on to the program's process
   * group (SIGINT, SIGTERM, ...): between rounds while it runs, and while every task sleeps the run
   * waits for one instead of ending as a deadlock, as a program under qemu-riscv64 would wait.
   */
  public static RunResult run(
      RunSpec spec,
      InputStream stdin,
      OutputStream stdout,
      OutputStream stderr,
      Diagnostics diag,
      Trace trace,
      boolean checkInvariants,
      HostSignals signals)
      throws BadProgramException {
    ElfFile.parse(spec.image());
    Machine machine = new Machine(describe(spec), options(spec, trace, stdout));
    OpenFile in = ConsoleFile.input(stdin);
    OpenFile out = ConsoleFile.output(stdout);
    OpenFile err = ConsoleFile.output(stderr);
    KernelConfig.Stdio stdio =
        new KernelConfig.Stdio() {
          @Override
          public void install(FileTable files, Vfs vfs) {
            files.installAt(0, in, false);
            files.installAt(1, out, false);
            files.installAt(2, err, false);
          }

          @Override
          public void flush() {
            try {
              stdout.flush();
              stderr.flush();
            } catch (java.io.IOException e) {
              // The host closed its side; nothing more can be shown.
            }
          }
        };
    List<Integer> harts = new ArrayList<>();
    for (int i = 0; i < HARTS; i++) {
      harts.add(i);
    }
    // popcorn_run: init is the program, standing in for a process under qemu-riscv64, so it gets
    // no shield from signals as a system's init does.
    String limits = HostLimits.forThisHost(spec.ramBytes(), spec.ramBytes()).bootWords();
    KernelConfig config =
        new KernelConfig(
            0,
            "console=host quiet popcorn_run "
                + limits
                + (checkInvariants ? " debug_invariants" : "")
                + " popcorn_epoch="
                + spec.epochSeconds(),
            harts,
            List.of(new Region(RAM_BASE, spec.ramBytes())),
            spec.seed(),
            Map.of(spec.executable(), spec.image()),
            spec.executable(),
            spec.argv().isEmpty() ? spec.path() : spec.argv().getFirst(),
            spec.argv().isEmpty() ? List.of() : spec.argv().subList(1, spec.argv().size()),
            spec.env(),
            stdio,
            KernelConfig.Console.NONE,
            diag,
            machine.description(),
            Sbi.none(),
            spec.hostFiles());
    Kernel kernel = new Kernel(Platforms.of(machine, config), config);
    try {
      kernel.boot();
    } catch (BootException e) {
      // The program itself (or its interpreter) is what failed: say so as execve would.
      if (e.getCause() instanceof BadProgramException bad) {
        throw bad;
      }
      throw new BadProgramException(e.getMessage());
    }
    long limit = spec.maxInstructions() > 0 ? spec.maxInstructions() : Long.MAX_VALUE;
    machine
        .simulation()
        .setHostEvents(
            now -> {
              for (int sig = signals.poll(); sig != 0; sig = signals.poll()) {
                kernel.signalFromHost(sig);
              }
            });
    Kernel.Outcome outcome;
    try {
      outcome = kernel.run(Long.MAX_VALUE, limit);
      while (outcome instanceof Kernel.Outcome.Deadlocked) {
        int sig = signals.await();
        if (sig == 0) {
          break;
        }
        kernel.signalFromHost(sig);
        outcome = kernel.run(Long.MAX_VALUE, limit);
      }
    } finally {
      kernel.shutdown();
    }
    RunResult.Outcome result =
        switch (outcome) {
          case Kernel.Outcome.PoweredOff p -> new RunResult.Finished(status(kernel.init()));
          case Kernel.Outcome.Panicked p -> new RunResult.Panicked(p.reason());
          case Kernel.Outcome.LimitReached l -> new RunResult.LimitReached(spec.maxInstructions());
          case Kernel.Outcome.Deadlocked d ->
              new RunResult.Panicked("every task sleeps and nothing can wake one (deadlock)");
        };
    long instret = 0;
    long timePs = 0;
    for (Hart h : machine.harts()) {
      instret += h.instret();
      timePs = Math.max(timePs, h.timePs());
    }
    if (kernel.poweredOffAtPs() >= 0) {
      // The run ends when the program does, not when an idle CPU last looked at its clock.
      timePs = kernel.poweredOffAtPs();
    }
    return new RunResult(result, instret, timePs, kernel.syscalls().calls(), pageFaults(kernel));
  }

  private static long pageFaults(Kernel kernel) {
    return kernel.pageFaultsServed();
  }

  private static ExitStatus status(Process init) {
    int w = init.exitWaitStatus();
    int sig = w & 0x7f;
    if (sig == 0) {
      return new ExitStatus.Exited((w >> 8) & 0xff);
    }
    return new ExitStatus.Killed(sig, "signal");
  }

  private static Machine.Options options(RunSpec spec, Trace trace, OutputStream console) {
    return new Machine.Options(
        spec.seed(), Machine.Options.DEFAULT_QUANTUM_PS, spec.cost(), trace, console);
  }

  /** A machine of {@link #HARTS} harts of the spec's ISA and clock with its memory in one node. */
  static MachineDescription describe(RunSpec spec) {
    List<HartDescription> harts = new ArrayList<>();
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < HARTS; i++) {
      harts.add(new HartDescription(i, spec.isa(), spec.clockHz(), 0));
      ids.add(i);
    }
    MemoryRange ram = new MemoryRange("ram", RAM_BASE, spec.ramBytes(), 0);
    return new MachineDescription(
        "run",
        harts,
        List.of(new NumaNode(0, ids, List.of(ram))),
        List.of(ram),
        List.of(),
        "",
        TIMEBASE_HZ,
        "popcorn run");
  }
}
