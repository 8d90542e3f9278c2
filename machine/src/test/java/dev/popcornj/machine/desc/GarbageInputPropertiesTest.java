package dev.popcornj.machine.desc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever bytes a user puts in a machine file, reading it either succeeds or throws
 * MachineFileException with a one-line message: never another exception.
 */
class GarbageInputPropertiesTest {

  @Property(tries = 2000)
  void arbitraryTextIsReadOrRefusedCleanly(@ForAll @StringLength(max = 300) String text) {
    assertReadOrRefused(text);
  }

  @Property(tries = 5000)
  void templatedMachinesAreReadOrRefusedCleanly(@ForAll("templatedMachine") String text) {
    assertReadOrRefused(text);
  }

  @Property(tries = 3000)
  void mutatedPresetsAreReadOrRefusedCleanly(@ForAll("mutatedPreset") String text) {
    assertReadOrRefused(text);
  }

  /** Values of every TOML type and edge, put in any key of a template machine. */
  private static final String[] HOSTILE = {
    "-1",
    "0",
    "1",
    "9999999999999999999999",
    "0x7fff_ffff_ffff_f000",
    "\"18446744073709551615\"",
    "0xffff_ffff_ffff_ffff",
    "1.5",
    "nan",
    "true",
    "[]",
    "{}",
    "\"\"",
    "2000-01-01",
    "\"0-4095\"",
    "[1, \"a\"]",
    "[[1]]",
    "\"\\u0000\\n\"",
    "\"0x\"",
    "\"4 KiB\"",
    "\"1e3GHz\"",
    "\"\u00e9\""
  };

  /**
   * A complete machine whose values are drawn mostly from valid ones and sometimes from {@link
   * #HOSTILE}, with keys sometimes left out: most inputs parse and reach every validation step.
   */
  @Provide
  Arbitrary<String> templatedMachine() {
    List<Arbitrary<String>> lines =
        List.of(
            line("timebase", "\"10MHz\"", "1000000"),
            line("cmdline", "\"console=ttyS0\""),
            Arbitraries.just("[[harts]]\n"),
            line("ids", "\"0-3\"", "[0, 1, 2, 3]", "\"0-7\""),
            line("isa", "\"rv64imafdc\"", "\"rv64gc\"", "\"rv64imac\"", "\"rv64q\""),
            line("clock", "\"2GHz\"", "\"1.5GHz\"", "3000000000"),
            Arbitraries.just("[[harts]]\n"),
            line("id", "4", "5", "3"),
            line("isa", "\"rv64imac\""),
            Arbitraries.just("[[memory]]\n"),
            line("name", "\"dram0\"", "\"dram1\""),
            line("base", "0x8000_0000", "\"0x80000000\"", "0x9000_0000"),
            line("size", "\"512MiB\"", "\"1G\"", "0x1000", "\"4K\""),
            Arbitraries.just("[[memory]]\n"),
            line("name", "\"dram1\""),
            line("base", "0xa000_0000", "0x8000_0000", "\"0xff_ffff_ffff_f000\""),
            line("size", "\"512MiB\"", "\"2G\""),
            Arbitraries.just("[[nodes]]\n"),
            line("id", "0", "1"),
            line("harts", "\"0-3\"", "\"0-4\"", "[0, 1]"),
            line("memory", "[\"dram0\"]", "\"dram0\"", "[\"dram2\"]"),
            Arbitraries.just("[[nodes]]\n"),
            line("id", "1", "0"),
            line("harts", "\"4\"", "\"4-7\""),
            line("memory", "[\"dram1\"]", "[\"dram1\", \"dram0\"]"),
            Arbitraries.just("[[devices]]\n"),
            line("id", "\"uart0\"", "\"u 0\""),
            line("kind", "\"uart\"", "\"timer\"", "\"gpu\""),
            line("vendor-device", "\"1b36:0002\"", "\"1b36:2\""),
            line("instance", "0", "1"),
            line("mmio", "0x1000_0000", "0x8000_0000", "0x1000_0100"),
            line("mmio-size", "\"4KiB\"", "\"64KiB\""),
            line("irq", "10", "1023", "1024"),
            line("irq-harts", "\"0-3\"", "\"0-9\"", "5"),
            Arbitraries.just("[[devices]]\n"),
            line("id", "\"uart1\"", "\"uart0\""),
            line("kind", "\"uart\""),
            line("vendor-device", "\"1b36:0002\""),
            line("instance", "1", "0"),
            line("mmio", "0x1000_1000", "0x1000_0000"),
            line("irq", "11", "10"));
    return Combinators.combine(lines).as(l -> String.join("", l));
  }

  /**
   * One {@code key = value} line: mostly the valid value, so that a typical input breaks one line
   * somewhere and every section of the file gets refused in turn; sometimes a wrong alternative, a
   * hostile value, or nothing.
   */
  private static Arbitrary<String> line(String key, String valid, String... alternatives) {
    Arbitrary<String> wrong =
        alternatives.length == 0 ? Arbitraries.of(HOSTILE) : Arbitraries.of(alternatives);
    Arbitrary<String> value =
        Arbitraries.frequencyOf(
            Tuple.of(96, Arbitraries.just(valid)),
            Tuple.of(2, wrong),
            Tuple.of(2, Arbitraries.of(HOSTILE)));
    return Arbitraries.frequencyOf(
        Tuple.of(99, value.map(v -> key + " = " + v + "\n")), Tuple.of(1, Arbitraries.just("")));
  }

  /** A preset's text with a few characters deleted, replaced or inserted at random places. */
  @Provide
  Arbitrary<String> mutatedPreset() {
    Arbitrary<String> base = Arbitraries.of(Presets.names()).map(Presets::text);
    Arbitrary<Integer> position = Arbitraries.integers().between(0, 1_000_000);
    Arbitrary<Character> ch = Arbitraries.chars().with("[]{}=\"',.-_#\n 0123456789xabcdefGMKiB");
    Arbitrary<Integer> kind = Arbitraries.integers().between(0, 2);
    Arbitrary<int[]> edit =
        Combinators.combine(position, kind, ch).as((p, k, c) -> new int[] {p, k, c});
    return Combinators.combine(base, edit.list().ofMinSize(1).ofMaxSize(5))
        .as(
            (text, edits) -> {
              StringBuilder b = new StringBuilder(text);
              for (int[] e : edits) {
                int at = e[0] % (b.length() + 1);
                switch (e[1]) {
                  case 0 -> {
                    if (at < b.length()) b.deleteCharAt(at);
                  }
                  case 1 -> {
                    if (at < b.length()) b.setCharAt(at, (char) e[2]);
                  }
                  default -> b.insert(at, (char) e[2]);
                }
              }
              return b.toString();
            });
  }

  private static void assertReadOrRefused(String text) {
    try {
      MachineDescription m = MachineFileReader.read("fuzz.toml", "fuzz", text);
      assertFalse(m.harts().isEmpty());
      assertFalse(m.memory().isEmpty());
      Statistics.collect("accepted");
    } catch (MachineFileException e) {
      Statistics.collect(refusedAt(e));
      assertTrue(e.getMessage().startsWith("fuzz.toml: "), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
  }

  /** Which part of the file a refusal is about, to show how deep the generated inputs reach. */
  private static String refusedAt(MachineFileException e) {
    if (e.reason().startsWith("TOML syntax error")) {
      return "syntax error";
    }
    String key = e.key() == null ? "file" : e.key();
    return "refused at " + key.split("[.\\[]")[0];
  }
}
