package dev.popcornj.kernel.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.machine.desc.DeviceKind;
import dev.popcornj.machine.desc.HartDescription;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.desc.MachineFileException;
import dev.popcornj.machine.desc.MachineFileReader;
import dev.popcornj.machine.mem.Region;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The partition generator splits presets without overlap and its command lines say the same. */
class PartitionPlannerTest {
  static final long M = 1L << 20;

  static MachineDescription machine(String name) {
    return PartitionResolveTest.machine(name);
  }

  /**
   * The plan's invariants: harts, memory and devices apart; every hart used; the window in RAM,
   * outside every partition and in every kernel; the command line resolves to the partition.
   */
  static void assertWellFormed(PartitionPlan plan, int kernels) {
    MachineDescription m = plan.machine();
    assertEquals(kernels, plan.kernels().size());
    Set<Integer> harts = new HashSet<>();
    List<Region> memory = new ArrayList<>();
    List<Partition> running = new ArrayList<>();
    Region window = plan.messageWindow();
    assertTrue(
        m.memory().stream().anyMatch(r -> r.region().contains(window.base(), window.size())),
        "window " + window + " in RAM");
    for (int k = 0; k < kernels; k++) {
      PartitionPlan.Kernel planned = plan.kernels().get(k);
      Partition p = planned.partition();
      assertEquals(k, p.kernelId());
      assertEquals(k, p.vtyOffset());
      assertFalse(p.harts().isEmpty());
      for (int h : p.harts()) {
        assertTrue(harts.add(h), "hart " + h + " in two kernels");
      }
      for (Region r : p.memory()) {
        assertEquals(0, r.base() % 4096, r.toString());
        assertEquals(0, r.size() % 4096, r.toString());
        assertTrue(r.size() >= PartitionPlanner.MIN_KERNEL_MEMORY, r.toString());
        assertFalse(r.overlaps(window), r + " overlaps the window");
        for (Region other : memory) {
          assertFalse(r.overlaps(other), r + " overlaps " + other);
        }
        assertTrue(
            m.memory().stream()
                .anyMatch(
                    mr -> mr.node() == planned.node() && mr.region().contains(r.base(), r.size())),
            r + " in node " + planned.node());
      }
      memory.addAll(p.memory());
      assertEquals(java.util.Optional.of(window), p.messageWindow());
      assertEquals(k == 0 && has(m, DeviceKind.UART), p.owns(DeviceKind.UART), "primary's UART");
      assertEquals(has(m, DeviceKind.TIMER), p.owns(DeviceKind.TIMER), "every kernel's timers");
      // The round trip: command line -> parameters -> partition.
      PartitionParams params = PartitionParams.parse(planned.cmdline());
      assertEquals(p, params.resolve(m, running));
      assertTrue(params.reserved().contains(window), "memmap$ for the window");
      assertTrue(
          planned
              .cmdline()
              .startsWith(
                  m.bootCommandLine().isBlank() ? "popcorn_id=" : m.bootCommandLine() + " "),
          planned.cmdline());
      running.add(p);
    }
    assertEquals(m.harts().size(), harts.size(), "every hart used");
  }

  static boolean has(MachineDescription m, DeviceKind kind) {
    return m.devices().stream().anyMatch(d -> d.kind() == kind);
  }

  @ParameterizedTest
  @CsvSource({
    "default, 1",
    "default, 2",
    "default, 3",
    "default, 4",
    "default, 5",
    "default, 8",
    "hetero, 2",
    "hetero, 3",
    "hetero, 8",
    "manycore, 1",
    "manycore, 7",
    "manycore, 8",
    "manycore, 16",
    "manycore, 64"
  })
  void presetsSplitWithoutOverlap(String preset, int kernels) {
    assertWellFormed(PartitionPlanner.plan(machine(preset), kernels), kernels);
  }

  @Test
  void defaultInFourKeepsEachKernelInANodeAndSlicesEvenly() {
    PartitionPlan plan = PartitionPlanner.plan(machine("default"), 4);
    assertEquals(new Region(0x9fc0_0000L, 4 * M), plan.messageWindow());
    List<List<Integer>> harts = plan.kernels().stream().map(k -> k.partition().harts()).toList();
    assertEquals(List.of(List.of(0, 1), List.of(2, 3), List.of(4, 5), List.of(6, 7)), harts);
    assertEquals(
        List.of(0, 0, 1, 1), plan.kernels().stream().map(PartitionPlan.Kernel::node).toList());
    assertEquals(
        List.of(
            new Region(0x8000_0000L, 254 * M),
            new Region(0x8fe0_0000L, 254 * M),
            new Region(0xa000_0000L, 256 * M),
            new Region(0xb000_0000L, 256 * M)),
        plan.kernels().stream().map(k -> k.partition().memory().getFirst()).toList());
    assertEquals(
        "console=ttyS0 popcorn_id=1 present_mask=2-3 memmap=254M@0x8fe00000 memmap=4M$0x9fc00000"
            + " popcorn_msg=0x9fc00000,0x400000 pci_dev_flags=1b36:0002:b vty_offset=1",
        plan.kernels().get(1).cmdline());
  }

  @Test
  void manycoreRunsSixtyFourKernelsOfOneHart() {
    PartitionPlan plan = PartitionPlanner.plan(machine("manycore"), 64);
    assertEquals(new Region(0xbc00_0000L, 64 * M), plan.messageWindow());
    for (int k = 0; k < 64; k++) {
      PartitionPlan.Kernel planned = plan.kernels().get(k);
      assertEquals(List.of(k), planned.partition().harts());
      assertEquals(k / 8, planned.node());
    }
    // Node 0 loses the window: 960 MiB for 8 kernels; the other nodes give 128 MiB each.
    assertEquals(120 * M, plan.kernels().get(0).partition().memoryBytes());
    assertEquals(128 * M, plan.kernels().get(63).partition().memoryBytes());
  }

  @Test
  void heteroInTwoGivesEachIsaItsOwnKernel() {
    MachineDescription m = machine("hetero");
    PartitionPlan plan = PartitionPlanner.plan(m, 2);
    for (PartitionPlan.Kernel k : plan.kernels()) {
      assertEquals(
          1,
          k.partition().harts().stream()
              .map(h -> m.hart(h).map(HartDescription::isa).orElseThrow())
              .distinct()
              .count());
    }
  }

  @Test
  void unevenCountsGiveTheFirstKernelsOneHartMore() {
    PartitionPlan plan = PartitionPlanner.plan(machine("default"), 3);
    assertEquals(
        List.of(3, 3, 2), plan.kernels().stream().map(k -> k.partition().harts().size()).toList());
  }

  @Test
  void theMachinesInitArgumentsStayLast() throws MachineFileException {
    MachineDescription m = machine("default");
    MachineDescription withArgs =
        new MachineDescription(
            m.name(),
            m.harts(),
            m.nodes(),
            m.memory(),
            m.devices(),
            "console=ttyS0 mem=64M popcorn_id=7 -- -v",
            m.timebaseHz(),
            m.source());
    String line = PartitionPlanner.plan(withArgs, 2).kernels().get(1).cmdline();
    assertTrue(line.startsWith("console=ttyS0 popcorn_id=1 "), line);
    assertTrue(line.endsWith(" vty_offset=1 -- -v"), line);
    assertFalse(line.contains("mem=64M"), line);
  }

  @Test
  void refusesNoKernels() {
    assertEquals(
        "kernels: 0 is not a kernel count; give 1 or more",
        assertThrows(BootException.class, () -> PartitionPlanner.plan(machine("default"), 0))
            .getMessage());
  }

  @Test
  void refusesMoreKernelsThanHarts() {
    assertEquals(
        "kernels: machine default has 8 harts and each kernel needs one, so at most 8 kernels,"
            + " not 9",
        assertThrows(BootException.class, () -> PartitionPlanner.plan(machine("default"), 9))
            .getMessage());
  }

  @Test
  void refusesTooLittleMemory() throws MachineFileException {
    MachineDescription small =
        MachineFileReader.read(
            "small.toml",
            "small",
            """
            [[harts]]
            ids = "0-7"
            isa = "rv64imac"
            [[memory]]
            name = "dram0"
            base = 0x8000_0000
            size = "64MiB"
            """);
    assertWellFormed(PartitionPlanner.plan(small, 3), 3);
    assertEquals(
        "machine small has too little memory for 4 kernels: node 0 has 60M free for 4 of them,"
            + " 15M each; a kernel needs at least 16M",
        assertThrows(BootException.class, () -> PartitionPlanner.plan(small, 4)).getMessage());
  }

  @Test
  void aNodeWithoutMemoryBorrowsTheFirstNodesMemory() throws MachineFileException {
    MachineDescription m =
        MachineFileReader.read(
            "far.toml",
            "far",
            """
            [[harts]]
            ids = "0-3"
            isa = "rv64imac"
            [[memory]]
            name = "dram0"
            base = 0x8000_0000
            size = "256MiB"
            [[nodes]]
            id = 0
            harts = "0-1"
            memory = ["dram0"]
            [[nodes]]
            id = 1
            harts = "2-3"
            memory = []
            """);
    PartitionPlan plan = PartitionPlanner.plan(m, 2);
    assertEquals(1, plan.kernels().get(1).node());
    List<Region> all =
        plan.kernels().stream().flatMap(k -> k.partition().memory().stream()).toList();
    assertEquals(2, all.size());
    assertFalse(all.get(0).overlaps(all.get(1)));
    assertTrue(
        IntStream.range(0, 2)
            .allMatch(
                i ->
                    m.memory().getFirst().region().contains(all.get(i).base(), all.get(i).size())));
  }
}
