package dev.popcornj.kernel.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.machine.desc.DeviceId;
import dev.popcornj.machine.mem.Region;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every form of the partition parameters parses, and every malformed one is refused in a line. */
class PartitionParamsTest {
  static final long M = 1L << 20;

  static String refusal(String cmdline) {
    BootException e = assertThrows(BootException.class, () -> PartitionParams.parse(cmdline));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    return e.getMessage();
  }

  @Test
  void anEmptyLineMeansTheWholeMachineForKernelZero() {
    PartitionParams p = PartitionParams.parse("console=ttyS0");
    assertEquals(0, p.kernelId());
    assertEquals(Optional.empty(), p.presentMask());
    assertEquals(OptionalLong.empty(), p.memLimit());
    assertEquals(List.of(), p.usable());
    assertEquals(List.of(), p.reserved());
    assertEquals(List.of(), p.excludedDevices());
    assertEquals(OptionalInt.empty(), p.vtyOffset());
    assertEquals(Optional.empty(), p.messageWindow());
    assertEquals(0, p.effectiveVtyOffset());
  }

  @Test
  void presentMaskKeepsTheOrderWritten() {
    assertEquals(
        List.of(0, 1, 2, 3, 8), PartitionParams.parse("present_mask=0-3,8").presentMask().get());
    assertEquals(List.of(5, 2), PartitionParams.parse("present_mask=5,2").presentMask().get());
  }

  @ParameterizedTest
  @CsvSource({
    "512M, 536870912",
    "2G, 2147483648",
    "64k, 65536",
    "1T, 1099511627776",
    "4096, 4096",
    "0x1000, 4096",
    "0x10M, 16777216",
    "5000, 4096"
  })
  void memTakesLinuxSizesRoundedDownToAPage(String value, long bytes) {
    assertEquals(bytes, PartitionParams.parse("mem=" + value).memLimit().getAsLong());
  }

  @Test
  void memmapUsableAndReservedAccumulateOverWordsAndCommas() {
    PartitionParams p =
        PartitionParams.parse(
            "memmap=256M@0x80000000 memmap=4M$0x9fc00000,64K@2G memmap=0x100000$2560M");
    assertEquals(
        List.of(new Region(0x8000_0000L, 256 * M), new Region(0x8000_0000L, 64 << 10)), p.usable());
    assertEquals(
        List.of(new Region(0x9fc0_0000L, 4 * M), new Region(0xa000_0000L, M)), p.reserved());
  }

  @Test
  void memmapAfterDashesIsForInit() {
    assertEquals(List.of(), PartitionParams.parse("quiet -- memmap=4M@0x80000000").usable());
  }

  @Test
  void pciDevFlagsTakesHexIdsWithOrWithoutPrefix() {
    PartitionParams p = PartitionParams.parse("pci_dev_flags=0x8086:0x10c9:b,1b36:2:b,1b36:0002:b");
    assertEquals(
        List.of(new DeviceId(0x8086, 0x10c9), new DeviceId(0x1b36, 2)), p.excludedDevices());
  }

  @Test
  void idsVtyAndWindow() {
    PartitionParams p =
        PartitionParams.parse("popcorn_id=3 vty_offset=0x7 popcorn_msg=0x9fc00000,0x400000");
    assertEquals(3, p.kernelId());
    assertEquals(7, p.effectiveVtyOffset());
    assertEquals(Optional.of(new Region(0x9fc0_0000L, 4 * M)), p.messageWindow());
    assertEquals(3, PartitionParams.parse("popcorn_id=3").effectiveVtyOffset());
    assertEquals(
        Optional.of(new Region(0x9fc0_0000L, 4 * M)),
        PartitionParams.parse("popcorn_msg=0x9fc00000,4M").messageWindow());
  }

  @Test
  void wordsParseBackToTheSameParameters() {
    PartitionParams p =
        PartitionParams.parse(
            "popcorn_id=2 present_mask=6,4-5 mem=100M memmap=128M@0xa0000000 memmap=4K@0xb0000000"
                + " memmap=4M$0x9fc00000 popcorn_msg=0x9fc00000,0x400000"
                + " pci_dev_flags=1b36:0002:b,0000:0001:b vty_offset=9");
    assertEquals(
        List.of(
            "popcorn_id=2",
            "present_mask=6,4-5",
            "mem=100M",
            "memmap=128M@0xa0000000",
            "memmap=4K@0xb0000000",
            "memmap=4M$0x9fc00000",
            "popcorn_msg=0x9fc00000,0x400000",
            "pci_dev_flags=1b36:0002:b,0000:0001:b",
            "vty_offset=9"),
        p.words());
    assertEquals(p, PartitionParams.parse(String.join(" ", p.words())));
  }

  @Test
  void refusesABadPresentMask() {
    String m = refusal("present_mask=0-x");
    assertTrue(m.startsWith("present_mask=0-x: "), m);
    assertTrue(m.contains("0-3,8"), m);
  }

  @Test
  void refusesABackwardsPresentMask() {
    assertTrue(refusal("present_mask=3-1").contains("runs backwards"));
  }

  @Test
  void refusesAnUnreadableMem() {
    String m = refusal("mem=lots");
    assertTrue(m.startsWith("mem=lots: 'lots' is not a size or address"), m);
  }

  @Test
  void refusesAMemBelowAPage() {
    assertEquals(
        "mem=100: leaves no memory; expected a size of at least 4K, such as 512M",
        refusal("mem=100"));
  }

  @Test
  void refusesASizeThatOverflows() {
    assertTrue(refusal("mem=0xffffffffffG").endsWith("is too large"));
  }

  @Test
  void refusesAMemmapWithoutAtOrDollar() {
    String m = refusal("memmap=4M#0x80000000");
    assertTrue(
        m.startsWith("memmap=4M#0x80000000: expected SIZE@ADDRESS (usable) or SIZE$ADDRESS"), m);
  }

  @Test
  void refusesAMemmapWithABadNumber() {
    assertTrue(refusal("memmap=4Q@0x80000000").contains("'4Q' is not a size or address"));
  }

  @Test
  void refusesAnUnalignedMemmap() {
    assertTrue(refusal("memmap=4M@0x80000100").contains("must be non-zero multiples of 4K"));
  }

  @Test
  void refusesAMemmapPastTheAddressSpace() {
    assertTrue(
        refusal("memmap=4M@0x7ffffffffff00000").contains("runs past the end of the address space"));
  }

  @Test
  void refusesAMalformedPciDevFlagsEntry() {
    String m = refusal("pci_dev_flags=uart0");
    assertTrue(m.contains("'uart0' is not VENDOR:DEVICE:FLAGS"), m);
  }

  @Test
  void refusesAnUnknownPciDevFlag() {
    assertTrue(refusal("pci_dev_flags=1b36:0002:x").contains("unknown flag 'x' for 1b36:0002"));
  }

  @Test
  void refusesABadKernelId() {
    assertEquals(
        "popcorn_id=-1: expected a kernel id, a whole number from 0 to 4095",
        refusal("popcorn_id=-1"));
    assertTrue(refusal("popcorn_id=5000").startsWith("popcorn_id=5000: expected a kernel id"));
  }

  @Test
  void refusesABadVtyOffset() {
    assertTrue(refusal("vty_offset=tty1").startsWith("vty_offset=tty1: expected a virtual TTY"));
  }

  @Test
  void refusesAWindowWithoutSize() {
    assertTrue(
        refusal("popcorn_msg=0x9fc00000")
            .startsWith("popcorn_msg=0x9fc00000: expected ADDRESS,SIZE"));
  }

  @Test
  void refusesAnUnalignedWindow() {
    assertTrue(refusal("popcorn_msg=0x9fc00010,0x400000").contains("must be multiples of 4K"));
  }
}
