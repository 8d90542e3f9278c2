package dev.popcornj.machine.desc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
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

  @Property(tries = 3000)
  void tomlTokenSoupIsReadOrRefusedCleanly(@ForAll("tokenSoup") String text) {
    assertReadOrRefused(text);
  }

  @Property(tries = 3000)
  void mutatedPresetsAreReadOrRefusedCleanly(@ForAll("mutatedPreset") String text) {
    assertReadOrRefused(text);
  }

  /**
   * Lines of the machine-file grammar with keys and values shuffled, so most inputs are valid TOML
   * and reach the validation.
   */
  @Provide
  Arbitrary<String> tokenSoup() {
    Arbitrary<String> header =
        Arbitraries.of("[[harts]]", "[[memory]]", "[[nodes]]", "[[devices]]", "[harts]", "[x]");
    Arbitrary<String> key =
        Arbitraries.of(
            "ids",
            "id",
            "isa",
            "clock",
            "base",
            "size",
            "name",
            "harts",
            "memory",
            "kind",
            "vendor-device",
            "irq",
            "irq-harts",
            "mmio",
            "mmio-size",
            "instance",
            "timebase",
            "cmdline",
            "\"odd key\"");
    Arbitrary<String> value =
        Arbitraries.of(
            "\"0-7\"",
            "\"0-3\"",
            "\"4-7\"",
            "\"rv64gc\"",
            "\"rv64imac\"",
            "\"rv64q\"",
            "\"2GHz\"",
            "0x8000_0000",
            "0xa000_0000",
            "\"512MiB\"",
            "\"4K\"",
            "0",
            "1",
            "-1",
            "4096",
            "1e9",
            "true",
            "[]",
            "[\"mem0\"]",
            "[\"mem1\", \"mem0\"]",
            "\"uart\"",
            "\"timer\"",
            "\"1b36:0002\"",
            "\"uart0\"",
            "\"\"",
            "{}",
            "[0, 1]",
            "\"0-4095\"",
            "9999999999999999999999",
            "2000-01-01");
    Arbitrary<String> line =
        Arbitraries.oneOf(header, Combinators.combine(key, value).as((k, v) -> k + " = " + v));
    return line.list().ofMaxSize(40).map(l -> String.join("\n", l) + "\n");
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
      Statistics.collect(
          e.getMessage().contains("TOML syntax error") ? "syntax error" : "refused by validation");
      assertTrue(e.getMessage().startsWith("fuzz.toml: "), e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
  }
}
