package dev.popcornj.kernel.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.machine.desc.DeviceDescription;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.desc.MachineFileException;
import dev.popcornj.machine.desc.Presets;
import dev.popcornj.machine.mem.Region;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Partition parameters are checked against the machine and running kernels before any use. */
class PartitionResolveTest {
  static final long M = 1L << 20;
  static final String WINDOW = " memmap=4M$0x9fc00000 popcorn_msg=0x9fc00000,0x400000";
  static final String PRIMARY = "popcorn_id=0 present_mask=0-3 memmap=254M@0x80000000" + WINDOW;
  static final String SECONDARY =
      "popcorn_id=1 present_mask=4-7 memmap=512M@0xa0000000 pci_dev_flags=1b36:0002:b" + WINDOW;

  static MachineDescription machine(String name) {
    try {
      return Presets.load(name);
    } catch (MachineFileException e) {
      throw new AssertionError(e);
    }
  }

  static final MachineDescription DEFAULT = machine("default");

  static Partition resolve(String cmdline, Partition... running) {
    return PartitionParams.parse(cmdline).resolve(DEFAULT, List.of(running));
  }

  static String refusal(String cmdline, Partition... running) {
    return assertThrows(BootException.class, () -> resolve(cmdline, running)).getMessage();
  }

  static final Partition PRIMARY_PARTITION = resolve(PRIMARY);

  @Test
  void noParametersGiveTheWholeMachine() {
    Partition p = resolve("console=ttyS0");
    assertEquals(0, p.kernelId());
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), p.harts());
    // dram0 and dram1 touch, so they are one region.
    assertEquals(List.of(new Region(0x8000_0000L, 1024 * M)), p.memory());
    assertEquals(DEFAULT.devices(), p.devices());
    assertEquals(Optional.empty(), p.messageWindow());
    assertEquals(0, p.vtyOffset());
  }

  @Test
  void aPrimaryAndASecondaryResolve() {
    assertEquals(List.of(new Region(0x8000_0000L, 254 * M)), PRIMARY_PARTITION.memory());
    assertEquals(Optional.of(new Region(0x9fc0_0000L, 4 * M)), PRIMARY_PARTITION.messageWindow());
    Partition s = resolve(SECONDARY, PRIMARY_PARTITION);
    assertEquals(1, s.kernelId());
    assertEquals(List.of(4, 5, 6, 7), s.harts());
    assertEquals(List.of("clint0"), s.devices().stream().map(DeviceDescription::id).toList());
    assertEquals(1, s.vtyOffset());
  }

  @Test
  void reservedRegionsAreCutOutOfAllRam() {
    Partition p = resolve("memmap=4M$0x9fc00000 popcorn_msg=0x9fc00000,4M");
    assertEquals(
        List.of(new Region(0x8000_0000L, 508 * M), new Region(0xa000_0000L, 512 * M)), p.memory());
  }

  @Test
  void memKeepsTheFirstBytesCountedUpward() {
    Partition p = resolve("memmap=4M$0x80100000 mem=3M");
    assertEquals(List.of(new Region(0x8000_0000L, M), new Region(0x8050_0000L, 2 * M)), p.memory());
    Partition q = resolve("memmap=16M@0xa0000000 mem=2G");
    assertEquals(List.of(new Region(0xa000_0000L, 16 * M)), q.memory());
  }

  @Test
  void refusesAHartTheMachineLacks() {
    assertEquals(
        "present_mask=0-9: machine default has no hart 8-9; its harts are 0-7",
        refusal("present_mask=0-9"));
  }

  @Test
  void refusesUsableMemoryOutsideTheMachine() {
    assertEquals(
        "memmap=16M@0x70000000: [0x70000000, 0x71000000) is not inside the machine's memory"
            + " (dram0 [0x80000000, 0xa0000000), dram1 [0xa0000000, 0xc0000000))",
        refusal("memmap=16M@0x70000000"));
  }

  @Test
  void refusesUsableOverlappingReserved() {
    assertEquals(
        "memmap=256M@0x80000000: usable region overlaps the reserved memmap=4M$0x8fc00000",
        refusal("memmap=256M@0x80000000 memmap=4M$0x8fc00000"));
  }

  @Test
  void refusesAWindowOutsideTheMachine() {
    assertTrue(
        refusal("popcorn_msg=0xbfe00000,0x400000")
            .startsWith(
                "popcorn_msg=0xbfe00000,0x400000: window [0xbfe00000, 0xc0200000) is not inside"
                    + " the machine's memory"));
  }

  @Test
  void refusesAWindowOverlappingUsableMemory() {
    assertEquals(
        "popcorn_msg=0x9fc00000,0x400000: window overlaps usable memory"
            + " [0x80000000, 0xc0000000); reserve it with memmap=4M$0x9fc00000",
        refusal("popcorn_msg=0x9fc00000,0x400000"));
  }

  @Test
  void refusesWhenNoMemoryIsLeft() {
    assertTrue(
        refusal("memmap=16M@0x80000000 memmap=1G$0x80000000")
            .contains("usable region overlaps the reserved"));
    assertEquals(
        "memmap=/mem=: no usable memory is left once reserved regions are taken out",
        refusal("memmap=1G$0x80000000"));
  }

  @Test
  void refusesADuplicateKernelId() {
    assertEquals(
        "popcorn_id=0: kernel 0 is already running",
        refusal(SECONDARY.replace("popcorn_id=1", "popcorn_id=0"), PRIMARY_PARTITION));
  }

  @Test
  void refusesHartsOfARunningKernel() {
    assertEquals(
        "present_mask=3-7: hart 3 belongs to running kernel 0",
        refusal(SECONDARY.replace("present_mask=4-7", "present_mask=3-7"), PRIMARY_PARTITION));
  }

  @Test
  void refusesMemoryOfARunningKernel() {
    assertEquals(
        "memory [0x8f000000, 0x9f000000) overlaps running kernel 0's memory"
            + " [0x80000000, 0x8fe00000)",
        refusal(
            SECONDARY.replace("memmap=512M@0xa0000000", "memmap=256M@0x8f000000"),
            PRIMARY_PARTITION));
  }

  @Test
  void refusesMemoryOverARunningKernelsWindow() {
    Partition lone = resolve("present_mask=0 memmap=16M@0x80000000" + WINDOW);
    assertEquals(
        "memory [0x9f000000, 0xa0000000) overlaps the messaging window [0x9fc00000, 0xa0000000)",
        refusal(
            "popcorn_id=1 present_mask=1 memmap=16M@0x9f000000 pci_dev_flags=1b36:0002:b", lone));
  }

  @Test
  void refusesADifferentWindowFromTheRunningKernels() {
    assertEquals(
        "popcorn_msg=0xbfc00000,0x400000: the running kernels share the window"
            + " [0x9fc00000, 0xa0000000); use popcorn_msg=0x9fc00000,0x400000",
        refusal(
            "popcorn_id=1 present_mask=4-7 memmap=16M@0xa0000000 pci_dev_flags=1b36:0002:b"
                + " memmap=4M$0xbfc00000 popcorn_msg=0xbfc00000,0x400000",
            PRIMARY_PARTITION));
  }

  @Test
  void refusesAWindowOverARunningKernelsMemory() {
    Partition noWindow = resolve("present_mask=0 memmap=16M@0x80000000");
    assertEquals(
        "popcorn_msg=0x80000000,0x400000: window overlaps running kernel 0's memory"
            + " [0x80000000, 0x81000000)",
        refusal(
            "popcorn_id=1 present_mask=1 memmap=16M@0xa0000000 pci_dev_flags=1b36:0002:b"
                + " memmap=4M$0x80000000 popcorn_msg=0x80000000,0x400000",
            noWindow));
  }

  @Test
  void refusesAnUnknownDevice() {
    assertEquals(
        "pci_dev_flags: machine default has no device 8086:10c9; its devices are"
            + " 0000:0001 (clint0), 1b36:0002 (uart0)",
        refusal("pci_dev_flags=8086:10c9:b"));
  }

  @Test
  void refusesADeviceOfARunningKernel() {
    assertEquals(
        "device uart0 (1b36:0002) belongs to running kernel 0;"
            + " keep it away with pci_dev_flags=1b36:0002:b",
        refusal(SECONDARY.replace(" pci_dev_flags=1b36:0002:b", ""), PRIMARY_PARTITION));
  }

  @Test
  void refusesTheVirtualTtyOfARunningKernel() {
    assertEquals(
        "vty_offset=0: virtual TTY 0 belongs to running kernel 0",
        refusal(SECONDARY + " vty_offset=0", PRIMARY_PARTITION));
  }
}
