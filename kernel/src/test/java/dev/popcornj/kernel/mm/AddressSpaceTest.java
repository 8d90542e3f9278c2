package dev.popcornj.kernel.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.testing.TestSpace;
import dev.popcornj.machine.hart.AddressTranslator;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressSpaceTest {
  private static final long PAGE = MemoryLayout.PAGE_SIZE;
  private static final long A = 0x1000_0000L;

  private final TestSpace t = new TestSpace();
  private final AddressSpace s = t.space;

  @Test
  void pagesAreBackedOnFirstFaultWithTheAreaPermissions() {
    s.map(A, 4 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    assertEquals(AddressTranslator.NO_MAPPING, s.translate(A + 5, AddressTranslator.READ));
    assertEquals(Fault.RESOLVED, s.handleFault(A + 5, AddressTranslator.WRITE));
    long pa = s.translate(A + 5, AddressTranslator.WRITE);
    assertNotEquals(AddressTranslator.NO_MAPPING, pa);
    assertEquals(5, pa & 0xfff);
    assertEquals(pa, s.translate(A + 5, AddressTranslator.READ));
    assertEquals(AddressTranslator.NO_MAPPING, s.translate(A + 5, AddressTranslator.EXECUTE));
    assertEquals(
        Fault.SEGV_ACCERR, s.handleFault(A + 5, AddressTranslator.EXECUTE), "no exec permission");
    assertEquals(1, s.pageFaults());
    assertEquals(1, s.residentPages());
  }

  @Test
  void faultsOutsideAreasOrAgainstPermissionsAreRefused() {
    s.map(A, PAGE, Prot.R, Vma.Kind.ANONYMOUS);
    assertEquals(Fault.SEGV_MAPERR, s.handleFault(A - 1, AddressTranslator.READ));
    assertEquals(Fault.SEGV_MAPERR, s.handleFault(A + PAGE, AddressTranslator.READ));
    assertEquals(Fault.SEGV_ACCERR, s.handleFault(A, AddressTranslator.WRITE));
    assertEquals(Fault.SEGV_MAPERR, s.handleFault(0, AddressTranslator.READ));
    assertEquals(Fault.SEGV_MAPERR, s.handleFault(-4096, AddressTranslator.READ));
    assertEquals(Fault.SEGV_MAPERR, s.handleFault(MemoryLayout.USER_TOP, AddressTranslator.READ));
    assertEquals(Fault.RESOLVED, s.handleFault(A, AddressTranslator.READ));
  }

  @Test
  void writeOnlyIsReadWriteAsOnRiscV() {
    s.map(A, PAGE, Prot.W, Vma.Kind.ANONYMOUS);
    assertEquals(Prot.RW, s.areaAt(A).prot());
  }

  @Test
  void unmapSplitsAreasFreesFramesAndShootsDown() {
    s.map(A, 4 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    for (int i = 0; i < 4; i++) {
      s.handleFault(A + i * PAGE, AddressTranslator.WRITE);
    }
    long used = t.frames.framesInUse();
    int flushes = t.flushes();
    s.unmap(A + PAGE, 2 * PAGE);
    assertEquals(used - 2, t.frames.framesInUse());
    assertTrue(t.flushes() > flushes);
    assertEquals(
        List.of(
            new Vma(A, A + PAGE, Prot.RW, Vma.Kind.ANONYMOUS),
            new Vma(A + 3 * PAGE, A + 4 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS)),
        s.areas());
    assertEquals(AddressTranslator.NO_MAPPING, s.translate(A + PAGE, AddressTranslator.READ));
    assertNotEquals(
        AddressTranslator.NO_MAPPING, s.translate(A + 3 * PAGE, AddressTranslator.READ));
  }

  @Test
  void remappingAHoleMergesAreasBack() {
    s.map(A, 4 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    s.unmap(A + PAGE, PAGE);
    s.map(A + PAGE, PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    assertEquals(List.of(new Vma(A, A + 4 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS)), s.areas());
  }

  @Test
  void protectChangesPresentPagesAndFailsOnHoles() {
    s.map(A, 3 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    s.handleFault(A + PAGE, AddressTranslator.WRITE);
    assertTrue(s.protect(A + PAGE, PAGE, Prot.R));
    assertEquals(AddressTranslator.NO_MAPPING, s.translate(A + PAGE, AddressTranslator.WRITE));
    assertNotEquals(AddressTranslator.NO_MAPPING, s.translate(A + PAGE, AddressTranslator.READ));
    assertEquals(3, s.areas().size());
    assertTrue(s.protect(A + PAGE, PAGE, Prot.RW));
    assertEquals(1, s.areas().size(), "merged back");
    assertFalse(s.protect(A, 4 * PAGE, Prot.R), "range runs past the area");
    assertEquals(Prot.RW, s.areaAt(A).prot(), "nothing changed");
  }

  @Test
  void findFreeGoesTopDownAndSkipsUsedRanges() {
    long first = s.findFree(2 * PAGE);
    assertEquals(MemoryLayout.MMAP_TOP - 2 * PAGE, first);
    s.map(first, 2 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    assertEquals(first - PAGE, s.findFree(PAGE));
    s.map(first - 8 * PAGE, PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    assertEquals(first - 7 * PAGE, s.findFree(7 * PAGE), "fits the gap exactly");
    assertEquals(first - 16 * PAGE, s.findFree(8 * PAGE), "gap too small: below the obstacle");
    assertEquals(-1, s.findFree(MemoryLayout.USER_TOP));
  }

  @Test
  void brkGrowsShrinksAndRegrowsZeroed() {
    long heap = 0x20000;
    s.initHeap(heap, MemoryLayout.MMAP_TOP);
    assertEquals(heap, s.setBrk(0), "brk(0) reports the break");
    assertEquals(heap + 3 * PAGE + 10, s.setBrk(heap + 3 * PAGE + 10));
    t.user.write64(heap + 2 * PAGE, 42);
    assertEquals(heap + PAGE, s.setBrk(heap + PAGE));
    assertNull(s.areaAt(heap + 2 * PAGE));
    assertEquals(heap + 4 * PAGE, s.setBrk(heap + 4 * PAGE));
    assertEquals(0, t.user.read64(heap + 2 * PAGE));
    assertEquals(heap + 4 * PAGE, s.setBrk(heap - PAGE), "below the start: unchanged");
    s.map(heap + 6 * PAGE, PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    assertEquals(heap + 4 * PAGE, s.setBrk(heap + 8 * PAGE), "would run into a mapping");
  }

  @Test
  void moveCarriesPagesDownwardsAndUpwards() {
    s.map(A, 2 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    t.user.write64(A, 7);
    t.user.write64(A + PAGE + 8, 9);
    long low = A - 16 * PAGE;
    s.move(A, 2 * PAGE, low, 3 * PAGE);
    assertEquals(7, t.user.read64(low));
    assertEquals(9, t.user.read64(low + PAGE + 8));
    assertEquals(0, t.user.read64(low + 2 * PAGE));
    assertNull(s.areaAt(A));
    long high = A + 64 * PAGE;
    s.move(low, 3 * PAGE, high, 3 * PAGE);
    assertEquals(7, t.user.read64(high));
    assertEquals(9, t.user.read64(high + PAGE + 8));
  }

  @Test
  void kernelAccessChecksThePermissionTheProcessWouldNeed() {
    s.map(A, PAGE, Prot.R, Vma.Kind.ANONYMOUS);
    assertThrows(BadAddressException.class, () -> s.resolve(A, AddressTranslator.WRITE));
    assertThrows(BadAddressException.class, () -> s.resolve(A + PAGE, AddressTranslator.READ));
    assertThrows(BadAddressException.class, () -> s.resolve(-1, AddressTranslator.READ));
    s.resolve(A, AddressTranslator.READ);
    long pa = s.populate(A);
    t.view.write8(pa, (byte) 1);
    assertEquals(1, t.user.read(A, 1)[0], "the loader may write a read-only page");
  }

  @Test
  void runningOutOfFramesIsReported() {
    TestSpace small = new TestSpace(2 * PAGE);
    small.space.map(A, 4 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    assertEquals(Fault.RESOLVED, small.space.handleFault(A, AddressTranslator.WRITE));
    assertEquals(Fault.RESOLVED, small.space.handleFault(A + PAGE, AddressTranslator.WRITE));
    assertThrows(
        OutOfFramesException.class,
        () -> small.space.handleFault(A + 2 * PAGE, AddressTranslator.WRITE));
    small.space.release();
    assertEquals(0, small.frames.framesInUse());
  }
}
