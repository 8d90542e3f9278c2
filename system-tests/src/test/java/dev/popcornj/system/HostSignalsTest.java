package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The popcorn process as a user runs it, next to qemu-riscv64: a signal sent to the process (as
 * `timeout` or Ctrl-C sends it) reaches the program, which handles it or dies of it with the same
 * exit status; and a prompt written before the program reads shows before any input is given. Both
 * commands run as real host processes; the test waits for the program's own "ready" line before it
 * signals, so nothing depends on how fast either runs.
 */
class HostSignalsTest {
  private static Path root;
  private static Path program;

  @BeforeAll
  static void build() throws Exception {
    root = Guest.build();
    program = root.resolve("guest/out/host_signal");
  }

  private static List<String> popcorn(String... args) {
    Path jar = root.resolve("cli/target/popcorn.jar");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xss16m", "-jar", jar.toString(), "run", program.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static List<String> qemu(String... args) {
    List<String> cmd = new ArrayList<>(List.of("qemu-riscv64", program.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Starts command, waits for its first line, sends TERM; its output and exit status. */
  private static String terminated(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String first = out.readLine();
      // As `timeout` or `kill` would; Process.destroy would also close the pipes read here.
      new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
      StringBuilder rest = new StringBuilder(first).append('\n');
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        rest.append(line).append('\n');
      }
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(command + " did not end after SIGTERM");
      }
      return rest + "status " + p.exitValue();
    } finally {
      p.destroyForcibly();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"trap", "plain"})
  void aSignalSentToPopcornReachesTheProgramAsUnderQemu(String mode) throws Exception {
    String want = terminated(qemu(mode));
    assertEquals(mode.equals("trap") ? "ready\ngot SIGTERM\nstatus 7" : "ready\nstatus 143", want);
    assertEquals(want, terminated(popcorn(mode)));
  }

  /** Answers the prompt only once it has been read: a held-back prompt would hang this test. */
  private static String prompted(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    // A prompt that never comes would block the read below: end the process after a long while,
    // which ends the read with what came (a guard against hanging, not a check of speed).
    Thread guard =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    if (!p.waitFor(120, TimeUnit.SECONDS)) {
                      p.destroyForcibly();
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    try {
      byte[] prompt = p.getInputStream().readNBytes("name? ".length());
      OutputStream in = p.getOutputStream();
      in.write("popcorn\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
      String rest = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        throw new AssertionError(command + " did not end");
      }
      return new String(prompt, StandardCharsets.UTF_8) + rest + "status " + p.exitValue();
    } finally {
      p.destroyForcibly();
      guard.interrupt();
    }
  }

  /**
   * A program that ignores SIGTERM keeps running under one or two, as under qemu-riscv64; the third
   * stops PopcornJ itself (a program that can never end must not hold its user), with one line on
   * stderr and the status of a process killed by SIGTERM.
   */
  @org.junit.jupiter.api.Test
  void theThirdTerminateStopsAProgramThatIgnoresIt() throws Exception {
    Process p = new ProcessBuilder(popcorn("ignore")).redirectErrorStream(true).start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("ready", out.readLine());
      for (int i = 0; i < 2; i++) {
        new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
      }
      // Two are not enough: the program ignores them and goes on.
      assertEquals(true, p.isAlive(), "ended after two SIGTERMs");
      new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
      StringBuilder rest = new StringBuilder();
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        rest.append(line).append('\n');
      }
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        throw new AssertionError("popcorn did not end after the third SIGTERM");
      }
      assertEquals(143, p.exitValue());
      assertEquals(
          "popcorn: stopped by SIGTERM (the program did not end after 3 such signals)\n",
          rest.toString());
    } finally {
      p.destroyForcibly();
    }
  }

  @org.junit.jupiter.api.Test
  void aPromptShowsBeforeTheProgramReads() throws Exception {
    String want = prompted(qemu("prompt"));
    assertEquals("name? hello popcorn\nstatus 0", want);
    assertEquals(want, prompted(popcorn("prompt")));
    assertEquals(true, Files.isRegularFile(program));
  }
}
