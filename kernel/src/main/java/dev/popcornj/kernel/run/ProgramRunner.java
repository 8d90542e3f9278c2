package dev.popcornj.kernel.run;

import dev.popcornj.kernel.boot.Kernel;
import dev.popcornj.kernel.boot.KernelConfig;
import dev.popcornj.kernel.fs.ConsoleFile;
import dev.popcornj.kernel.fs.FileTable;
import dev.popcornj.kernel.fs.OpenFile;
import dev.popcornj.kernel.fs.Vfs;
import dev.popcornj.kernel.log.Diagnostics;
import dev.popcornj.kernel.msg.KernelState;
import dev.popcornj.kernel.msg.MessageWindow;
import dev.popcornj.kernel.platform.BootException;
import dev.popcornj.kernel.platform.Partition;
import dev.popcornj.kernel.platform.PartitionPlan;
import dev.popcornj.kernel.platform.PartitionPlanner;
import dev.popcornj.kernel.platform.Sbi;
import dev.popcornj.kernel.proc.BadProgramException;
import dev.popcornj.kernel.proc.ElfFile;
import dev.popcornj.kernel.proc.ExitStatus;
import dev.popcornj.kernel.proc.Process;
import dev.popcornj.kernel.services.ServiceCounters;
import dev.popcornj.kernel.services.kexec.KernelImage;
import dev.popcornj.machine.Machine;
import dev.popcornj.machine.desc.HartDescription;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.desc.MemoryRange;
import dev.popcornj.machine.desc.NumaNode;
import dev.popcornj.machine.hart.Hart;
import dev.popcornj.machine.mem.Region;
import dev.popcornj.machine.sim.HostEvents;
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
    RunSpec.Kernels replicated = spec.kernels();
    MachineDescription desc = replicated == null ? describe(spec) : replicated.machine();
    PartitionPlan plan =
        replicated == null ? null : PartitionPlanner.plan(desc, replicated.count());
    Machine machine = new Machine(desc, options(spec, trace, stdout));
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
    Firmware firmware = plan == null ? null : new Firmware(machine, diag);
    List<Integer> harts = new ArrayList<>();
    List<Region> memory = new ArrayList<>();
    String machineWords;
    long kernelBytes;
    if (plan == null) {
      for (int i = 0; i < spec.harts(); i++) {
        harts.add(i);
      }
      memory.add(new Region(RAM_BASE, spec.ramBytes()));
      machineWords = "console=host";
      kernelBytes = spec.ramBytes();
    } else {
      // The primary's partition and the messaging window, as popcorn boot --kernels K has them.
      Partition primary = plan.kernels().getFirst().partition();
      Region window = plan.messageWindow();
      MessageWindow.format(firmware.memory(), window.base(), window.size(), replicated.count());
      harts.addAll(primary.harts());
      memory.addAll(primary.memory());
      memory.add(window);
      machineWords = plan.kernels().getFirst().cmdline() + replicated.words();
      kernelBytes = primary.memoryBytes();
    }
    // popcorn_run: init is the program, standing in for a process under qemu-riscv64, so it gets
    // no shield from signals as a system's init does.
    String limits = HostLimits.forThisHost(kernelBytes, desc.memoryBytes()).bootWords();
    KernelConfig config =
        new KernelConfig(
            0,
            machineWords
                + " quiet popcorn_run "
                + limits
                + (checkInvariants ? " debug_invariants" : "")
                + " popcorn_epoch="
                + spec.epochSeconds(),
            harts,
            memory,
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
            firmware == null ? Sbi.none() : firmware,
            spec.hostFiles());
    Kernel kernel = new Kernel(Platforms.of(machine, config), config);
    long limit = spec.maxInstructions() > 0 ? spec.maxInstructions() : Long.MAX_VALUE;
    machine
        .simulation()
        .setHostEvents(
            new HostEvents() {
              @Override
              public void poll(long nowPs) {
                for (int sig = signals.poll(); sig != 0; sig = signals.poll()) {
                  kernel.signalFromHost(sig);
                }
              }

              @Override
              public boolean pending() {
                return signals.pending();
              }
            });
    Kernel.Outcome outcome;
    try {
      if (plan == null) {
        startProgram(kernel::boot);
      } else {
        kernel.bootHoldingInit();
        firmware.register(kernel, plan.kernels().getFirst().partition());
        bootSecondaries(kernel, plan, replicated.secondaryInitramfs(), replicated.words(), diag);
        awaitKernels(machine, kernel, firmware, replicated.count(), diag);
        if (kernel.outcome() == null) {
          startProgram(kernel::startHeldInit);
        }
      }
      outcome = kernel.outcome();
      if (outcome == null) {
        outcome = kernel.run(Long.MAX_VALUE, limit);
      }
      while (outcome instanceof Kernel.Outcome.Deadlocked) {
        int sig = signals.await();
        if (sig == 0) {
          break;
        }
        kernel.signalFromHost(sig);
        outcome = kernel.run(Long.MAX_VALUE, limit);
      }
    } finally {
      if (firmware != null) {
        firmware.shutdown();
      } else {
        kernel.shutdown();
      }
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
    List<Kernel> kernels = firmware == null ? List.of(kernel) : firmware.kernels();
    long syscalls = 0;
    long pageFaults = 0;
    List<ServiceCounters> counters = new ArrayList<>();
    for (Kernel k : kernels) {
      syscalls += k.syscalls().calls();
      pageFaults += pageFaults(k);
      counters.add(k.counters());
    }
    return new RunResult(
        result,
        instret,
        timePs,
        syscalls,
        pageFaults,
        plan == null ? List.of(instret) : instructionsByKernel(machine, plan),
        ServiceCounters.sum(counters));
  }

  /** A boot step that starts the program: its failure is the program's, as execve reports it. */
  private static void startProgram(Runnable step) throws BadProgramException {
    try {
      step.run();
    } catch (BootException e) {
      // The program itself (or its interpreter) is what failed: say so as execve would.
      if (e.getCause() instanceof BadProgramException bad) {
        throw bad;
      }
      throw new BadProgramException(e.getMessage());
    }
  }

  /**
   * The primary boots every other kernel of the plan from the light image and initramfs, as its
   * init does in popcorn boot; each starts when the firmware's IPI reaches its boot hart. A kernel
   * kexec refuses is reported (by kexec, in the diagnostics) and left out: the run goes on without
   * it, as popcorn boot's init goes on.
   */
  private static void bootSecondaries(
      Kernel primary, PartitionPlan plan, byte[] initramfs, String words, Diagnostics diag) {
    byte[] image = KernelImage.build(KernelImage.Kind.LIGHT);
    for (PartitionPlan.Kernel k : plan.kernels().subList(1, plan.kernels().size())) {
      try {
        primary.kexecSecondary(image, initramfs, k.cmdline() + words);
      } catch (BootException e) {
        if (!e.getMessage().isEmpty()) {
          diag.report("kernel " + k.partition().kernelId() + " not booted: " + e.getMessage());
        }
      }
    }
  }

  /** Virtual time the machine runs between two looks at whether every kernel is up: 1 us. */
  private static final long BOOT_STEP_PS = 1_000_000L;

  /** The longest the program waits for the other kernels: 1 s of virtual time. */
  static final long BOOT_WAIT_PS = 1_000_000_000_000L;

  /**
   * Runs the machine until the system is up (see {@link #systemUp}), the primary stops, or {@link
   * #BOOT_WAIT_PS} passed, which is reported: the program then starts on what is up.
   */
  private static void awaitKernels(
      Machine machine, Kernel primary, Firmware firmware, int count, Diagnostics diag) {
    long deadline = machine.simulation().now() + BOOT_WAIT_PS;
    while (primary.outcome() == null && !systemUp(firmware, count)) {
      long now = machine.simulation().now();
      if (now >= deadline) {
        diag.report(
            "not every kernel is up after "
                + BOOT_WAIT_PS / 1_000_000_000_000L
                + " s (virtual); the program starts on those that are");
        return;
      }
      primary.run(Math.min(now + BOOT_STEP_PS, deadline), Long.MAX_VALUE);
    }
  }

  /**
   * Whether every kernel 0..count-1 has booted or failed to, and every one running knows each other
   * one running as online and has all its CPUs up: what a program on the primary may rely on (a CPU
   * count that is the whole machine's, a migration to any kernel).
   */
  static boolean systemUp(Firmware firmware, int count) {
    List<Kernel> kernels = firmware.kernels();
    java.util.Set<Integer> settled = new java.util.TreeSet<>();
    List<Kernel> running = new ArrayList<>();
    for (Kernel k : kernels) {
      settled.add(k.config().kernelId());
      if (k.outcome() == null) {
        running.add(k);
      }
    }
    for (int id = 0; id < count; id++) {
      if (!settled.contains(id) && !firmware.failedToBoot(id)) {
        return false;
      }
    }
    for (Kernel k : running) {
      for (var cpu : k.scheduler().cpus()) {
        if (!cpu.online()) {
          return false;
        }
      }
      for (Kernel other : running) {
        int id = other.config().kernelId();
        boolean known =
            k.endpoint() != null
                && k.endpoint().peer(id).map(p -> p.state() == KernelState.ONLINE).orElse(false);
        if (!known) {
          return false;
        }
      }
    }
    return true;
  }

  /** The instructions each planned kernel's harts executed, by kernel id. */
  private static List<Long> instructionsByKernel(Machine machine, PartitionPlan plan) {
    List<Long> byKernel = new ArrayList<>();
    for (PartitionPlan.Kernel k : plan.kernels()) {
      long sum = 0;
      for (int h : k.partition().harts()) {
        sum += machine.hart(h).instret();
      }
      byKernel.add(sum);
    }
    return byKernel;
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
    return new Machine.Options(spec.seed(), spec.quantumPs(), spec.cost(), trace, console);
  }

  /** A machine of the spec's harts, ISA and clock, with its memory in one node. */
  static MachineDescription describe(RunSpec spec) {
    List<HartDescription> harts = new ArrayList<>();
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < spec.harts(); i++) {
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
