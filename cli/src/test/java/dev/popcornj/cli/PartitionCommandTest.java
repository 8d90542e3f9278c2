package dev.popcornj.cli;

import static dev.popcornj.cli.MachineCommandTest.assertOneLineUserError;
import static dev.popcornj.cli.MachineCommandTest.popcorn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.cli.MachineCommandTest.Run;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code popcorn partition} prints the plan as a table and command lines, or one error line. */
class PartitionCommandTest {
  @Test
  void defaultInTwoPrintsTableAndCommandLines() {
    Run r = popcorn("partition", "--kernels", "2");
    assertEquals(0, r.status(), r.err());
    assertEquals("", r.err());
    assertEquals(
        List.of(
            "machine default: 8 harts, 2 kernels, messaging window [0x9fc00000, 0xa0000000) (4M)",
            "id   harts      node  memory                               devices",
            "0    0-3        0     [0x80000000, 0x9fc00000) 508M        clint0,uart0",
            "1    4-7        1     [0xa0000000, 0xc0000000) 512M        clint0",
            "",
            "kernel 0: console=ttyS0 popcorn_id=0 present_mask=0-3 memmap=508M@0x80000000"
                + " memmap=4M$0x9fc00000 popcorn_msg=0x9fc00000,0x400000 vty_offset=0",
            "kernel 1: console=ttyS0 popcorn_id=1 present_mask=4-7 memmap=512M@0xa0000000"
                + " memmap=4M$0x9fc00000 popcorn_msg=0x9fc00000,0x400000"
                + " pci_dev_flags=1b36:0002:b vty_offset=1"),
        r.outLines());
  }

  @Test
  void manycoreInSixtyFourPrintsALinePerKernel() {
    Run r = popcorn("partition", "--kernels", "64", "--machine", "manycore");
    assertEquals(0, r.status(), r.err());
    assertEquals(64, r.outLines().stream().filter(l -> l.startsWith("kernel ")).count());
    assertTrue(
        r.outLines().contains("63   63         7     [0x278000000, 0x280000000) 128M      clint0"),
        r.out());
  }

  @Test
  void refusesZeroKernels() {
    assertEquals(
        "popcorn: partition: kernels: 0 is not a kernel count; give 1 or more",
        assertOneLineUserError(popcorn("partition", "--kernels", "0")));
  }

  @Test
  void refusesMoreKernelsThanHarts() {
    assertEquals(
        "popcorn: partition: kernels: machine hetero has 8 harts and each kernel needs one,"
            + " so at most 8 kernels, not 9",
        assertOneLineUserError(popcorn("partition", "--kernels", "9", "--machine", "hetero")));
  }

  @Test
  void refusesAKernelCountThatIsNoNumber() {
    assertEquals(
        "popcorn: Invalid value for option '--kernels': 'two' is not an int",
        assertOneLineUserError(popcorn("partition", "--kernels", "two")));
  }

  @Test
  void refusesAMissingKernelCount() {
    assertEquals(
        "popcorn: Missing required option: '--kernels=N'",
        assertOneLineUserError(popcorn("partition")));
  }

  @Test
  void refusesAnUnknownMachine() {
    assertEquals(
        "popcorn: nope: no such file, nor a preset; presets are default, hetero, manycore",
        assertOneLineUserError(popcorn("partition", "--kernels", "2", "--machine", "nope")));
  }
}
