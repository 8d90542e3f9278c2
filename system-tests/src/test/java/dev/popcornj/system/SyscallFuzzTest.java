package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.popcornj.kernel.run.ProgramRunner;
import dev.popcornj.kernel.run.RunResult;
import dev.popcornj.kernel.run.RunSpec;
import dev.popcornj.machine.trace.Trace;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random system calls with random arguments (guest/fuzz/sysfuzz, in forked children) against the
 * kernel: whatever the children do to themselves, the kernel never fails with a host exception
 * (that would end the run as a panic), and its own invariants — frame accounting over every address
 * space and page cache, every space's areas and page tables, the run queues — hold at every process
 * exit and at the end (the kernel checks them with debug_invariants).
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
    List<String> argv =
        List.of(
            "sysfuzz", Long.toString(seed), Integer.toString(CALLS), Integer.toString(CHILDREN));
    RunSpec spec = Guest.spec(program, argv, 4_000_000_000L, seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    RunResult r =
        ProgramRunner.run(
            spec, new ByteArrayInputStream(new byte[0]), out, err, line -> {}, Trace.off(), true);
    String context =
        "seed "
            + seed
            + ": "
            + r.outcome()
            + "\nstdout:\n"
            + out.toString(StandardCharsets.UTF_8)
            + "\nstderr:\n"
            + err.toString(StandardCharsets.UTF_8);
    assertInstanceOf(RunResult.Finished.class, r.outcome(), context);
    assertEquals(0, r.exitStatus(), context);
  }
}
