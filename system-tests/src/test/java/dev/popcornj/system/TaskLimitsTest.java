package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.param.Param;
import dev.popcornj.kernel.run.ProgramRunner;
import dev.popcornj.kernel.run.RunResult;
import dev.popcornj.kernel.run.RunSpec;
import dev.popcornj.machine.cost.CostModel;
import dev.popcornj.machine.trace.Trace;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Containment against guests that ask for too many tasks or too much memory: a fork or thread bomb
 * (guest/stress/taskbomb) meets EAGAIN at threads-max and the machine powers off normally; and in a
 * JVM with a small heap (-Xmx256m), where the machine's 1 GiB of RAM is more than the heap can
 * back, the bombs and a program that touches 900 MiB (guest/stress/memhog) end inside the guest
 * (EAGAIN, the OOM killer) while the JVM exits normally with the guest's status.
 */
class TaskLimitsTest {
  private static final Pattern MADE = Pattern.compile("(fork|thread): made (\\d+), then (\\w+)");

  private static Path root;

  @BeforeAll
  static void build() throws Exception {
    root = Guest.build("out/taskbomb", "out/memhog");
  }

  /** A machine of 64 MiB: Linux's rule gives it threads-max 512, whatever the host heap is. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"fork", "thread"})
  void aBombMeetsEagainAtThreadsMax(String mode) throws Exception {
    Path program = root.resolve("guest/out/taskbomb");
    long ram = 64L << 20;
    RunSpec spec =
        new RunSpec(
            program.toString(),
            program.toString(),
            Files.readAllBytes(program),
            List.of("taskbomb", mode, "100000"),
            RunSpec.DEFAULT_ENV,
            RunSpec.DEFAULT_ISA,
            RunSpec.DEFAULT_CLOCK_HZ,
            ram,
            0,
            RunSpec.DEFAULT_SEED,
            CostModel.defaults(),
            null,
            dev.popcornj.kernel.param.Param.DEFAULT_EPOCH_SECONDS);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    RunResult r =
        ProgramRunner.run(
            spec, new ByteArrayInputStream(new byte[0]), out, err, line -> {}, Trace.off(), true);
    String stdout = out.toString(StandardCharsets.UTF_8);
    String context = r.outcome() + "\n" + stdout + err.toString(StandardCharsets.UTF_8);
    assertInstanceOf(RunResult.Finished.class, r.outcome(), context);
    assertEquals(0, r.exitStatus(), context);
    Matcher m = MADE.matcher(stdout);
    assertTrue(m.find(), context);
    assertEquals("EAGAIN", m.group(3), context);
    // The bomb itself is one task of threads-max.
    assertEquals(Param.threadsMaxFor(ram) - 1, Integer.parseInt(m.group(2)), context);
    assertTrue(stdout.contains(mode + ": reaped " + m.group(2)), context);
  }

  @Test
  void underASmallHeapTheGuestIsRefusedAndTheJvmExitsWithItsStatus() throws Exception {
    Run fork = popcornRun("taskbomb", "fork", "100000");
    assertEquals(0, fork.status(), fork.output());
    Matcher m = MADE.matcher(fork.output());
    assertTrue(m.find() && m.group(3).equals("EAGAIN"), fork.output());

    Run thread = popcornRun("taskbomb", "thread", "100000");
    assertEquals(0, thread.status(), thread.output());
    m = MADE.matcher(thread.output());
    assertTrue(m.find() && m.group(3).equals("EAGAIN"), thread.output());

    // 900 MiB of the machine's 1 GiB is more than a 256 MiB heap can back: the OOM killer.
    Run hog = popcornRun("memhog", "900");
    assertEquals(128 + 9, hog.status(), hog.output());
    assertTrue(hog.output().contains("out of memory: killing process"), hog.output());
  }

  private record Run(int status, String output) {}

  /** popcorn run of a guest program in a JVM of its own with a 256 MiB heap. */
  private static Run popcornRun(String program, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "--enable-native-access=ALL-UNNAMED",
            "-Xmx256m",
            "-XX:+UseParallelGC",
            "-Xss16m",
            "-cp"));
    command.add(System.getProperty("java.class.path"));
    command.addAll(List.of("dev.popcornj.cli.Main", "run"));
    command.add(root.resolve("guest/out/" + program).toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] output = p.getInputStream().readAllBytes();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
    }
    return new Run(p.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
