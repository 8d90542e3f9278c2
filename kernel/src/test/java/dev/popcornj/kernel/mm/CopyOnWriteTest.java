package dev.popcornj.kernel.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.testing.TestSpace;
import dev.popcornj.machine.hart.AddressTranslator;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyOnWriteTest {
  private static final long PAGE = MemoryLayout.PAGE_SIZE;
  private static final long A = 0x1000_0000L;

  private final TestSpace t = new TestSpace();
  private final AddressSpace parent = t.space;
  private int childFlushes;

  private AddressSpace fork() {
    return parent.fork(() -> childFlushes++);
  }

  private void check(AddressSpace... spaces) {
    FrameAccounting.check(t.frames, List.of(spaces), List.of());
  }

  @Test
  void parentAndChildSeeTheirOwnWritesAndFramesComeBackAfterBothRelease() {
    parent.map(A, 2 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    t.user.write64(A, 1);
    t.user.write64(A + PAGE, 2);
    long frame = parent.translate(A, AddressTranslator.READ);
    int flushes = t.flushes();
    AddressSpace child = fork();
    UserMemory childMem = new UserMemory(child, t.view);
    assertTrue(t.flushes() > flushes, "the parent's write translations are shot down");
    assertEquals(2, t.frames.refCount(frame));
    assertEquals(AddressTranslator.NO_MAPPING, parent.translate(A, AddressTranslator.WRITE));
    assertEquals(AddressTranslator.NO_MAPPING, child.translate(A, AddressTranslator.WRITE));
    assertEquals(frame, child.translate(A, AddressTranslator.READ), "no copy before a write");
    check(parent, child);

    assertEquals(Fault.RESOLVED, child.handleFault(A, AddressTranslator.WRITE));
    long childFrame = child.translate(A, AddressTranslator.WRITE);
    assertNotEquals(frame, childFrame);
    childMem.write64(A, 10);
    assertEquals(1, t.user.read64(A), "parent unchanged");
    assertEquals(10, childMem.read64(A));
    assertEquals(1, t.frames.refCount(frame));

    t.user.write64(A + PAGE, 20); // copy_to_user in the parent breaks copy-on-write too
    assertEquals(2, childMem.read64(A + PAGE));
    assertEquals(20, t.user.read64(A + PAGE));
    check(parent, child);

    child.release();
    check(parent);
    parent.release();
    assertEquals(0, t.frames.framesInUse());
  }

  @Test
  void theLastHolderWritesWithoutCopying() {
    parent.map(A, PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    t.user.write64(A, 5);
    AddressSpace child = fork();
    long frame = parent.translate(A, AddressTranslator.READ);
    child.release();
    long used = t.frames.framesInUse();
    assertEquals(Fault.RESOLVED, parent.handleFault(A, AddressTranslator.WRITE));
    assertEquals(frame, parent.translate(A, AddressTranslator.WRITE));
    assertEquals(used, t.frames.framesInUse());
    check(parent);
  }

  @Test
  void aCopyOnWriteBreakShootsDownTheStaleReadTranslation() {
    parent.map(A, PAGE, Prot.RW, Vma.Kind.ANONYMOUS);
    t.user.write64(A, 5);
    AddressSpace child = fork();
    int before = childFlushes;
    child.handleFault(A, AddressTranslator.WRITE);
    assertTrue(childFlushes > before);
  }

  @Test
  void sharedAnonymousMemoryStaysSharedAcrossFork() {
    SharedAnonymous object = new SharedAnonymous(t.frames, 2 * PAGE);
    parent.map(new Vma(A, A + 2 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS, object, 0, true, null));
    t.user.write64(A, 3);
    AddressSpace child = fork();
    UserMemory childMem = new UserMemory(child, t.view);
    assertEquals(3, childMem.read64(A));
    childMem.write64(A, 4);
    assertEquals(4, t.user.read64(A));
    t.user.write64(A + PAGE, 7);
    assertEquals(7, childMem.read64(A + PAGE));
    assertEquals(2, object.users());
    check(parent, child);
    parent.release();
    assertEquals(7, childMem.read64(A + PAGE));
    check(child);
    child.release();
    assertEquals(0, object.users());
    assertEquals(0, t.frames.framesInUse());
  }

  @Test
  void splittingASharedAreaKeepsItsObjectAliveUntilTheLastPieceGoes() {
    SharedAnonymous object = new SharedAnonymous(t.frames, 3 * PAGE);
    parent.map(new Vma(A, A + 3 * PAGE, Prot.RW, Vma.Kind.ANONYMOUS, object, 0, true, null));
    t.user.write64(A + 2 * PAGE, 9);
    parent.unmap(A + PAGE, PAGE);
    assertEquals(2, object.users());
    assertEquals(2 * PAGE, parent.areaAt(A + 2 * PAGE).offset());
    parent.unmap(A, PAGE);
    assertEquals(9, t.user.read64(A + 2 * PAGE));
    check(parent);
    parent.unmap(A + 2 * PAGE, PAGE);
    assertEquals(0, t.frames.framesInUse());
  }

  @Test
  void specialMappingSurvivesForkAndIsShared() {
    parent.mapSpecial(A, new byte[] {0x73, 0, 0, 0}, Prot.RX, "[vdso]");
    AddressSpace child = fork();
    long pa = parent.resolve(A, AddressTranslator.EXECUTE);
    assertEquals(pa, child.resolve(A, AddressTranslator.EXECUTE));
    assertEquals(0x73, t.view.read8(pa));
    assertTrue(child.mapsText().contains("r-xp 00000000 00:00 0"));
    assertTrue(child.mapsText().strip().endsWith("[vdso]"));
    check(parent, child);
    parent.release();
    child.release();
    assertEquals(0, t.frames.framesInUse());
  }
}
