package dev.popcornj.kernel.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.PhysicalMemory;
import dev.popcornj.machine.mem.Region;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FrameAllocatorTest {
  private static final long BASE = 0x8000_0000L;

  private static FrameAllocator allocator(int frames, MemoryView[] viewOut) {
    PhysicalMemory memory = new PhysicalMemory();
    Region r = new Region(BASE, frames * 4096L);
    memory.addRange(BASE, r.size());
    MemoryView view = new MemoryView("t", memory, List.of(r));
    viewOut[0] = view;
    return new FrameAllocator(view, r);
  }

  @Test
  void handsOutEveryFrameOnceThenRunsOut() {
    FrameAllocator a = allocator(8, new MemoryView[1]);
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      long f = a.allocate();
      assertNotEquals(FrameAllocator.NO_FRAME, f);
      assertEquals(0, f & 0xfff);
      seen.add(f);
    }
    assertEquals(8, seen.size());
    assertEquals(FrameAllocator.NO_FRAME, a.allocate());
    assertEquals(8, a.framesInUse());
    assertEquals(0, a.framesFree());
  }

  @Test
  void aReusedFrameComesBackZeroed() {
    MemoryView[] view = new MemoryView[1];
    FrameAllocator a = allocator(1, view);
    long f = a.allocate();
    view[0].write64(f + 8, -1L);
    a.free(f);
    assertEquals(1, a.framesFree());
    long again = a.allocate();
    assertEquals(f, again);
    assertEquals(0, view[0].read64(again + 8));
  }

  /** A released archive frame has given its host memory back; handing it out takes none. */
  @Test
  void aReleasedHeldFrameComesBackZeroedWithoutHostMemory() {
    PhysicalMemory memory = new PhysicalMemory();
    Region r = new Region(BASE, 4 * 4096L);
    memory.addRange(BASE, r.size());
    MemoryView view = new MemoryView("t", memory, List.of(r));
    Region held = new Region(BASE + 2 * 4096L, 2 * 4096L);
    view.write64(held.base() + 16, -1L); // the loader's archive
    FrameAllocator a = new FrameAllocator(view, r, Long.MAX_VALUE, held);
    assertEquals(1, memory.touchedFrames());
    a.allocate();
    a.allocate();
    assertEquals(2, a.releaseHeld());
    assertEquals(0, memory.touchedFrames());
    long f = a.allocate();
    assertEquals(held.base(), f);
    assertEquals(0, memory.touchedFrames(), "zero already: nothing to touch");
    assertEquals(0, view.read64(f + 16));
  }

  @Test
  void refusesToFreeWhatItNeverGave() {
    FrameAllocator a = allocator(4, new MemoryView[1]);
    assertThrows(IllegalArgumentException.class, () -> a.free(BASE));
    a.allocate();
    assertThrows(IllegalArgumentException.class, () -> a.free(BASE + 12));
    assertThrows(IllegalArgumentException.class, () -> a.free(BASE + 4 * 4096L));
  }

  @Test
  void aFrameIsFreedWhenItsLastHolderLetsGo() {
    FrameAllocator a = allocator(2, new MemoryView[1]);
    long f = a.allocate();
    assertEquals(1, a.refCount(f));
    a.retain(f);
    a.retain(f);
    assertEquals(3, a.refCount(f));
    a.release(f);
    a.release(f);
    assertEquals(1, a.framesInUse());
    assertEquals(1, a.heldFrames().length);
    a.release(f);
    assertEquals(0, a.refCount(f));
    assertEquals(0, a.framesInUse());
    assertThrows(IllegalArgumentException.class, () -> a.release(f), "released twice");
    assertThrows(IllegalArgumentException.class, () -> a.retain(f), "retained after free");
    assertEquals(0, a.refCount(BASE + 64 * 4096L), "not this allocator's");
  }

  /** The initramfs archive's frames are kept out until it is unpacked, then join the pool. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {0, 3, 6})
  void heldFramesAreHandedOutOnlyAfterTheyAreReleased(int heldFrom) {
    PhysicalMemory memory = new PhysicalMemory();
    Region r = new Region(BASE, 10 * 4096L);
    memory.addRange(BASE, r.size());
    MemoryView view = new MemoryView("t", memory, List.of(r));
    Region held = new Region(BASE + heldFrom * 4096L, 4 * 4096L);
    FrameAllocator a = new FrameAllocator(view, r, Long.MAX_VALUE, held);
    assertEquals(6, a.framesFree());
    Set<Long> seen = new HashSet<>();
    for (long f = a.allocate(); f != FrameAllocator.NO_FRAME; f = a.allocate()) {
      assertEquals(false, held.contains(f, 4096), "held frame handed out: " + Long.toHexString(f));
      seen.add(f);
    }
    assertEquals(6, seen.size());
    assertEquals(6, a.heldFrames().length);
    assertEquals(4, a.releaseHeld());
    assertEquals(4, a.framesFree());
    for (int i = 0; i < 4; i++) {
      long f = a.allocate();
      assertEquals(held.base() + i * 4096L, f, "released frames come back lowest first");
    }
    assertEquals(FrameAllocator.NO_FRAME, a.allocate());
    assertEquals(10, a.framesInUse());
  }
}
