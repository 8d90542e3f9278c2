package dev.popcornj.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.cli.BootCommand;
import dev.popcornj.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Shell sessions driven through the console of a booted PopcornJ: each guest/scenarios/NAME.sh is
 * typed line by line into {@code popcorn boot} (its stdin not a terminal; NAME.args, one word a
 * line, adds options such as {@code --kernels 4}), and the lines of NAME.expect must appear in the
 * console output in that order; the machine must power off with status 0 after the input ends.
 */
class ConsoleScenarioTest {
  private static Path root;

  @BeforeAll
  static void buildGuest() throws IOException, InterruptedException {
    root = Guest.build();
  }

  static Stream<String> scenarios() throws IOException {
    Path dir = Guest.root();
    try (Stream<Path> files = Files.list(dir.resolve("guest/scenarios"))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".sh"))
          .map(n -> n.substring(0, n.length() - 3))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void scenarioOutputAppearsInOrder(String name) throws IOException {
    Path dir = root.resolve("guest/scenarios");
    byte[] input = Files.readAllBytes(dir.resolve(name + ".sh"));
    List<String> expected = Files.readAllLines(dir.resolve(name + ".expect"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    BootCommand boot = new BootCommand(new ByteArrayInputStream(input), out, err, false);
    List<String> args = Guest.bootArgs();
    Path extra = dir.resolve(name + ".args");
    if (Files.exists(extra)) {
      args.addAll(Files.readAllLines(extra));
    }
    int status = Main.execute(boot, args.toArray(String[]::new));
    String console = out.toString(StandardCharsets.UTF_8);
    String context = "scenario " + name + "; console:\n" + console + "\nstderr:\n" + err;
    int from = 0;
    for (String line : expected) {
      int at = console.indexOf(line, from);
      assertTrue(at >= 0, "missing \"" + line + "\" (in order) in " + context);
      from = at + line.length();
    }
    // init powers the machine off (reboot) when the shell ends, whatever the shell's status.
    assertEquals(0, status, "exit status of " + context);
  }
}
