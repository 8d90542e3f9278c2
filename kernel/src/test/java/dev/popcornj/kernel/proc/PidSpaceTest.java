package dev.popcornj.kernel.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The per-kernel ranges of the one pid space, and a process table allocating from its range. */
class PidSpaceTest {
  @Test
  void kernelZeroKeepsPidsFromOneAndTheOthersGetTheirOwnRanges() {
    assertEquals(1, PidSpace.first(0));
    assertEquals(65535, PidSpace.last(0));
    assertEquals(300, PidSpace.wrap(0));
    assertEquals(131073, PidSpace.first(2));
    assertEquals(196607, PidSpace.last(2));
    assertEquals(2 << 16 | 300, PidSpace.wrap(2));
    assertEquals(0, PidSpace.originOf(1));
    assertEquals(0, PidSpace.originOf(65535));
    assertEquals(1, PidSpace.originOf(65537));
    assertEquals(2, PidSpace.originOf(131075));
    assertEquals(63, PidSpace.originOf(PidSpace.PID_MAX - 1));
    assertEquals(4194304, PidSpace.PID_MAX);
  }

  @Property
  void everyIdOfARangeHasThatKernelAsItsOrigin(
      @ForAll @IntRange(min = 0, max = PidSpace.MAX_KERNELS - 1) int k,
      @ForAll @IntRange(min = 1, max = PidSpace.IDS_PER_KERNEL) int serial) {
    int id = (k << PidSpace.SERIAL_BITS) | serial;
    assertTrue(id > 0, "ids stay positive");
    assertEquals(k, PidSpace.originOf(id));
    assertTrue(PidSpace.inRange(k, id));
    assertFalse(PidSpace.inRange(k > 0 ? k - 1 : k + 1, id));
  }

  @Test
  void aKernelIdWithoutARangeIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> PidSpace.first(-1));
    assertThrows(IllegalArgumentException.class, () -> PidSpace.first(PidSpace.MAX_KERNELS));
  }

  @Test
  void aTableAllocatesFromItsKernelsRangeAndWrapsPastTheReservedIds() {
    ProcessTable table = new ProcessTable(1_000_000, 2);
    assertEquals(2, table.kernelId());
    assertEquals(131073, table.allocate());
    assertEquals(131074, table.allocate());
    for (int id = 131075; id < PidSpace.last(2); id++) {
      table.allocate();
    }
    assertEquals(PidSpace.last(2), table.allocate());
    assertEquals(PidSpace.wrap(2), table.allocate(), "after the last id comes the wrap point");
    assertTrue(table.originatesHere(131073));
    assertFalse(table.originatesHere(65537));
    assertFalse(table.originatesHere(1));
  }

  @Test
  void aTableOfKernelZeroStartsAtOne() {
    assertEquals(1, new ProcessTable(10).allocate());
    assertEquals(1, new ProcessTable(10, 0).allocate());
  }
}
