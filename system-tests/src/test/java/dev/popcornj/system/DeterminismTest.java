package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import dev.popcornj.cli.BootCommand;
import dev.popcornj.cli.Main;
import dev.popcornj.kernel.run.ProgramRunner;
import dev.popcornj.kernel.run.RunResult;
import dev.popcornj.kernel.run.RunSpec;
import dev.popcornj.machine.trace.Trace;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Invariant 2, determinism: the same program, input and seed on a kernel with several CPUs give the
 * same output, the same instruction count and the same virtual time, byte for byte and picosecond
 * for picosecond, however the host schedules its threads. Programs with many threads, processes,
 * pipes and signals exercise the scheduler, the baton and the wake-up order.
 */
class DeterminismTest {
  private static Path root;

  @BeforeAll
  static void findGuest() {
    root = Guest.root();
  }

  private record Run(byte[] stdout, RunResult result) {}

  private static Run run(String name, long seed) throws Exception {
    Path program = root.resolve("guest/out/" + name);
    if (!Files.exists(program)) {
      fail(program + " is missing: GuestDifferentialTest builds it (make -C guest)");
    }
    RunSpec spec = Guest.spec(program, List.of(name), 2_000_000_000L, seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    RunResult r =
        ProgramRunner.run(
            spec, new ByteArrayInputStream(new byte[0]), out, err, line -> {}, Trace.off(), true);
    assertInstanceOf(
        RunResult.Finished.class,
        r.outcome(),
        name + ": " + r.outcome() + " " + err.toString(StandardCharsets.UTF_8));
    return new Run(out.toByteArray(), r);
  }

  /** One boot of four kernels with the kernels scenario as input: console output and trace. */
  private static byte[][] bootReplicated(Path traceFile) throws Exception {
    byte[] input = Files.readAllBytes(root.resolve("guest/scenarios/kernels.sh"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.execute(
            new BootCommand(new ByteArrayInputStream(input), out, err, false),
            Guest.bootArgs("--kernels", "4", "--trace", traceFile.toString())
                .toArray(String[]::new));
    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    return new byte[][] {out.toByteArray(), Files.readAllBytes(traceFile)};
  }

  @org.junit.jupiter.api.Test
  void fourKernelsBootCrashAndRebootTheSameWayTwice(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    byte[][] first = bootReplicated(dir.resolve("first.json"));
    byte[][] second = bootReplicated(dir.resolve("second.json"));
    assertArrayEquals(first[0], second[0], "console output differs between runs");
    assertArrayEquals(first[1], second[1], "trace (messages, IPIs, system calls) differs");
  }

  @ParameterizedTest
  @ValueSource(strings = {"threads_sync", "threads_basic", "fork_wait", "pipe_basic", "sig_eintr"})
  void sameInputsGiveTheSameRun(String name) throws Exception {
    Run first = run(name, 42);
    Run second = run(name, 42);
    assertArrayEquals(first.stdout(), second.stdout(), name + ": output differs between runs");
    assertEquals(
        first.result().instructions(),
        second.result().instructions(),
        name + ": instruction counts differ between runs");
    assertEquals(
        first.result().virtualPs(),
        second.result().virtualPs(),
        name + ": virtual time differs between runs");
    assertEquals(
        first.result().syscalls(),
        second.result().syscalls(),
        name + ": system-call counts differ between runs");
  }
}
