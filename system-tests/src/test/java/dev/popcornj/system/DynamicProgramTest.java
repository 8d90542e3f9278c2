package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.cli.Main;
import dev.popcornj.cli.RunCommand;
import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.boot.KernelConfig;
import dev.popcornj.kernel.proc.BadProgramException;
import dev.popcornj.kernel.run.ProgramRunner;
import dev.popcornj.kernel.run.RunResult;
import dev.popcornj.kernel.run.RunSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Dynamically linked programs, run with the cross C library's loader: each of guest/dynamic (and
 * hello built without -static) under qemu-riscv64 -L /usr/riscv64-linux-gnu and under PopcornJ on
 * the host's files with the same lookup prefix must agree on stdout and exit status, with no kernel
 * diagnostics. Then the failures: execve of a program whose interpreter is missing (ENOENT) or no
 * riscv64 ELF (ELIBBAD), and popcorn run of one, which ends as qemu-riscv64 does (one line, status
 * 255).
 */
class DynamicProgramTest {
  /** Where scripts/guest-toolchain's libc6-riscv64-cross puts the loader and the libraries. */
  private static final Path PREFIX = Path.of("/usr/riscv64-linux-gnu");

  private static final long MAX_INSTRUCTIONS = 2_000_000_000L;

  /**
   * Programs that execve riscv64 files: qemu-user leaves that to the host kernel, which refuses.
   */
  private static final Set<String> POPCORN_ONLY = Set.of("exec_interp");

  private static Path root;

  @BeforeAll
  static void build() throws IOException, InterruptedException {
    root = Guest.build();
    assertTrue(
        Files.exists(PREFIX.resolve("lib/ld-linux-riscv64-lp64d.so.1")),
        "no riscv64 dynamic loader under " + PREFIX + ": run scripts/guest-toolchain");
  }

  private static Path program(String name) {
    return root.resolve("guest/out/dynamic").resolve(name);
  }

  @TestFactory
  Stream<DynamicTest> dynamicProgramsAgreeWithQemu() throws IOException {
    List<String> names = new ArrayList<>(List.of("hello"));
    try (Stream<Path> s = Files.list(root.resolve("guest/dynamic"))) {
      s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".c"))
          .map(n -> n.substring(0, n.length() - 2))
          .filter(n -> !POPCORN_ONLY.contains(n))
          .sorted()
          .forEach(names::add);
    }
    assertTrue(names.size() >= 3, "expected hello and guest/dynamic's programs: " + names);
    return names.stream().map(n -> DynamicTest.dynamicTest(n, () -> agree(n)));
  }

  private static void agree(String name) throws Exception {
    Path program = program(name);
    Path qemuCwd = GuestDifferentialTest.freshDirectory("dynamic-" + name, "qemu");
    Path popcornCwd = GuestDifferentialTest.freshDirectory("dynamic-" + name, "popcorn");
    GuestDifferentialTest.Reference qemu =
        GuestDifferentialTest.runQemu(
            List.of("-L", PREFIX.toString()),
            List.of(program.toString()),
            GuestDifferentialTest.hostEnv(qemuCwd),
            qemuCwd,
            Path.of("/dev/null"));
    assertTrue(qemu.stdout().length > 0, name + " printed nothing under qemu");
    GuestDifferentialTest.hostFilesAgree(
        "dynamic/" + name,
        program,
        List.of(program.toString()),
        GuestDifferentialTest.hostEnv(popcornCwd),
        popcornCwd,
        PREFIX.toString(),
        qemu);
  }

  private static RunSpec onHostFiles(Path program, List<String> argv, String prefix)
      throws IOException {
    return RunSpec.of(program.toString(), program.toString(), Files.readAllBytes(program), argv)
        .withHostFiles(new KernelConfig.HostFiles(Path.of("/"), prefix, root.toString()))
        .withMaxInstructions(MAX_INSTRUCTIONS);
  }

  @Test
  void execveFailsAsLinuxDoesWhenTheInterpreterCannotBeRun() throws Exception {
    List<String> argv = new ArrayList<>();
    argv.add(program("exec_interp").toString());
    for (String p : List.of("hello", "no_interp", "bad_interp")) {
      argv.add(program(p).toString());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> diagnostics = new ArrayList<>();
    RunResult r =
        ProgramRunner.run(
            onHostFiles(program("exec_interp"), argv, PREFIX.toString()),
            new ByteArrayInputStream(new byte[0]),
            out,
            new ByteArrayOutputStream(),
            diagnostics::add);
    assertEquals(
        "Hello from riscv64!\n"
            + "hello: exit status 0\n"
            + "no_interp: execve failed: ENOENT\n"
            + "bad_interp: execve failed: ELIBBAD\n",
        out.toString(StandardCharsets.UTF_8));
    assertEquals(0, r.exitStatus());
    assertEquals(List.of(), diagnostics);
  }

  @Test
  void withoutThePrefixTheLoaderIsMissing() {
    BadProgramException e =
        assertThrows(
            BadProgramException.class,
            () ->
                ProgramRunner.run(
                    onHostFiles(program("hello"), List.of("hello"), null),
                    new ByteArrayInputStream(new byte[0]),
                    new ByteArrayOutputStream(),
                    new ByteArrayOutputStream(),
                    line -> {}));
    assertEquals(Errno.ENOENT, e.errno());
    assertEquals("/lib/ld-linux-riscv64-lp64d.so.1", e.interpreter());
  }

  @Test
  void popcornRunEndsAsQemuDoesWhenTheInterpreterIsMissing() throws Exception {
    String program = program("no_interp").toString();
    GuestDifferentialTest.Reference qemu =
        GuestDifferentialTest.runQemu(
            List.of("-L", PREFIX.toString()),
            List.of(program),
            RunSpec.DEFAULT_ENV,
            root,
            Path.of("/dev/null"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.execute(new RunCommand(new ByteArrayInputStream(new byte[0]), out, err), program);
    assertEquals(qemu.status(), status, "qemu-riscv64's status");
    assertEquals("", out.toString(StandardCharsets.UTF_8));
    String line = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, line.lines().count(), line);
    assertTrue(
        line.startsWith(
            "popcorn: "
                + program
                + ": cannot open its interpreter /lib/ld-popcornj-missing.so.1:"
                + " ENOENT"),
        line);
  }
}
