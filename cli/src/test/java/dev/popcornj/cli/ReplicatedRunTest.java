package dev.popcornj.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code popcorn run --kernels K --on N}: the program runs as init of secondary kernel N, booted
 * with kexec by the primary; its console is the command's stdin and stdout, and the machine powers
 * off with its exit status.
 */
class ReplicatedRunTest {
  private static Path root;

  @BeforeAll
  static void buildGuest() throws Exception {
    root = Guest.build();
  }

  private record Outcome(int status, String out, String err) {}

  private static Outcome run(String input, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    RunCommand cmd =
        new RunCommand(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, err);
    int status = new picocli.CommandLine(cmd).execute(args);
    return new Outcome(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aProgramOnASecondaryGetsItsStreamsAndGivesItsStatus() {
    Outcome o =
        run("", "--kernels", "4", "--on", "2", root.resolve("guest/out/exit_code").toString());
    assertEquals(42, o.status(), o.err());
    assertTrue(o.out().contains("atexit: registered first, runs last"), o.out() + o.err());
  }

  @Test
  void stdinReachesTheProgram() {
    Outcome o =
        run(
            "zebra\napple\n",
            "--kernels",
            "3",
            "--on",
            "1",
            root.resolve("guest/out/sort_stdin").toString());
    assertEquals(0, o.status(), o.err());
    int apple = o.out().indexOf("apple");
    int zebra = o.out().indexOf("zebra");
    assertTrue(apple >= 0 && zebra > apple, o.out());
  }

  @Test
  void onMustNameASecondary() {
    Outcome o = run("", "--kernels", "4", "--on", "4", root.resolve("guest/out/hello").toString());
    assertEquals(2, o.status());
    assertTrue(o.err().contains("--on 4"), o.err());
    assertEquals(2, run("", "--on", "1", root.resolve("guest/out/hello").toString()).status());
  }
}
