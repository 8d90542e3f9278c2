package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.run.ProgramRunner;
import dev.popcornj.kernel.run.RunResult;
import dev.popcornj.kernel.run.RunSpec;
import dev.popcornj.machine.desc.MachineFiles;
import dev.popcornj.machine.trace.Trace;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Concurrent faults on the same pages from every kernel, in both consistency modes: eight threads
 * of guest/bench/par_shared take turns on one mutex, a shared table and an atomic counter, spread
 * over four kernels, and with every thread also hopping between kernels every few calls (so copies
 * of the process open and close on kernels while others fault). Named invariants:
 *
 * <ul>
 *   <li>DEADLOCK_FREE: the program ends by itself, well inside an instruction budget and a
 *       virtual-time bound, rather than faulting on forever.
 *   <li>NO_LOST_UPDATE: its mutex-protected counter, its atomic counter and its table sum are what
 *       eight threads' turns add up to (the line qemu-riscv64 prints).
 *   <li>FRAMES_ACCOUNTED: the primary checks its frame accounting, windows included, at every
 *       process exit (debug_invariants).
 * </ul>
 */
class DsmContentionTest {
  private static final int THREADS = 8;
  private static final int TURNS = 60;
  private static Path root;

  @BeforeAll
  static void buildGuest() throws Exception {
    root = Guest.root();
    Guest.build();
  }

  @ParameterizedTest(name = "{0}, hop {1}")
  @CsvSource({"replicate, 0", "share, 0", "replicate, 5", "share, 5"})
  void concurrentFaultsOnSharedPagesEndWithEveryUpdate(String dsm, int hop) throws Exception {
    String program = "guest/out/par_shared";
    List<String> argv = List.of(program, Integer.toString(THREADS), Integer.toString(TURNS));
    Process qemu =
        new ProcessBuilder(
                "qemu-riscv64", root.resolve(program).toString(), argv.get(1), argv.get(2))
            .redirectErrorStream(true)
            .start();
    String expected = new String(qemu.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, qemu.waitFor());
    byte[] light = Files.readAllBytes(root.resolve("guest/out/initramfs-light.cpio"));
    RunSpec spec =
        RunSpec.of(
                program,
                root.resolve(program).toString(),
                Files.readAllBytes(root.resolve(program)),
                argv)
            .withMaxInstructions(2_000_000_000L)
            .withKernels(
                new RunSpec.Kernels(4, MachineFiles.load("default"), light, hop, true, dsm));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> diagnostics = new ArrayList<>();
    RunResult result =
        ProgramRunner.run(
            spec,
            new ByteArrayInputStream(new byte[0]),
            out,
            err,
            diagnostics::add,
            Trace.off(),
            true);
    String why =
        " (dsm "
            + dsm
            + ", hop "
            + hop
            + ": "
            + result.outcome()
            + ", stderr "
            + err.toString(StandardCharsets.UTF_8).strip()
            + ", "
            + diagnostics
            + ")";
    assertInstanceOf(RunResult.Finished.class, result.outcome(), "DEADLOCK_FREE" + why);
    assertTrue(
        result.virtualPs() < 5_000_000_000_000L,
        "DEADLOCK_FREE: " + result.virtualPs() / 1e12 + " virtual seconds" + why);
    assertEquals(expected, out.toString(StandardCharsets.UTF_8), "NO_LOST_UPDATE" + why);
    assertEquals(0, result.exitStatus(), "FRAMES_ACCOUNTED" + why);
    assertTrue(result.counter("migrations") > 0, "the threads never left home" + why);
  }
}
