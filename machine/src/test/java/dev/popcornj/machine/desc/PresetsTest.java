package dev.popcornj.machine.desc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The built-in machines load and have the shape their documentation promises. */
class PresetsTest {
  static List<String> names() {
    return Presets.names();
  }

  @ParameterizedTest
  @MethodSource("names")
  void everyPresetLoadsAndHasAConsoleAndATimer(String name) throws MachineFileException {
    MachineDescription m = Presets.load(name);
    assertEquals(name, m.name());
    assertEquals("preset " + name, m.source());
    assertEquals("console=ttyS0", m.bootCommandLine());
    assertEquals(10_000_000, m.timebaseHz());
    assertTrue(
        m.devices().stream().anyMatch(d -> d.kind() == DeviceKind.UART && d.irq().isPresent()));
    assertTrue(m.devices().stream().anyMatch(d -> d.kind() == DeviceKind.TIMER));
    assertEquals(m, MachineFiles.load(name), "MachineFiles finds presets by name");
  }

  @Test
  void defaultIsEightHartsInTwoNodesWithOneGiB() throws MachineFileException {
    MachineDescription m = Presets.load("default");
    assertEquals(8, m.harts().size());
    for (HartDescription h : m.harts()) {
      assertEquals("rv64imafdc", h.isa().canonical());
      assertEquals(2_000_000_000L, h.clockHz());
    }
    assertEquals(2, m.nodes().size());
    assertEquals(List.of(0, 1, 2, 3), m.node(0).orElseThrow().harts());
    assertEquals(List.of(4, 5, 6, 7), m.node(1).orElseThrow().harts());
    assertEquals(1L << 30, m.memoryBytes());
    assertEquals(0x8000_0000L, m.memory().getFirst().base());
    for (NumaNode n : m.nodes()) {
      assertEquals(512L << 20, n.memoryBytes());
    }
    assertEquals(m.memory().getFirst().end(), m.memory().get(1).base(), "RAM is contiguous");
  }

  @Test
  void manycoreIsSixtyFourHartsInEightNodesOfEight() throws MachineFileException {
    MachineDescription m = Presets.load("manycore");
    assertEquals(64, m.harts().size());
    assertEquals(8, m.nodes().size());
    for (NumaNode n : m.nodes()) {
      assertEquals(8, n.harts().size());
      assertEquals(1L << 30, n.memoryBytes());
      for (int h : n.harts()) {
        assertEquals(n.id(), m.hart(h).orElseThrow().node());
      }
    }
    assertEquals(8L << 30, m.memoryBytes());
  }

  @Test
  void heteroMixesIsasByNode() throws MachineFileException {
    MachineDescription m = Presets.load("hetero");
    assertEquals(8, m.harts().size());
    assertEquals(2, m.nodes().size());
    Set<String> isas = m.harts().stream().map(h -> h.isa().canonical()).collect(Collectors.toSet());
    assertEquals(Set.of("rv64imafdc", "rv64imac"), isas);
    for (int h : m.node(0).orElseThrow().harts()) {
      assertTrue(m.hart(h).orElseThrow().isa().d());
    }
    for (int h : m.node(1).orElseThrow().harts()) {
      assertFalse(m.hart(h).orElseThrow().isa().f());
    }
  }

  @Test
  void anUnknownPresetIsRefusedWithTheList() {
    MachineFileException e = assertThrows(MachineFileException.class, () -> Presets.load("big"));
    assertEquals("big: unknown preset; presets are default, hetero, manycore", e.getMessage());
  }
}
