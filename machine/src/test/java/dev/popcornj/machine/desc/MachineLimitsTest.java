package dev.popcornj.machine.desc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Machines that are well-formed but cannot boot are refused when loaded, so machine check and boot
 * give the same answer.
 */
class MachineLimitsTest {
  @TempDir Path dir;

  private static final String MACHINE =
      """
      [[harts]]
      ids = "0-1"
      isa = "ISA"
      clock = "CLOCK"
      [[memory]]
      base = 0x8000_0000
      size = "SIZE"
      """;

  private String refusal(String cmdline, String isa, String clock, String size) throws IOException {
    Path f = dir.resolve("m.toml");
    Files.writeString(
        f,
        "cmdline = \""
            + cmdline
            + "\"\n"
            + MACHINE.replace("ISA", isa).replace("CLOCK", clock).replace("SIZE", size));
    MachineFileException e =
        assertThrows(MachineFileException.class, () -> MachineFiles.load(f.toString()));
    return e.getMessage().substring(f.toString().length() + 2);
  }

  /** 4 TiB filled the heap at boot and 8 TiB overflowed a frame count. */
  @ParameterizedTest
  @CsvSource({"4TiB, 4 TiB", "8TiB, 8 TiB", "65GiB, 65 GiB"})
  void moreRamThanTheModelHoldsIsRefused(String size, String printed) throws IOException {
    assertEquals(
        "memory: " + printed + " of RAM in all; PopcornJ models at most 64 GiB",
        refusal("", "rv64imafdc", "2GHz", size));
  }

  @Test
  void aClockBelowOneMegahertzIsRefused() throws IOException {
    assertEquals(
        "harts: hart 0 runs at 1 Hz; a hart's clock must be at least 1 MHz",
        refusal("", "rv64imafdc", "1Hz", "256MiB"));
  }

  /** Without F and D the userland's init died of SIGILL (exit 132) with no message. */
  @ParameterizedTest
  @ValueSource(strings = {"rv64imac", "rv64i", "rv64imafd"})
  void aBootHartWithoutTheUserlandsIsaIsRefused(String isa) throws IOException {
    assertEquals(
        "harts: hart 0 boots the primary kernel, whose userland is built for rv64imafdc, but it"
            + " is "
            + isa
            + "; give the lowest hart isa = \"rv64imafdc\"",
        refusal("", isa, "2GHz", "256MiB"));
  }

  @Test
  void theMessagingWindowInTheCommandLineIsRefused() throws IOException {
    assertEquals(
        "cmdline: popcorn_msg= is set by the partitioner for the window it formats (see popcorn"
            + " partition); leave it out of a machine's command line",
        refusal("quiet popcorn_msg=0x80000000,0x100000", "rv64imafdc", "2GHz", "256MiB"));
  }

  @Test
  void everyPresetIsWithinTheLimits() throws MachineFileException {
    for (String name : Presets.names()) {
      MachineFiles.load(name);
    }
  }

  @Test
  void aDeviceAsMachineFileIsRefusedInOneLine() {
    MachineFileException e =
        assertThrows(MachineFileException.class, () -> MachineFiles.load("/dev/zero"));
    assertEquals(
        "/dev/zero: not a regular file (a device, pipe or socket); give a file", e.getMessage());
  }

  @Test
  void namesWithEscapeSequencesArePrintedEscaped() throws MachineFileException {
    MachineDescription m =
        MachineFileReader.read(
            "x",
            "x",
            "name = \"evil\\u001b[2J\\nline\"\n"
                + MACHINE.replace("ISA", "rv64gc").replace("CLOCK", "2GHz").replace("SIZE", "1M"));
    String report = TopologyReport.render(m);
    assertEquals("machine evil\\u001b[2J\\nline (x)", report.lines().findFirst().orElseThrow());
  }
}
