package dev.popcornj.machine.desc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each way a machine file can be wrong is refused with one line naming the file, the TOML key and
 * the reason.
 */
class MachineFileRefusalTest {
  @TempDir Path dir;

  /** A valid machine that each case breaks in one place. */
  static final String HARTS =
      """
      [[harts]]
      ids = "0-7"
      isa = "rv64imafdc"
      """;

  static final String MEMORY =
      """
      [[memory]]
      name = "dram0"
      base = 0x8000_0000
      size = "512MiB"
      [[memory]]
      name = "dram1"
      base = 0xa000_0000
      size = "512MiB"
      """;

  static final String NODES =
      """
      [[nodes]]
      id = 0
      harts = "0-3"
      memory = ["dram0"]
      [[nodes]]
      id = 1
      harts = "4-7"
      memory = ["dram1"]
      """;

  static final String UART =
      """
      [[devices]]
      id = "uart0"
      kind = "uart"
      vendor-device = "1b36:0002"
      mmio = 0x1000_0000
      irq = 10
      irq-harts = "0-3"
      """;

  static Stream<Arguments> cases() {
    return Stream.of(
        bad("syntax error", "name = \"x\"\nharts = = 3\n" + MEMORY, "line 2", "TOML syntax error"),
        bad("unterminated array", "name = \"x\"\nharts = [\n", "line ", "Premature end of file"),
        bad(
            "duplicate TOML key",
            "name = \"a\"\nname = \"b\"\n" + HARTS + MEMORY,
            "line ",
            "Duplicate key"),
        bad(
            "unknown top-level key",
            "colour = \"red\"\n" + HARTS + MEMORY,
            "colour",
            "unknown key"),
        bad(
            "unknown hart key",
            HARTS.replace("isa", "clok = \"2GHz\"\nisa") + MEMORY,
            "harts[0].clok",
            "unknown key; expected one of clock, id, ids, isa"),
        bad(
            "unknown device key",
            HARTS + MEMORY + UART.replace("irq = 10", "irq = 10\nirqs = 3"),
            "devices[0].irqs",
            "unknown key"),
        bad(
            "missing isa",
            "[[harts]]\nids = \"0-1\"\n" + MEMORY,
            "harts[0].isa",
            "required key is missing"),
        bad(
            "missing hart ids",
            "[[harts]]\nisa = \"rv64gc\"\n" + MEMORY,
            "harts[0].ids",
            "required key is missing"),
        bad(
            "id and ids",
            "[[harts]]\nid = 1\nids = \"2-3\"\nisa = \"rv64gc\"\n" + MEMORY,
            "harts[0].id",
            "not both"),
        bad(
            "missing memory base",
            HARTS + "[[memory]]\nsize = \"1GiB\"\n",
            "memory[0].base",
            "required key is missing"),
        bad(
            "missing memory size",
            HARTS + "[[memory]]\nbase = 0x80000000\n",
            "memory[0].size",
            "required key is missing"),
        bad(
            "missing device kind",
            HARTS + MEMORY + UART.replace("kind = \"uart\"\n", ""),
            "devices[0].kind",
            "required key is missing"),
        bad(
            "missing node id",
            HARTS + MEMORY + NODES.replaceFirst("id = 0\n", ""),
            "nodes[0].id",
            "required key is missing"),
        bad(
            "overlapping memory",
            HARTS + MEMORY.replace("0xa000_0000", "0x9000_0000"),
            "memory[1].base",
            "overlaps memory[0] (dram0)"),
        bad(
            "memory overlapping from below",
            HARTS + MEMORY.replace("0xa000_0000", "0x7000_0000"),
            "memory[1].base",
            "overlaps memory[0]"),
        bad(
            "unaligned base",
            HARTS + MEMORY.replace("0x8000_0000", "0x8000_0800"),
            "memory[0].base",
            "not aligned to 4 KiB"),
        bad(
            "unaligned size",
            HARTS + MEMORY.replaceFirst("512MiB", "6000"),
            "memory[0].size",
            "not a multiple of 4 KiB"),
        bad(
            "zero size",
            HARTS + MEMORY.replaceFirst("\"512MiB\"", "0"),
            "memory[0].size",
            "must not be zero"),
        bad(
            "negative size",
            HARTS + MEMORY.replaceFirst("\"512MiB\"", "-4096"),
            "memory[0].size",
            "must not be negative"),
        bad(
            "bad size unit",
            HARTS + MEMORY.replaceFirst("512MiB", "512XiB"),
            "memory[0].size",
            "unknown size unit 'XiB'"),
        bad(
            "ambiguous size unit",
            HARTS + MEMORY.replaceFirst("512MiB", "512MB"),
            "memory[0].size",
            "ambiguous"),
        bad(
            "size not a size",
            HARTS + MEMORY.replaceFirst("\"512MiB\"", "true"),
            "memory[0].size",
            "got a boolean"),
        bad(
            "memory beyond 56 bits",
            HARTS + MEMORY.replace("0xa000_0000", "0x100_0000_0000_0000"),
            "memory[1].base",
            "56-bit physical address space"),
        bad(
            "memory running past 56 bits",
            HARTS + MEMORY.replace("0xa000_0000", "0xff_ffff_ffff_f000"),
            "memory[1].size",
            "runs beyond the 56-bit"),
        bad(
            "duplicate memory name",
            HARTS + MEMORY.replace("dram1", "dram0"),
            "memory[1].name",
            "already used by memory[0]"),
        bad(
            "bad ISA prefix",
            HARTS.replace("rv64imafdc", "rv32imac") + MEMORY,
            "harts[0].isa",
            "must start with rv64"),
        bad(
            "ISA d without f",
            HARTS.replace("rv64imafdc", "rv64imadc") + MEMORY,
            "harts[0].isa",
            "d requires f"),
        bad(
            "ISA not a string",
            HARTS.replace("\"rv64imafdc\"", "64") + MEMORY,
            "harts[0].isa",
            "expected a string"),
        bad(
            "duplicate hart id across tables",
            HARTS + "[[harts]]\nid = 3\nisa = \"rv64imac\"\n" + MEMORY,
            "harts[1].id",
            "hart 3 is already defined by harts[0]"),
        bad(
            "duplicate hart id in a list",
            HARTS.replace("0-7", "0-3,2") + MEMORY,
            "harts[0].ids",
            "hart 2 listed twice"),
        bad(
            "backwards hart range",
            HARTS.replace("0-7", "7-0") + MEMORY,
            "harts[0].ids",
            "runs backwards"),
        bad(
            "hart id too large",
            HARTS.replace("0-7", "0-4000000000") + MEMORY,
            "harts[0].ids",
            "not a hart list"),
        bad(
            "hart id above limit",
            HARTS.replace("0-7", "0-5000") + MEMORY,
            "harts[0].ids",
            "above the limit 4095"),
        bad(
            "bad clock",
            HARTS.replace("isa", "clock = \"2GHzz\"\nisa") + MEMORY,
            "harts[0].clock",
            "unknown frequency unit"),
        bad(
            "zero clock",
            HARTS.replace("isa", "clock = 0\nisa") + MEMORY,
            "harts[0].clock",
            "above 0 Hz"),
        bad(
            "fractional Hz",
            HARTS.replace("isa", "clock = \"1.5Hz\"\nisa") + MEMORY,
            "harts[0].clock",
            "whole number of Hz"),
        bad(
            "bad timebase",
            "timebase = \"fast\"\n" + HARTS + MEMORY,
            "timebase",
            "not a frequency"),
        bad(
            "cmdline with newline",
            "cmdline = \"a\\nb\"\n" + HARTS + MEMORY,
            "cmdline",
            "control characters"),
        bad(
            "cmdline too long",
            "cmdline = \"" + "x".repeat(1024) + "\"\n" + HARTS + MEMORY,
            "cmdline",
            "COMMAND_LINE_SIZE"),
        bad(
            "duplicate device id",
            HARTS
                + MEMORY
                + UART
                + UART.replace("1b36:0002", "1af4:1000")
                    .replace("0x1000_0000", "0x1000_1000")
                    .replace("irq = 10", "irq = 11"),
            "devices[1].id",
            "device id 'uart0' is already used by devices[0]"),
        bad(
            "duplicate vendor-device and default instance",
            HARTS
                + MEMORY
                + UART
                + UART.replace("uart0", "uart1")
                    .replace("0x1000_0000", "0x1000_1000")
                    .replace("irq = 10", "irq = 11"),
            "devices[1].vendor-device",
            "1b36:0002 instance 0 is already devices[0] (uart0)"),
        bad(
            "duplicate vendor-device and explicit instance",
            HARTS
                + MEMORY
                + UART.replace("irq = 10", "irq = 10\ninstance = 1")
                + UART.replace("uart0", "uart1")
                    .replace("0x1000_0000", "0x1000_1000")
                    .replace("irq = 10", "irq = 11\ninstance = 1"),
            "devices[1].instance",
            "1b36:0002 instance 1 is already"),
        bad(
            "bad vendor-device",
            HARTS + MEMORY + UART.replace("1b36:0002", "1b36-2"),
            "devices[0].vendor-device",
            "not a vendor:device id"),
        bad(
            "unknown device kind",
            HARTS + MEMORY + UART.replace("\"uart\"", "\"gpu\""),
            "devices[0].kind",
            "kinds are uart, timer, block, nic"),
        bad(
            "bad device id",
            HARTS + MEMORY + UART.replace("\"uart0\"", "\"uart 0\""),
            "devices[0].id",
            "not a device id"),
        bad(
            "mmio overlapping memory",
            HARTS + MEMORY + UART.replace("0x1000_0000", "0x8000_1000"),
            "devices[0].mmio",
            "overlaps memory[0] (dram0)"),
        bad(
            "mmio overlapping another device",
            HARTS
                + MEMORY
                + UART
                + UART.replace("uart0", "uart1")
                    .replace("instance", "x")
                    .replace("irq = 10", "irq = 11\ninstance = 1"),
            "devices[1].mmio",
            "overlaps devices[0] (uart0)"),
        bad(
            "unaligned mmio",
            HARTS + MEMORY + UART.replace("0x1000_0000", "0x1000_0100"),
            "devices[0].mmio",
            "not aligned to 4 KiB"),
        bad(
            "mmio-size without mmio",
            HARTS + MEMORY + UART.replace("mmio = 0x1000_0000", "mmio-size = 4096"),
            "devices[0].mmio-size",
            "given without mmio"),
        bad(
            "irq-harts without irq",
            HARTS + MEMORY + UART.replace("irq = 10\n", ""),
            "devices[0].irq-harts",
            "given without irq"),
        bad(
            "irq line 0",
            HARTS + MEMORY + UART.replace("irq = 10", "irq = 0"),
            "devices[0].irq",
            "between 1 and 1023"),
        bad(
            "irq routed to a missing hart",
            HARTS + MEMORY + UART.replace("irq-harts = \"0-3\"", "irq-harts = \"0,12\""),
            "devices[0].irq-harts",
            "hart 12 does not exist; harts are 0-7"),
        bad(
            "duplicate irq line",
            HARTS
                + MEMORY
                + UART
                + UART.replace("uart0", "uart1")
                    .replace("0x1000_0000", "0x1000_1000")
                    .replace("irq = 10", "irq = 10\ninstance = 1"),
            "devices[1].irq",
            "interrupt line 10 is already used by devices[0] (uart0)"),
        bad(
            "node names a missing hart",
            HARTS + MEMORY + NODES.replace("4-7", "4-7,9"),
            "nodes[1].harts",
            "hart 9 does not exist"),
        bad(
            "node names missing memory",
            HARTS + MEMORY + NODES.replace("[\"dram1\"]", "[\"dram1\", \"dram7\"]"),
            "nodes[1].memory[1]",
            "no memory range is named 'dram7'; ranges are dram0, dram1"),
        bad(
            "hart in two nodes",
            HARTS + MEMORY + NODES.replace("4-7", "3-7"),
            "nodes[1].harts",
            "hart 3 is already in node 0"),
        bad(
            "hart in no node",
            HARTS + MEMORY + NODES.replace("4-7", "4-6"),
            "nodes",
            "hart 7 (harts[0]) is in no node"),
        bad(
            "memory in two nodes",
            HARTS + MEMORY + NODES.replace("[\"dram1\"]", "[\"dram1\", \"dram0\"]"),
            "nodes[1].memory[1]",
            "memory range 'dram0' is already in node 0"),
        bad(
            "memory in no node",
            HARTS + MEMORY + NODES.replace("memory = [\"dram1\"]", ""),
            "nodes",
            "memory range 'dram1' (memory[1]) is in no node"),
        bad(
            "duplicate node id",
            HARTS + MEMORY + NODES.replace("id = 1", "id = 0"),
            "nodes[1].id",
            "node 0 is already defined by nodes[0]"),
        bad(
            "empty node",
            HARTS + MEMORY + NODES + "[[nodes]]\nid = 2\n",
            "nodes[2]",
            "needs harts or memory"),
        bad("zero harts", MEMORY, "harts", "at least one hart"),
        bad("zero harts, empty array", "harts = []\n" + MEMORY, "harts", "at least one hart"),
        bad("zero memory", HARTS, "memory", "at least one memory range"),
        bad("empty file", "", "harts", "at least one hart"),
        bad(
            "harts not tables",
            "harts = 8\n" + MEMORY,
            "harts",
            "expected tables written as [[harts]]"),
        bad("harts array of numbers", "harts = [1, 2]\n" + MEMORY, "harts[0]", "expected a table"));
  }

  private static Arguments bad(String what, String toml, String key, String reason) {
    return Arguments.of(what, toml, key, reason);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusesWithFileKeyAndReasonOnOneLine(String what, String toml, String key, String reason)
      throws IOException {
    Path file = dir.resolve("bad.toml");
    Files.writeString(file, toml);
    MachineFileException e =
        assertThrows(MachineFileException.class, () -> MachineFiles.load(file.toString()), what);
    String msg = e.getMessage();
    assertTrue(msg.startsWith(file + ": " + key), () -> "key not named: " + msg);
    assertTrue(msg.contains(reason), () -> "reason not given: " + msg);
    assertFalse(msg.contains("\n"), () -> "not one line: " + msg);
    assertEquals(file.toString(), e.file());
  }

  @Test
  void theUnbrokenBaseFileIsAccepted() throws MachineFileException {
    // Guards the table above: each case must fail because of its own change, not the base.
    MachineDescription m = MachineFileReader.read("ok.toml", "ok", HARTS + MEMORY + NODES + UART);
    assertEquals(8, m.harts().size());
    assertEquals(2, m.nodes().size());
  }
}
