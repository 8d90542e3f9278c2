package dev.popcornj.cli;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.log.Diagnostics;
import dev.popcornj.kernel.platform.BootException;
import dev.popcornj.kernel.platform.PartitionPlanner;
import dev.popcornj.kernel.proc.BadProgramException;
import dev.popcornj.kernel.proc.ElfFile;
import dev.popcornj.kernel.run.BootRunner;
import dev.popcornj.kernel.run.HostSignals;
import dev.popcornj.kernel.run.ProgramRunner;
import dev.popcornj.kernel.run.RunResult;
import dev.popcornj.kernel.run.RunSpec;
import dev.popcornj.machine.Machine;
import dev.popcornj.machine.desc.HartDescription;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.desc.MachineFileException;
import dev.popcornj.machine.desc.MachineFiles;
import dev.popcornj.machine.desc.Printable;
import dev.popcornj.machine.hart.Isa;
import dev.popcornj.machine.trace.Trace;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code popcorn run}: runs one riscv64 Linux program, passing the host's standard streams through,
 * and exits with the program's status: on one kernel of a four-hart machine, or with {@code
 * --kernels K} on the primary of K replicated kernels (or, with {@code --on N}, as init of kernel
 * N).
 */
public final class RunCommand implements Command {
  Path stats;
  Path trace;
  long maxInstructions;
  long quantumNs;
  int hop;
  int harts;
  boolean spread;
  String dsm;
  String isa;
  int kernels;
  int on;
  String machine;
  List<String> log = new ArrayList<>();
  Path root;
  Path prefix;
  List<String> setEnv = new ArrayList<>();
  List<String> unsetEnv = new ArrayList<>();
  Long epoch;
  String program;
  List<String> args = new ArrayList<>();

  /** The exit status of qemu-riscv64 when it cannot load a program's interpreter. */
  static final int STATUS_NO_INTERPRETER = 255;

  /** The items -d knows. */
  static final List<String> LOG_ITEMS = List.of("unimp");

  @Override
  public Cli.Spec spec() {
    return new Cli.Spec(
            "run",
            "Run a riscv64 Linux program on PopcornJ: on one kernel, or with --kernels K on the"
                + " primary of K replicated kernels, where it sees the whole system and may migrate.",
            "Options must come before PROG; everything after it goes to the program.",
            "",
            "Exit status: the program's, 128+N when signal N killed it, "
                + RunResult.STATUS_LIMIT
                + " when --max-instructions stopped it, 2 for a usage error or a file that is not a"
                + " static riscv64 program, "
                + RunResult.STATUS_PANIC
                + " for an internal error.")
        // Guest arguments such as -n after PROG belong to the program, not to popcorn.
        .stopAtFirstParameter()
        .add(
            Cli.option("--stats")
                .label("FILE")
                .description(
                    "Write run statistics as JSON to FILE (instructions, also by kernel, times,"
                        + " MIPS, migrations, remote system calls, page transfers).")
                .value(Cli.PATH, v -> stats = v))
        .add(
            Cli.option("--trace")
                .label("FILE")
                .description(
                    "Write a Chrome trace-event JSON file (open it in ui.perfetto.dev): system calls"
                        + " and page faults in virtual time.")
                .value(Cli.PATH, v -> trace = v))
        .add(
            Cli.option("--max-instructions")
                .label("N")
                .description(
                    "Stop the program after N instructions, of all kernels together (exit status"
                        + " 124). Default: no limit.")
                .value(Cli.LONG, v -> maxInstructions = v))
        .add(
            Cli.option("--quantum")
                .label("NS")
                .byDefault("10000")
                .description(
                    "The simulation's quantum in nanoseconds of virtual time: harts run this long"
                        + " between the boundaries where effects across harts (interrupts, messages"
                        + " between kernels) become visible, so a round trip between kernels costs"
                        + " about two quanta. Smaller is finer and slower. Default: {default} (10"
                        + " us).")
                .value(Cli.LONG, v -> quantumNs = v))
        .add(
            Cli.option("--hop")
                .label("N")
                .byDefault("0")
                .description(
                    "With --kernels: every task moves to the next kernel before its N-th system"
                        + " call, and again every N calls (popcorn_hop=N on every kernel), to check"
                        + " that a program gives the same results wherever its calls run. Default:"
                        + " 0 (tasks move only when asked).")
                .value(Cli.INT, v -> hop = v))
        .add(
            Cli.option("--harts")
                .label("N")
                .byDefault("4")
                .description(
                    "The harts of a one-kernel run's machine (1 to 64), all in one SMP kernel; with"
                        + " --kernels the machine gives them (see --machine). Default: {default}.")
                .value(Cli.INT, v -> harts = v))
        .add(
            Cli.option("--spread")
                .description(
                    "With --kernels: each new thread of PROG starts on the next kernel in turn"
                        + " (round robin, the origin first; popcorn_spread=1 on every kernel), so"
                        + " one multithreaded process runs on all the kernels, its memory kept"
                        + " consistent by the DSM (see --dsm).")
                .flag(v -> spread = v))
        .add(
            Cli.option("--dsm")
                .label("MODE")
                .byDefault("replicate")
                .description(
                    "How the memory of a process with threads on several kernels stays consistent:"
                        + " replicate (pages copied into each kernel's own memory, a page directory"
                        + " at the origin; readers replicate, a writer invalidates) or share (the"
                        + " process's pages in windows of the origin's memory that the firmware"
                        + " grants to exactly the kernels its threads run on; only page tables are"
                        + " per kernel). Default: {default}.")
                .value(Cli.STRING, v -> dsm = v))
        .add(
            Cli.option("--isa")
                .label("ISA")
                .byDefault("rv64imafdc")
                .description(
                    "The harts' ISA string, for a one-kernel run (with --kernels, --machine gives"
                        + " each hart's). Default: {default}.")
                .value(Cli.STRING, v -> isa = v))
        .add(
            Cli.option("--kernels")
                .label("K")
                .byDefault("1")
                .description(
                    "Boot K kernels (the replicated system of popcorn boot) and run PROG on the"
                        + " primary once they are up, with the host's files, working directory and"
                        + " environment as on one kernel (or on the kernel --on names). Default:"
                        + " {default} (PROG alone on one kernel).")
                .value(Cli.INT, v -> kernels = v))
        .add(
            Cli.option("--on")
                .label("N")
                .byDefault("0")
                .description(
                    "With --kernels K: the kernel (0..K-1) that runs PROG; 0, the primary, by"
                        + " default. On a secondary PROG is that kernel's init, from its initramfs,"
                        + " with its console as stdin and stdout; --trace, --machine and -d work"
                        + " there, the options of the host's view (--root, -L, --env, --unset-env,"
                        + " --epoch), --stats and --max-instructions only on the primary.")
                .value(Cli.INT, v -> on = v))
        .add(
            Cli.option("--machine")
                .label("M")
                .byDefault("default")
                .description("With --kernels: the machine (preset or file). Default: {default}.")
                .value(Cli.STRING, v -> machine = v))
        .add(
            Cli.option("-d", "--log")
                .label("ITEMS")
                .split(",")
                .description(
                    "What PopcornJ reports on stderr besides errors, as qemu-riscv64's -d: unimp"
                        + " (each system call PopcornJ does not implement, once).")
                .values(Cli.STRING, log::add))
        .add(
            Cli.option("--root")
                .label("DIR")
                .description(
                    "The host directory that is the program's / (as chroot does). Default: the"
                        + " host's /. /dev, /proc and /tmp are the kernel's own either way.")
                .value(Cli.PATH, v -> root = v))
        .add(
            Cli.option("-L")
                .label("DIR")
                .description(
                    "As qemu-riscv64 -L: absolute paths are looked up under DIR first, then as they"
                        + " are; this is where a dynamically linked program's loader and libraries"
                        + " are found. Default: QEMU_LD_PREFIX, else /usr/riscv64-linux-gnu when it"
                        + " exists (-L / for none).")
                .value(Cli.PATH, v -> prefix = v))
        .add(
            Cli.option("--env", "-E")
                .label("VAR=VALUE")
                .description(
                    "Set VAR in the program's environment (the host's environment by default).")
                .values(Cli.STRING, setEnv::add))
        .add(
            Cli.option("--unset-env", "-U")
                .label("VAR")
                .description("Remove VAR from the program's environment.")
                .values(Cli.STRING, unsetEnv::add))
        .add(
            Cli.option("--epoch")
                .label("SECONDS")
                .description(
                    "The realtime clock at boot, in seconds since 1970, to replay a run. Default:"
                        + " the host's time now (written to --stats as epoch).")
                .value(Cli.LONG, v -> epoch = v))
        .add(
            Cli.parameter("PROG")
                .description("The program: a riscv64 Linux ELF, static or dynamically linked.")
                .value(Cli.STRING, v -> program = v))
        .add(
            Cli.parameter("ARGS")
                .description("Arguments passed to the program.")
                .values(Cli.STRING, args::add));
  }

  private final InputStream stdin;
  private final OutputStream stdout;
  private final OutputStream stderr;
  private final boolean hostProcess;

  /**
   * Runs with the host's own standard streams, as the popcorn process: the signals it receives go
   * to the program.
   */
  public RunCommand() {
    this(
        new FileInputStream(FileDescriptor.in),
        new FileOutputStream(FileDescriptor.out),
        new FileOutputStream(FileDescriptor.err),
        true);
  }

  /**
   * Runs with the given streams as the program's and popcorn's own standard streams, inside another
   * program (no host signals are caught; a run whose tasks all sleep ends as a deadlock).
   */
  public RunCommand(InputStream stdin, OutputStream stdout, OutputStream stderr) {
    this(stdin, stdout, stderr, false);
  }

  private RunCommand(
      InputStream stdin, OutputStream stdout, OutputStream stderr, boolean hostProcess) {
    this.hostProcess = hostProcess;
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * run --kernels K --on N: boots K kernels as popcorn boot does (the guest's initramfs files are
   * needed) and runs PROG as init of kernel N; its console is this process's stdin and stdout.
   */
  private int runOnSecondary(byte[] image, PrintStream messages, OutputStream out) {
    parseElf(image);
    Path guestOut = guestOut("initramfs.cpio");
    // handed to the boot, which lets go of it once it is in the primary's memory
    BootRunner.Archive full =
        new BootRunner.Archive(Inputs.initramfs(guestOut.resolve("initramfs.cpio"), BUILD_HINT));
    byte[] light = Inputs.initramfs(guestOut.resolve("initramfs-light.cpio"), BUILD_HINT);
    MachineDescription desc = machineDescription();
    String path = Path.of(program).toAbsolutePath().normalize().toString();
    Machine.Options options = Machine.Options.defaults(out);
    TraceFile traceFile = trace == null ? null : TraceFile.open(trace);
    if (traceFile != null) {
      options = options.withTrace(traceFile.recorder());
    }
    BootRunner.Result result;
    try {
      result =
          BootRunner.boot(
              desc,
              options,
              full,
              kernels,
              light,
              new BootRunner.Program(on, path, image, args),
              BootRunner.Extras.NONE,
              BootRunner.lines(stdin, () -> {}),
              diagnostics(messages));
    } catch (BootException e) {
      throw new UserError(e.getMessage());
    } finally {
      try {
        out.flush();
      } catch (IOException e) {
        // The host closed its side.
      }
      if (traceFile != null) {
        traceFile.close();
      }
    }
    if (traceFile != null) {
      traceFile.throwIfFailed();
    }
    return result.status();
  }

  private static final String BUILD_HINT = " (build the guest with: make -C guest)";

  /**
   * The guest build's output directory holding archive: beside the popcorn command (popcornj.home,
   * else the project the running jar was built in), else in the working directory or one above it.
   */
  private static Path guestOut(String archive) {
    List<Path> candidates = new ArrayList<>();
    Path home = HostView.popcornHome();
    if (home != null) {
      candidates.add(home);
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      candidates.add(d);
    }
    for (Path base : candidates) {
      if (Files.exists(base.resolve("guest/out").resolve(archive))) {
        return base.resolve("guest/out");
      }
    }
    throw new UserError(
        "--kernels needs guest/out/"
            + archive
            + " beside popcorn, here or in a directory above (build the guest with: make -C"
            + " guest)");
  }

  private MachineDescription machineDescription() {
    try {
      return MachineFiles.load(machine);
    } catch (MachineFileException e) {
      throw new UserError(e.getMessage());
    }
  }

  private void parseElf(byte[] image) {
    try {
      ElfFile.parse(image);
    } catch (BadProgramException e) {
      throw new UserError(program + ": " + e.getMessage());
    }
  }

  /**
   * Options that do not apply to the kernels and kernel PROG runs on are refused, each with one
   * line saying why, rather than silently ignored.
   */
  private void checkCombinations() {
    if (kernels < 1) {
      throw new UserError(
          "--kernels " + kernels + ": give 1 or more (1 runs PROG alone on one kernel)");
    }
    if (hop < 0) {
      throw new UserError("--hop " + hop + ": give 0 (off) or more");
    }
    if (quantumNs < 1 || quantumNs > 1_000_000_000L) {
      throw new UserError("--quantum " + quantumNs + ": give 1 to 1000000000 nanoseconds");
    }
    if (!dsm.equals("replicate") && !dsm.equals("share")) {
      throw new UserError("--dsm " + dsm + ": give replicate or share");
    }
    if (harts < 1 || harts > 64) {
      throw new UserError("--harts " + harts + ": give 1 to 64");
    }
    if (kernels > 1 && given("--harts")) {
      throw new UserError(
          "--harts is for a one-kernel run; with --kernels the machine gives the harts (see"
              + " --machine)");
    }
    if (kernels == 1) {
      if (spread) {
        throw new UserError(
            "--spread needs --kernels K (at least 2): threads go round the kernels");
      }
      if (hop != 0) {
        throw new UserError("--hop needs --kernels K (at least 2): tasks hop between kernels");
      }
      if (on != 0 || given("--on")) {
        throw new UserError("--on needs --kernels K (at least 2)");
      }
      if (given("--machine")) {
        throw new UserError(
            "--machine needs --kernels K (at least 2); a one-kernel run has its own machine (see"
                + " --isa)");
      }
      return;
    }
    if (on < 0 || on >= kernels) {
      throw new UserError(
          "--on "
              + on
              + ": must name one of the kernels, 0.."
              + (kernels - 1)
              + " (0 the primary)");
    }
    if (given("--isa")) {
      throw new UserError(
          "--isa is for a one-kernel run; with --kernels "
              + kernels
              + " the machine gives each hart's ISA (see --machine)");
    }
    if (on == 0) {
      return;
    }
    for (String primaryOnly :
        new String[] {
          "--stats",
          "--max-instructions",
          "--hop",
          "--spread",
          "--quantum",
          "--root",
          "-L",
          "--env",
          "--unset-env",
          "--epoch"
        }) {
      if (given(primaryOnly)) {
        throw new UserError(
            primaryOnly
                + " is for a program on the primary (leave --on out); with --on "
                + on
                + " PROG runs as init of kernel "
                + on
                + ", from its initramfs");
      }
    }
  }

  /** The command line being run: which options the user gave. */
  private Cli.Invocation invocation;

  /** True when the user gave the option (and not its default). */
  private boolean given(String option) {
    return invocation.given(option);
  }

  @Override
  public int call(Cli.Invocation invocation) {
    this.invocation = invocation;
    BufferedOutputStream out = new BufferedOutputStream(stdout, 1 << 16);
    OutputStream err = new FlushingBefore(stderr, out);
    PrintStream messages = new PrintStream(err, true, StandardCharsets.UTF_8);
    try {
      return run(out, err, messages);
    } catch (UserError e) {
      // Printed here, not by Main: this stream keeps its order with the program's output.
      messages.println("popcorn: " + Printable.escape(e.getMessage()));
      return 2;
    }
  }

  private int run(BufferedOutputStream out, OutputStream err, PrintStream messages) {
    Isa hartIsa;
    try {
      hartIsa = Isa.parse(isa);
    } catch (IllegalArgumentException e) {
      throw new UserError("--isa: " + e.getMessage());
    }
    if (maxInstructions < 0) {
      throw new UserError("--max-instructions must not be negative");
    }
    checkCombinations();
    for (String item : log) {
      if (!LOG_ITEMS.contains(item)) {
        throw new UserError("-d " + item + ": unknown; PopcornJ reports " + LOG_ITEMS);
      }
    }
    byte[] image = Inputs.program(Path.of(program));
    if (on != 0) {
      return runOnSecondary(image, messages, out);
    }
    List<String> argv = new ArrayList<>();
    argv.add(program);
    argv.addAll(args);
    List<String> hostEnv = HostView.hostEnvironment();
    HostView host =
        HostView.of(root, HostView.prefix(prefix, hostEnv, defaultPrefixes()), Path.of(program));
    RunSpec spec =
        RunSpec.of(program, host.executable(), image, argv)
            .withIsa(hartIsa)
            .withMaxInstructions(maxInstructions)
            .withEnv(HostView.environment(hostEnv, setEnv, unsetEnv))
            .withHostFiles(host.files())
            .withEpochSeconds(epoch != null ? epoch : System.currentTimeMillis() / 1000)
            .withQuantumPs(quantumNs * 1000)
            .withHarts(harts);
    if (kernels > 1) {
      // The ELF first: a program that cannot run is refused before the guest build is looked for.
      parseElf(image);
      byte[] light =
          Inputs.initramfs(guestOut("initramfs-light.cpio").resolve("initramfs-light.cpio"), "");
      spec =
          spec.withKernels(
              new RunSpec.Kernels(kernels, machineDescription(), light, hop, spread, dsm));
    }

    TraceFile traceFile = trace == null ? null : TraceFile.open(trace);
    Trace recorder = traceFile == null ? Trace.off() : traceFile.recorder();
    long start = System.nanoTime();
    long jitStart = jitMillis();
    RunResult result;
    HostSignals signals = hostProcess ? new HostSignalRelay() : HostSignals.none();
    try {
      result =
          ProgramRunner.run(spec, stdin, out, err, diagnostics(messages), recorder, false, signals);
    } catch (BadProgramException e) {
      if (e.interpreter() != null) {
        // As qemu-riscv64, which cannot load the interpreter either: one line and status 255.
        String hint =
            e.errno() == Errno.ENOENT
                ? " (give the directory holding its C library with -L DIR or QEMU_LD_PREFIX)"
                : "";
        messages.println("popcorn: " + Printable.escape(program + ": " + e.getMessage() + hint));
        return STATUS_NO_INTERPRETER;
      }
      throw new UserError(program + ": " + e.getMessage());
    } catch (BootException e) {
      // The machine cannot hold the kernels asked for, or the primary cannot boot on it.
      throw new UserError(e.getMessage());
    } finally {
      if (signals instanceof HostSignalRelay relay) {
        relay.close();
      }
      if (traceFile != null) {
        traceFile.close();
      }
    }
    double hostSeconds = (System.nanoTime() - start) / 1e9;
    double jitSeconds = (jitMillis() - jitStart) / 1e3;

    switch (result.outcome()) {
      case RunResult.LimitReached l ->
          messages.println(
              "popcorn: "
                  + program
                  + ": stopped after "
                  + l.budget()
                  + " instructions (--max-instructions)");
      case RunResult.Panicked p ->
          messages.println("popcorn: " + program + ": internal error: " + p.reason());
      case RunResult.Finished f -> {}
    }
    if (traceFile != null) {
      traceFile.throwIfFailed();
    }
    if (stats != null) {
      try {
        Files.writeString(
            stats, statsJson(spec, result, hostSeconds, jitSeconds), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UserError("--stats " + stats + ": cannot write: " + e.getMessage());
      }
    }
    return result.exitStatus();
  }

  /** PopcornJ's riscv64 root (its /bin/sh and tools), then the cross C library's directory. */
  private static List<Path> defaultPrefixes() {
    List<Path> dirs = new ArrayList<>();
    Path own = HostView.popcornRoot();
    if (own != null) {
      dirs.add(own);
    }
    dirs.add(HostView.CROSS_LIBC);
    return dirs;
  }

  /** PopcornJ's own reports on stderr: always errors, unimplemented calls with -d unimp. */
  private Diagnostics diagnostics(PrintStream messages) {
    boolean unimp = log.contains("unimp");
    return new Diagnostics() {
      @Override
      public void report(String line) {
        messages.println("popcorn: " + line);
      }

      @Override
      public void unimplemented(String line) {
        if (unimp) {
          report(line);
        }
      }
    };
  }

  /** The counters every run's statistics show, 0 when no service registered them. */
  static final List<String> SHOWN_COUNTERS =
      List.of("migrations", "remote_syscalls", "page_transfers");

  /**
   * Milliseconds the JVM's JIT compilers have worked so far, or 0 when the JVM does not say. Hot
   * guest code is translated into JVM classes that the JIT then compiles, so in a run of a few
   * seconds this is a large share of the host time; --stats reports it beside host_seconds.
   */
  private static long jitMillis() {
    java.lang.management.CompilationMXBean jit =
        java.lang.management.ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : 0;
  }

  static String statsJson(RunSpec spec, RunResult r, double hostSeconds, double jitSeconds) {
    double mips = hostSeconds > 0 ? r.instructions() / hostSeconds / 1e6 : 0;
    // The primary's boot hart: the one a one-kernel run's program starts on, too.
    String isaName = spec.isa().canonical();
    long clock = spec.clockHz();
    String machineName = "run";
    int kernelCount = 1;
    if (spec.kernels() != null) {
      MachineDescription desc = spec.kernels().machine();
      int boot =
          PartitionPlanner.plan(desc, spec.kernels().count())
              .kernels()
              .getFirst()
              .partition()
              .harts()
              .getFirst();
      for (HartDescription h : desc.harts()) {
        if (h.id() == boot) {
          isaName = h.isa().canonical();
          clock = h.clockHz();
        }
      }
      machineName = desc.name();
      kernelCount = spec.kernels().count();
    }
    StringBuilder byKernel = new StringBuilder("[");
    for (long n : r.instructionsByKernel()) {
      byKernel.append(byKernel.length() > 1 ? ", " : "").append(n);
    }
    byKernel.append(']');
    StringBuilder counters = new StringBuilder("{");
    r.counters().entrySet().stream()
        .sorted(java.util.Map.Entry.comparingByKey())
        .forEach(
            e ->
                counters
                    .append(counters.length() > 1 ? ", " : "")
                    .append(dev.popcornj.machine.trace.ChromeTrace.quote(e.getKey()))
                    .append(": ")
                    .append(e.getValue()));
    counters.append('}');
    return String.format(
        Locale.ROOT,
        "{\n"
            + "  \"program\": %s,\n"
            + "  \"exit_status\": %d,\n"
            + "  \"machine\": %s,\n"
            + "  \"kernels\": %d,\n"
            + "  \"isa\": \"%s\",\n"
            + "  \"clock_hz\": %d,\n"
            + "  \"instructions\": %d,\n"
            + "  \"instructions_by_kernel\": %s,\n"
            + "  \"virtual_seconds\": %.12f,\n"
            + "  \"host_seconds\": %.6f,\n"
            + "  \"host_jit_seconds\": %.3f,\n"
            + "  \"mips\": %.3f,\n"
            + "  \"syscalls\": %d,\n"
            + "  \"page_faults\": %d,\n"
            + "  \"migrations\": %d,\n"
            + "  \"remote_syscalls\": %d,\n"
            + "  \"page_transfers\": %d,\n"
            + "  \"counters\": %s,\n"
            + "  \"epoch\": %d,\n"
            + "  \"root\": %s\n"
            + "}\n",
        dev.popcornj.machine.trace.ChromeTrace.quote(spec.path()),
        r.exitStatus(),
        dev.popcornj.machine.trace.ChromeTrace.quote(machineName),
        kernelCount,
        isaName,
        clock,
        r.instructions(),
        byKernel,
        r.virtualSeconds(),
        hostSeconds,
        jitSeconds,
        mips,
        r.syscalls(),
        r.pageFaults(),
        r.counter(SHOWN_COUNTERS.get(0)),
        r.counter(SHOWN_COUNTERS.get(1)),
        r.counter(SHOWN_COUNTERS.get(2)),
        counters,
        spec.epochSeconds(),
        dev.popcornj.machine.trace.ChromeTrace.quote(
            spec.hostFiles() == null ? "" : spec.hostFiles().root().toString()));
  }

  /**
   * The error stream: flushes the program's buffered output before each write, so that what the
   * program wrote to stdout and stderr keeps its order on a shared terminal.
   */
  private static final class FlushingBefore extends OutputStream {
    private final OutputStream target;
    private final OutputStream before;

    FlushingBefore(OutputStream target, OutputStream before) {
      this.target = target;
      this.before = before;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        before.flush();
      } catch (IOException ignored) {
        // stdout's reader is gone; the program learns of it through its own writes.
      }
      target.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      target.flush();
    }
  }
}
