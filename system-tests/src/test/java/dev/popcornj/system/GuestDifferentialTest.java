package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.popcornj.kernel.boot.KernelConfig;
import dev.popcornj.kernel.proc.BadProgramException;
import dev.popcornj.kernel.run.ProgramRunner;
import dev.popcornj.kernel.run.RunResult;
import dev.popcornj.kernel.run.RunSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The differential suite: every guest program (guest/tests, guest/freestanding and guest/bench,
 * with the arguments of NAME.args, one per line, and the input of NAME.stdin) runs under
 * qemu-riscv64 and under PopcornJ's runner, and the two must agree on every stdout byte and on the
 * exit status. PopcornJ must also need no system call it does not implement. So must busybox
 * (guest/out/busybox/busybox) run with each guest/busybox/tests/NAME.args (the applet and its
 * arguments) on NAME.stdin.
 *
 * <p>A program with a NAME.host file runs on the host's files: under each runner its working
 * directory is a fresh directory of its own under system-tests/target/host-cwd, its environment the
 * default one plus FOO=bar and EXPECT_CWD (that directory), and its arguments may name host files
 * as ${ROOT}/path (absolute) or ${UP}/path (relative to the working directory).
 *
 * <p>The cross compiler and qemu-riscv64 are required, not optional: scripts/test installs them,
 * and without them this suite fails with a message saying so.
 */
class GuestDifferentialTest {
  /** No test program needs more; a hart that loops forever is stopped here. */
  private static final long MAX_INSTRUCTIONS = 2_000_000_000L;

  private static final long QEMU_TIMEOUT_SECONDS = 60;

  private static Path root;

  @BeforeAll
  static void buildGuestPrograms() throws IOException, InterruptedException {
    root = Guest.root();
    for (String tool : List.of("riscv64-linux-gnu-gcc", "qemu-riscv64", "make")) {
      if (!onPath(tool)) {
        fail(
            tool
                + " is not installed: the differential suite needs the riscv64 cross compiler and"
                + " qemu-user (run scripts/guest-toolchain, or scripts/test which does)");
      }
    }
    Guest.build();
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  @TestFactory
  Stream<DynamicTest> guestProgramsAgreeWithQemu() throws IOException {
    List<Path> sources = new ArrayList<>();
    for (String dir : List.of("guest/tests", "guest/freestanding", "guest/bench")) {
      try (Stream<Path> s = Files.list(root.resolve(dir))) {
        s.filter(p -> p.toString().endsWith(".c"))
            .filter(p -> chosen(p.getFileName().toString().replaceFirst("\\.c$", "")))
            .sorted()
            .forEach(sources::add);
      }
    }
    assertTrue(
        sources.size() >= 15 || !ONLY.isEmpty(),
        "expected at least 15 guest programs, found " + sources.size());
    return sources.stream()
        .map(
            src -> {
              String name = src.getFileName().toString().replaceFirst("\\.c$", "");
              return DynamicTest.dynamicTest(name, () -> compare(src.getParent(), name));
            });
  }

  /**
   * -Dpopcornj.diff.only=REGEX runs only the programs whose names match (for working on a few);
   * unset, every program runs.
   */
  private static final String ONLY = System.getProperty("popcornj.diff.only", "");

  private static boolean chosen(String name) {
    return ONLY.isEmpty() || name.matches(ONLY);
  }

  /** Every task moves to the next kernel before every HOP-th system call in the hopping mode. */
  private static final int HOP = 7;

  /**
   * Programs the hopping mode leaves out, with the reason: timers. CPU-time timers (ITIMER_VIRTUAL)
   * do not count time spent away from home, so its busy loop that waits for SIGVTALRM would spin
   * its full 20 virtual seconds, and a POSIX timer's overruns while away arrive as signals of their
   * own. Multithreaded programs hop with all their threads (distributed threads).
   */
  private static final java.util.Set<String> NOT_HOPPING = java.util.Set.of("timers");

  /**
   * The same programs of guest/tests as {@link #guestProgramsAgreeWithQemu}, on four kernels with
   * {@code --hop} {@value #HOP}: each task migrates to the next kernel before every HOP-th system
   * call (its calls then run wherever it is, forwarded home or served there), and the output must
   * still be qemu's.
   */
  @TestFactory
  Stream<DynamicTest> programsAgreeWithQemuWhenTheyHopAcrossKernels() throws Exception {
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(root.resolve("guest/tests"))) {
      s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".c"))
          .map(n -> n.substring(0, n.length() - 2))
          .filter(n -> !NOT_HOPPING.contains(n))
          .filter(GuestDifferentialTest::chosen)
          .filter(n -> !Files.exists(root.resolve("guest/tests/" + n + ".host")))
          .sorted()
          .forEach(names::add);
    }
    byte[] light = Files.readAllBytes(root.resolve("guest/out/initramfs-light.cpio"));
    var machine = dev.popcornj.machine.desc.MachineFiles.load("default");
    return names.stream()
        .map(
            name ->
                DynamicTest.dynamicTest(
                    name, () -> hopping(name, new RunSpec.Kernels(4, machine, light, HOP))));
  }

  /**
   * Signal and job-control programs that also fork, hopping every 3 calls on four kernels and every
   * 2 calls on two, so that their forks are made on other kernels, their children visit the kernel
   * of their files, and signals meet calls on their way home. Hopping every 7 calls missed: a stop
   * relayed to a task whose forwarded read then blocked at home for ever (stop_cont), a child that
   * ran where its file agent stands in for it (epoll_signal), handlers entered one per trap
   * (sig_mask).
   */
  @TestFactory
  Stream<DynamicTest> signalProgramsAgreeWithQemuWhenTheyHopOften() throws Exception {
    byte[] light = Files.readAllBytes(root.resolve("guest/out/initramfs-light.cpio"));
    var machine = dev.popcornj.machine.desc.MachineFiles.load("default");
    return Stream.of(
            "stop_cont",
            "epoll_signal",
            "sig_mask",
            "sig_nested",
            "sig_chld",
            "sig_eintr",
            "fork_wait",
            "process_group")
        .filter(GuestDifferentialTest::chosen)
        .flatMap(
            name ->
                Stream.of(
                    DynamicTest.dynamicTest(
                        name + " on 4 kernels, hopping every 3 calls",
                        () -> hopping(name, new RunSpec.Kernels(4, machine, light, 3))),
                    DynamicTest.dynamicTest(
                        name + " on 2 kernels, hopping every 2 calls",
                        () -> hopping(name, new RunSpec.Kernels(2, machine, light, 2)))));
  }

  /**
   * The multithreaded programs of guest/tests (those using pthreads) on four kernels with {@code
   * --spread}: each new thread starts on the next kernel in turn, so one process runs on all four
   * with its memory kept consistent by the page directory at its origin; the output must still be
   * qemu's, and the threads must really have gone to other kernels.
   */
  @TestFactory
  Stream<DynamicTest> threadedProgramsAgreeWithQemuSpreadOverKernels() throws Exception {
    return spreadOverKernels("replicate");
  }

  /**
   * The same in share mode: the process's pages stay in windows of its origin's memory that the
   * firmware grants to the kernels its threads run on; they map those frames, nothing is copied.
   */
  @TestFactory
  Stream<DynamicTest> threadedProgramsAgreeWithQemuSharingWindows() throws Exception {
    return spreadOverKernels("share");
  }

  private static Stream<DynamicTest> spreadOverKernels(String dsm) throws Exception {
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(root.resolve("guest/tests"))) {
      for (Path p : s.filter(p -> p.toString().endsWith(".c")).sorted().toList()) {
        if (Files.readString(p).contains("pthread_create")) {
          String n = p.getFileName().toString();
          names.add(n.substring(0, n.length() - 2));
        }
      }
    }
    assertTrue(names.size() >= 5, "threaded programs found: " + names);
    byte[] light = Files.readAllBytes(root.resolve("guest/out/initramfs-light.cpio"));
    var machine = dev.popcornj.machine.desc.MachineFiles.load("default");
    return names.stream()
        .map(
            name ->
                DynamicTest.dynamicTest(
                    name,
                    () -> hopping(name, new RunSpec.Kernels(4, machine, light, 0, true, dsm))));
  }

  private static void hopping(String name, RunSpec.Kernels kernels)
      throws IOException, InterruptedException, BadProgramException {
    Path sourceDir = root.resolve("guest/tests");
    String program = "guest/out/" + name;
    Case c = Case.of(sourceDir, name, program);
    List<String> argv = c.argv();
    Path stdinFile = c.stdinFile();
    byte[] stdin = c.stdin();
    Reference qemu = runQemu(argv, stdinFile);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> diagnostics = new ArrayList<>();
    RunSpec spec =
        RunSpec.of(
                program,
                root.resolve(program).toString(),
                Files.readAllBytes(root.resolve(program)),
                argv)
            .withMaxInstructions(MAX_INSTRUCTIONS)
            .withKernels(kernels);
    // The spread runs check the kernel's invariants (frames, windows, page maps) at every exit.
    RunResult result =
        ProgramRunner.run(
            spec,
            new ByteArrayInputStream(stdin),
            out,
            err,
            diagnostics::add,
            dev.popcornj.machine.trace.Trace.off(),
            kernels.spread());
    String context =
        name
            + (kernels.spread()
                ? " spread, dsm " + kernels.dsm()
                : " hopping every " + kernels.hop() + " calls")
            + ": popcorn "
            + result.outcome()
            + " after "
            + result.counter("migrations")
            + " migrations, stderr: "
            + err.toString(StandardCharsets.UTF_8).strip();
    assertEquals(
        "", firstDifference(qemu.stdout(), out.toByteArray()), "stdout differs: " + context);
    assertEquals(qemu.status(), result.exitStatus(), "exit status differs: " + context);
    if (kernels.spread() || result.syscalls() > 4L * kernels.hop()) {
      assertTrue(result.counter("migrations") > 0, "the program never hopped: " + context);
    }
    if (kernels.spread() && kernels.dsm().equals("share")) {
      assertEquals(0, result.counter("dsm_page_transfers"), "share mode copied pages: " + context);
      assertTrue(result.counter("dsm_windows_granted") > 0, "no window was shared: " + context);
      assertEquals(
          result.counter("dsm_windows_granted"),
          result.counter("dsm_windows_revoked"),
          "every window granted is revoked by the end: " + context);
    }
  }

  /** Busybox's applets on inputs where the output depends on nothing but the input. */
  @TestFactory
  Stream<DynamicTest> busyboxAppletsAgreeWithQemu() throws IOException {
    Path dir = root.resolve("guest/busybox/tests");
    List<String> names;
    try (Stream<Path> s = Files.list(dir)) {
      names =
          s.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".args"))
              .map(n -> n.substring(0, n.length() - 5))
              .sorted()
              .toList();
    }
    assertTrue(names.size() >= 5, "expected at least 5 busybox cases, found " + names.size());
    return names.stream()
        .map(
            name ->
                DynamicTest.dynamicTest(
                    name, () -> compare(dir, name, "guest/out/busybox/busybox")));
  }

  private static void compare(Path sourceDir, String name)
      throws IOException, InterruptedException, BadProgramException {
    if (Files.exists(sourceDir.resolve(name + ".host"))) {
      compareOnHostFiles(sourceDir, name);
      return;
    }
    compare(sourceDir, name, "guest/out/" + name);
  }

  /** Runs program (relative to the project) with NAME.args and NAME.stdin of sourceDir. */
  private static void compare(Path sourceDir, String name, String program)
      throws IOException, InterruptedException, BadProgramException {
    Case c = Case.of(sourceDir, name, program);
    List<String> argv = c.argv();
    Path stdinFile = c.stdinFile();
    byte[] stdin = c.stdin();

    Reference qemu = runQemu(argv, stdinFile);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> diagnostics = new ArrayList<>();
    RunSpec spec =
        RunSpec.of(
                program,
                root.resolve(program).toString(),
                Files.readAllBytes(root.resolve(program)),
                argv)
            .withMaxInstructions(MAX_INSTRUCTIONS);
    RunResult result =
        ProgramRunner.run(spec, new ByteArrayInputStream(stdin), out, err, diagnostics::add);

    String context =
        name
            + ": popcorn "
            + result.outcome()
            + ", stderr: "
            + err.toString(StandardCharsets.UTF_8).strip();
    String difference = firstDifference(qemu.stdout(), out.toByteArray());
    assertEquals("", difference, "stdout differs from qemu's: " + context);
    assertEquals(qemu.status(), result.exitStatus(), "exit status differs from qemu's: " + context);
    assertEquals(List.of(), diagnostics, name + ": kernel diagnostics");
  }

  /** A NAME.host program: both runners on the host's files, each in a fresh directory. */
  private static void compareOnHostFiles(Path sourceDir, String name)
      throws IOException, InterruptedException, BadProgramException {
    Path qemuCwd = freshDirectory(name, "qemu");
    Path popcornCwd = freshDirectory(name, "popcorn");
    Path program = root.resolve("guest/out/" + name);
    List<String> args = new ArrayList<>();
    Path argsFile = sourceDir.resolve(name + ".args");
    if (Files.exists(argsFile)) {
      args.addAll(Files.readAllLines(argsFile, StandardCharsets.UTF_8));
    }
    Reference qemu =
        runQemu(argvIn(qemuCwd, program, args), hostEnv(qemuCwd), qemuCwd, Path.of("/dev/null"));
    hostFilesAgree(
        name,
        program,
        argvIn(popcornCwd, program, args),
        hostEnv(popcornCwd),
        popcornCwd,
        null,
        qemu);
  }

  /**
   * Runs argv under PopcornJ on the host's files in cwd, absolute paths looked up under prefix
   * first when it is not null (qemu's -L), and compares with qemu's reference.
   */
  static void hostFilesAgree(
      String name,
      Path program,
      List<String> argv,
      List<String> env,
      Path cwd,
      String prefix,
      Reference qemu)
      throws IOException, BadProgramException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> diagnostics = new ArrayList<>();
    RunSpec spec =
        RunSpec.of(argv.getFirst(), program.toString(), Files.readAllBytes(program), argv)
            .withEnv(env)
            .withHostFiles(new KernelConfig.HostFiles(Path.of("/"), prefix, cwd.toString()))
            .withMaxInstructions(MAX_INSTRUCTIONS);
    RunResult result =
        ProgramRunner.run(spec, new ByteArrayInputStream(new byte[0]), out, err, diagnostics::add);
    String context =
        name
            + " on host files: popcorn "
            + result.outcome()
            + ", stderr: "
            + err.toString(StandardCharsets.UTF_8).strip();
    assertEquals(
        "", firstDifference(qemu.stdout(), out.toByteArray()), "stdout differs: " + context);
    assertEquals(qemu.status(), result.exitStatus(), "exit status differs: " + context);
    assertEquals(List.of(), diagnostics, name + ": kernel diagnostics");
  }

  /** An empty directory of its own for one runner's run of name. */
  static Path freshDirectory(String name, String runner) throws IOException {
    Path dir = Guest.root().resolve("system-tests/target/host-cwd").resolve(name).resolve(runner);
    if (Files.exists(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir);
    return dir;
  }

  private static List<String> argvIn(Path cwd, Path program, List<String> args) {
    List<String> argv = new ArrayList<>();
    argv.add(program.toString());
    String up = cwd.relativize(root).toString();
    for (String a : args) {
      argv.add(a.replace("${ROOT}", root.toString()).replace("${UP}", up));
    }
    return argv;
  }

  static List<String> hostEnv(Path cwd) {
    List<String> env = new ArrayList<>(RunSpec.DEFAULT_ENV);
    env.add("FOO=bar");
    env.add("EXPECT_CWD=" + cwd);
    return env;
  }

  /** 1.5 MiB of arguments, as Linux and qemu-user accept (a quarter of the 8 MiB stack at most). */
  @org.junit.jupiter.api.Test
  void longArgumentListsAgreeWithQemu() throws Exception {
    Path cwd = freshDirectory("big_args", "both");
    Path program = root.resolve("guest/out/big_args");
    List<String> argv = new ArrayList<>();
    argv.add(program.toString());
    for (int i = 0; i < 1536; i++) {
      argv.add(String.valueOf((char) ('a' + i % 26)).repeat(1023));
    }
    Reference qemu = runQemu(argv, hostEnv(cwd), cwd, Path.of("/dev/null"));
    assertTrue(
        new String(qemu.stdout(), StandardCharsets.UTF_8).startsWith("argc=1537 bytes=1572864"),
        "qemu's output: " + new String(qemu.stdout(), StandardCharsets.UTF_8));
    hostFilesAgree("big_args", program, argv, hostEnv(cwd), cwd, null, qemu);
  }

  /** A program's arguments (argv[0] first, then NAME.args) and input (NAME.stdin, or none). */
  private record Case(List<String> argv, Path stdinFile, byte[] stdin) {
    static Case of(Path sourceDir, String name, String program) throws IOException {
      List<String> argv = new ArrayList<>();
      argv.add(program);
      Path argsFile = sourceDir.resolve(name + ".args");
      if (Files.exists(argsFile)) {
        argv.addAll(Files.readAllLines(argsFile, StandardCharsets.UTF_8));
      }
      Path stdinFile = sourceDir.resolve(name + ".stdin");
      byte[] stdin = Files.exists(stdinFile) ? Files.readAllBytes(stdinFile) : new byte[0];
      return new Case(argv, stdinFile, stdin);
    }
  }

  record Reference(byte[] stdout, int status) {}

  private static Reference runQemu(List<String> argv, Path stdinFile)
      throws IOException, InterruptedException {
    return runQemu(argv, RunSpec.DEFAULT_ENV, root, stdinFile);
  }

  static Reference runQemu(List<String> argv, List<String> guestEnv, Path cwd, Path stdinFile)
      throws IOException, InterruptedException {
    return runQemu(List.of(), argv, guestEnv, cwd, stdinFile);
  }

  /** qemu-riscv64 with options (such as -L DIR) before the program. */
  static Reference runQemu(
      List<String> options, List<String> argv, List<String> guestEnv, Path cwd, Path stdinFile)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("qemu-riscv64");
    command.addAll(options);
    command.addAll(argv);
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
    Map<String, String> env = pb.environment();
    env.clear();
    // The guest sees the same environment as under PopcornJ (qemu-user passes its own through).
    for (String kv : guestEnv) {
      int eq = kv.indexOf('=');
      env.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.redirectInput(
        Files.exists(stdinFile)
            ? ProcessBuilder.Redirect.from(stdinFile.toFile())
            : ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p = pb.start();
    byte[] stdout;
    try (InputStream in = p.getInputStream()) {
      stdout = in.readAllBytes();
    }
    if (!p.waitFor(QEMU_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("qemu-riscv64 did not finish " + argv + " within " + QEMU_TIMEOUT_SECONDS + " s");
    }
    return new Reference(stdout, p.exitValue());
  }

  /** Empty when equal; otherwise where and how the two outputs first differ. */
  static String firstDifference(byte[] expected, byte[] actual) {
    int n = Math.min(expected.length, actual.length);
    int i = 0;
    while (i < n && expected[i] == actual[i]) {
      i++;
    }
    if (i == n && expected.length == actual.length) {
      return "";
    }
    int lineStart = i;
    while (lineStart > 0 && expected[lineStart - 1] != '\n') {
      lineStart--;
    }
    return "at byte "
        + i
        + " (qemu "
        + expected.length
        + " bytes, popcorn "
        + actual.length
        + "): qemu line \""
        + line(expected, lineStart)
        + "\", popcorn line \""
        + line(actual, lineStart)
        + "\"";
  }

  private static String line(byte[] b, int start) {
    if (start >= b.length) {
      return "<end>";
    }
    int end = start;
    while (end < b.length && b[end] != '\n' && end - start < 200) {
      end++;
    }
    return new String(b, start, end - start, StandardCharsets.UTF_8);
  }
}
