package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.run.ProgramRunner;
import dev.popcornj.kernel.run.RunResult;
import dev.popcornj.kernel.run.RunSpec;
import dev.popcornj.machine.trace.Trace;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random system calls with random arguments (guest/fuzz/sysfuzz, in forked children) against the
 * kernel: whatever the children do to themselves, the kernel never fails with a host exception
 * (that would end the run as a panic), and its own invariants — frame accounting over every address
 * space and page cache, every space's areas and page tables, the run queues — hold at every process
 * exit and at the end (the kernel checks them with debug_invariants).
 *
 * <p>The storm runs make the same calls while signals rain on each child and its threads (handled
 * with and without SA_RESTART, ignored, default-ignored, real-time queued, from interval and POSIX
 * timers and from a sender thread; see guest/fuzz/sysfuzz.c). Besides the above, a storm run must
 * replay: the same seed gives the same output, instruction count and virtual time. Properties:
 * {@code sysfuzz.storm.seeds} (comma list) and {@code sysfuzz.storm.calls}.
 */
class SyscallFuzzTest {
  private static final int CALLS = 1500;
  private static final int CHILDREN = 4;

  private static Path program;

  @BeforeAll
  static void build() throws Exception {
    program = Guest.build("out/sysfuzz").resolve("guest/out/sysfuzz");
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 35})
  void randomSystemCallsNeverBreakTheKernel(long seed) throws Exception {
    Run run = run(seed, CALLS, CHILDREN, false);
    assertInstanceOf(RunResult.Finished.class, run.result().outcome(), run.context());
    assertEquals(0, run.result().exitStatus(), run.context());
  }

  private static final int STORM_CHILDREN = 3;

  static Stream<Long> stormSeeds() {
    return Arrays.stream(System.getProperty("sysfuzz.storm.seeds", "1,2,3").split(","))
        .map(String::trim)
        .map(Long::parseLong);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("stormSeeds")
  void signalStormsNeverBreakTheKernelAndReplay(long seed) throws Exception {
    int calls = Integer.getInteger("sysfuzz.storm.calls", 600);
    Run first = run(seed, calls, STORM_CHILDREN, true);
    assertInstanceOf(RunResult.Finished.class, first.result().outcome(), first.context());
    assertEquals(0, first.result().exitStatus(), first.context());
    assertTrue(
        first.stdout().contains("signals handled"), "no child lived through its storm; " + first);
    System.out.print(first.stdout());
    Run second = run(seed, calls, STORM_CHILDREN, true);
    String both = first.context() + "\n--- second run:\n" + second.context();
    assertEquals(first.stdout(), second.stdout(), "replay: output; " + both);
    assertEquals(first.result().instructions(), second.result().instructions(), both);
    assertEquals(first.result().virtualPs(), second.result().virtualPs(), both);
    assertEquals(first.result().syscalls(), second.result().syscalls(), both);
  }

  private record Run(long seed, RunResult result, String stdout, String stderr) {
    String context() {
      return "seed "
          + seed
          + ": "
          + result.outcome()
          + ", "
          + result.instructions()
          + " instructions\nstdout:\n"
          + stdout
          + "\nstderr:\n"
          + stderr;
    }
  }

  private static Run run(long seed, int calls, int children, boolean storm) throws Exception {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "sysfuzz",
                Long.toString(seed),
                Integer.toString(calls),
                Integer.toString(children)));
    if (storm) {
      argv.add("storm");
    }
    RunSpec spec = Guest.spec(program, argv, 4_000_000_000L, seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    RunResult r =
        ProgramRunner.run(
            spec, new ByteArrayInputStream(new byte[0]), out, err, line -> {}, Trace.off(), true);
    return new Run(
        seed, r, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
