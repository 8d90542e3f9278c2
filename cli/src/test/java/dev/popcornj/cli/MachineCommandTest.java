package dev.popcornj.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code popcorn machine show|check} print topologies and refuse bad files in one line. */
class MachineCommandTest {
  @TempDir Path dir;

  /** What one run of the popcorn command did. */
  record Run(int status, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }

    List<String> outLines() {
      return out.lines().toList();
    }
  }

  static Run popcorn(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(status, out.toString(), err.toString());
  }

  static final String VALID =
      """
      [[harts]]
      ids = "0-1"
      isa = "rv64imafdc"
      [[memory]]
      name = "low"
      base = 0x8000_0000
      size = "256MiB"
      [[memory]]
      name = "high"
      base = 0x9000_0000
      size = "256MiB"
      """;

  /** A user error: status 2, nothing on stdout, one line on stderr that is no stack trace. */
  static String assertOneLineUserError(Run r) {
    assertEquals(2, r.status(), r.err());
    assertEquals("", r.out());
    assertEquals(1, r.errLines().size(), () -> "stderr: " + r.err());
    String line = r.errLines().getFirst();
    assertTrue(line.startsWith("popcorn: "), line);
    assertFalse(line.contains("Exception"), line);
    assertFalse(line.contains("at dev."), line);
    return line;
  }

  @Test
  void showManycoreListsSixtyFourHartsAndEightNodes() {
    Run r = popcorn("machine", "show", "manycore");
    assertEquals(0, r.status(), r.err());
    assertEquals("", r.err());
    Pattern hart = Pattern.compile("  hart \\d+ +rv64imafdc +2 GHz +node [0-7]");
    assertEquals(64, r.outLines().stream().filter(l -> hart.matcher(l).matches()).count(), r.out());
    Pattern node = Pattern.compile("  node [0-7]  harts \\d+-\\d+  memory 1 GiB \\(dram[0-7]\\)");
    assertEquals(8, r.outLines().stream().filter(l -> node.matcher(l).matches()).count(), r.out());
    assertTrue(r.out().contains("harts (64):"), r.out());
    assertTrue(r.out().contains("numa nodes (8):"), r.out());
    assertTrue(r.out().contains("  node 7  harts 56-63  memory 1 GiB (dram7)"), r.out());
  }

  @Test
  void showWithoutArgumentShowsTheDefaultMachine() {
    Run r = popcorn("machine", "show");
    assertEquals(0, r.status(), r.err());
    String o = r.out();
    assertTrue(o.startsWith("machine default (preset default)\n"), o);
    assertEquals(8, o.lines().filter(l -> l.startsWith("  hart ")).count(), o);
    assertTrue(o.contains("  node 0  harts 0-3  memory 512 MiB (dram0)"), o);
    assertTrue(o.contains("  0x000080000000-0x00009fffffff    512 MiB  ram dram0, node 0"), o);
    assertTrue(o.contains("  0x000010000000-0x000010000fff      4 KiB  mmio uart0 (uart)"), o);
    assertTrue(o.contains("uart0   uart   1b36:0002 #0  mmio 0x10000000  irq 10 -> harts 0-3"), o);
    assertTrue(o.contains("clint0  timer  0000:0001 #0  mmio 0x2000000  no irq"), o);
    assertTrue(o.contains("timebase: 10 MHz\n"), o);
    assertTrue(o.endsWith("boot command line: console=ttyS0\n"), o);
  }

  @Test
  void showHeteroPrintsBothIsas() {
    Run r = popcorn("machine", "show", "hetero");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("  hart 0  rv64imafdc  2 GHz  node 0"), r.out());
    assertTrue(r.out().contains("  hart 7  rv64imac    2 GHz  node 1"), r.out());
  }

  @Test
  void checkAcceptsAValidFileWithOneSummaryLine() throws IOException {
    Path f = dir.resolve("two.toml");
    Files.writeString(f, VALID);
    Run r = popcorn("machine", "check", f.toString());
    assertEquals(0, r.status(), r.err());
    assertEquals(List.of(f + ": ok (2 harts, 1 nodes, 512 MiB)"), r.outLines());
    assertEquals("", r.err());
  }

  @Test
  void checkPrintsMemoryThatIsNotWholeMebibytesExactly() throws IOException {
    Path f = dir.resolve("odd.toml");
    Files.writeString(f, VALID.replace("\"256MiB\"", "0x1000"));
    Run r = popcorn("machine", "check", f.toString());
    assertEquals(List.of(f + ": ok (2 harts, 1 nodes, 0.0078125 MiB)"), r.outLines());
  }

  @Test
  void checkRefusesOverlappingMemoryInOneLine() throws IOException {
    Path f = dir.resolve("overlap.toml");
    Files.writeString(f, VALID.replace("0x9000_0000", "0x8800_0000"));
    String line = assertOneLineUserError(popcorn("machine", "check", f.toString()));
    assertTrue(line.startsWith("popcorn: " + f + ": memory[1].base: "), line);
    assertTrue(line.contains("overlaps memory[0] (low)"), line);
  }

  @Test
  void checkRefusesASyntaxErrorInOneLine() throws IOException {
    Path f = dir.resolve("syntax.toml");
    Files.writeString(f, VALID.replace("isa = \"rv64imafdc\"", "isa = rv64imafdc"));
    String line = assertOneLineUserError(popcorn("machine", "check", f.toString()));
    assertTrue(line.startsWith("popcorn: " + f + ": line 3: TOML syntax error"), line);
  }

  @Test
  void checkRefusesAMissingFileInOneLine() {
    String f = dir.resolve("absent.toml").toString();
    String line = assertOneLineUserError(popcorn("machine", "check", f));
    assertEquals("popcorn: " + f + ": no such file", line);
  }

  @Test
  void showRefusesAnUnknownPresetInOneLine() {
    String line = assertOneLineUserError(popcorn("machine", "show", "manycor"));
    assertEquals(
        "popcorn: manycor: no such file, nor a preset; presets are default, hetero, manycore",
        line);
  }

  @Test
  void checkWithoutAFileIsAUsageErrorInOneLine() {
    String line = assertOneLineUserError(popcorn("machine", "check"));
    assertTrue(line.contains("FILE"), line);
  }

  @Test
  void machineWithoutASubcommandIsAUserErrorInOneLine() {
    String line = assertOneLineUserError(popcorn("machine"));
    assertTrue(line.contains("show or check"), line);
  }

  @ParameterizedTest
  @ValueSource(strings = {"machine", "machine show", "machine check"})
  void helpWorksOnEachCommand(String command) {
    String[] args = (command + " --help").split(" ");
    Run r = popcorn(args);
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().startsWith("Usage: popcorn " + command), r.out());
    assertEquals("", r.err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"machine", "machine show", "machine check"})
  void versionWorksOnEachCommand(String command) {
    Run r = popcorn((command + " --version").split(" "));
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().startsWith("popcorn "), r.out());
  }

  @Test
  void showHelpNamesEveryPreset() {
    String help = popcorn("machine", "show", "--help").out();
    for (String preset : dev.popcornj.machine.desc.Presets.names()) {
      assertTrue(help.contains(preset), preset + " missing from: " + help);
    }
  }
}
