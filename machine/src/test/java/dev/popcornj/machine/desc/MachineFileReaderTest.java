package dev.popcornj.machine.desc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.machine.mem.Region;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** A valid machine file is read into the description it says, with defaults filled in. */
class MachineFileReaderTest {
  static final String FULL =
      """
      name = "lab"
      cmdline = "console=ttyS0 loglevel=7"
      timebase = "1MHz"

      [[harts]]
      ids = "0-1,4"
      isa = "rv64gc"
      clock = "2.5GHz"

      [[harts]]
      id = 2
      isa = "rv64imac"

      [[harts]]
      ids = [3]
      isa = "RV64IMAFDC"
      clock = 1000000000

      [[memory]]
      name = "far"
      base = "0x1_0000_0000"
      size = "1G"

      [[memory]]
      base = 2147483648
      size = 0x1000_0000

      [[nodes]]
      id = 1
      harts = [2, 3]
      memory = "far"

      [[nodes]]
      id = 0
      harts = "0-1,4"
      memory = ["mem1"]

      [[devices]]
      id = "disk0"
      kind = "block"
      vendor-device = "1AF4:1001"
      instance = 2
      mmio = 0x1000_1000
      mmio-size = "8KiB"
      irq = 8
      irq-harts = "2"

      [[devices]]
      id = "net0"
      kind = "nic"
      vendor-device = "1af4:1000"
      irq = 9
      """;

  @Test
  void readsEveryFieldOfAFullFile() throws MachineFileException {
    MachineDescription m = MachineFileReader.read("lab.toml", "fallback", FULL);
    assertEquals("lab", m.name());
    assertEquals("lab.toml", m.source());
    assertEquals("console=ttyS0 loglevel=7", m.bootCommandLine());
    assertEquals(1_000_000, m.timebaseHz());

    assertEquals(List.of(0, 1, 2, 3, 4), m.harts().stream().map(HartDescription::id).toList());
    HartDescription h0 = m.hart(0).orElseThrow();
    assertEquals("rv64imafdc", h0.isa().canonical());
    assertEquals(2_500_000_000L, h0.clockHz());
    assertEquals(0, h0.node());
    HartDescription h2 = m.hart(2).orElseThrow();
    assertFalse(h2.isa().f());
    assertEquals(MachineFileReader.DEFAULT_CLOCK_HZ, h2.clockHz());
    assertEquals(1, h2.node());
    assertEquals(1_000_000_000L, m.hart(3).orElseThrow().clockHz());
    assertEquals(0, m.hart(4).orElseThrow().node());

    assertEquals(List.of("mem1", "far"), m.memory().stream().map(MemoryRange::name).toList());
    MemoryRange low = m.memory().getFirst();
    assertEquals(new Region(0x8000_0000L, 0x1000_0000L), low.region());
    assertEquals(0, low.node());
    assertEquals(new Region(0x1_0000_0000L, 1L << 30), m.memory().get(1).region());
    assertEquals((1L << 30) + 0x1000_0000L, m.memoryBytes());

    assertEquals(List.of(0, 1), m.nodes().stream().map(NumaNode::id).toList());
    assertEquals(List.of(0, 1, 4), m.node(0).orElseThrow().harts());
    assertEquals(List.of(2, 3), m.node(1).orElseThrow().harts());
    assertEquals(1L << 30, m.node(1).orElseThrow().memoryBytes());

    DeviceDescription disk = m.device("disk0").orElseThrow();
    assertEquals(DeviceKind.BLOCK, disk.kind());
    assertEquals(new DeviceId(0x1af4, 0x1001), disk.deviceId());
    assertEquals("1af4:1001", disk.deviceId().toString());
    assertEquals(2, disk.instance());
    assertEquals(Optional.of(new Region(0x1000_1000L, 0x2000)), disk.mmio());
    assertEquals(OptionalInt.of(8), disk.irq());
    assertEquals(List.of(2), disk.irqHarts());

    DeviceDescription net = m.device("net0").orElseThrow();
    assertEquals(Optional.empty(), net.mmio());
    assertEquals(0, net.instance());
    assertEquals(List.of(0, 1, 2, 3, 4), net.irqHarts(), "irq defaults to every hart");
  }

  @Test
  void withoutNodesEverythingIsInNodeZeroAndDefaultsApply() throws MachineFileException {
    MachineDescription m =
        MachineFileReader.read(
            "tiny.toml",
            "tiny",
            """
            [[harts]]
            ids = "0-1"
            isa = "rv64imac"
            [[memory]]
            base = 0x8000_0000
            size = "64M"
            [[devices]]
            id = "t"
            kind = "timer"
            vendor-device = "0000:0001"
            """);
    assertEquals("tiny", m.name());
    assertEquals("", m.bootCommandLine());
    assertEquals(MachineFileReader.DEFAULT_TIMEBASE_HZ, m.timebaseHz());
    assertEquals(1, m.nodes().size());
    NumaNode n = m.nodes().getFirst();
    assertEquals(0, n.id());
    assertEquals(List.of(0, 1), n.harts());
    assertEquals(List.of("mem0"), n.memory().stream().map(MemoryRange::name).toList());
    assertEquals(64L << 20, n.memoryBytes());
    assertTrue(m.device("t").orElseThrow().irq().isEmpty());
    assertTrue(m.device("t").orElseThrow().irqHarts().isEmpty());
  }

  @Test
  void descriptionsAreImmutable() throws MachineFileException {
    MachineDescription m = MachineFileReader.read("lab.toml", "lab", FULL);
    assertThrows(UnsupportedOperationException.class, () -> m.harts().clear());
    assertThrows(UnsupportedOperationException.class, () -> m.nodes().getFirst().harts().clear());
    assertThrows(
        UnsupportedOperationException.class, () -> m.devices().getFirst().irqHarts().clear());
  }

  @Test
  void controlCharactersInUserTextCannotBreakTheOneLineMessage() {
    MachineFileException e =
        assertThrows(
            MachineFileException.class,
            () ->
                MachineFileReader.read(
                    "x\n.toml", "x", "[[harts]]\nids = 1\nisa = \"rv32\\n\\u001b[2J\"\n"));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertFalse(e.getMessage().contains("\u001b"), e.getMessage());
    assertTrue(e.getMessage().startsWith("x\\n.toml: harts[0].isa: "), e.getMessage());
  }
}
