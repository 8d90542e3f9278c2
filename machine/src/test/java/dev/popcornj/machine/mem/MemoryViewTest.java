package dev.popcornj.machine.mem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryViewTest {
  static final long BASE = 0x8000_0000L;

  static PhysicalMemory gib() {
    PhysicalMemory m = new PhysicalMemory();
    m.addRange(BASE, 1L << 30);
    return m;
  }

  @Test
  void untouchedMemoryCostsNoFrames() {
    PhysicalMemory m = gib();
    MemoryView v = new MemoryView("k0", m, List.of(new Region(BASE, 1L << 30)));
    assertEquals(0, m.touchedFrames());
    v.write64(BASE + 0x1000, 42);
    assertEquals(42, v.read64(BASE + 0x1000));
    assertEquals(0, v.read64(BASE + 0x3000_0000L), "untouched memory reads as zero");
    assertEquals(2, m.touchedFrames());
  }

  @Test
  void aDiscardedFrameReadsAsZeroAndGivesItsHostMemoryBack() {
    PhysicalMemory m = gib();
    MemoryView v = new MemoryView("k0", m, List.of(new Region(BASE, 0x100_0000)));
    v.write64(BASE + 0x2008, 42);
    assertEquals(1, m.touchedFrames());
    v.discardFrame(BASE + 0x2000);
    v.discardFrame(BASE + 0x5000); // never touched: nothing to give back
    assertEquals(0, m.touchedFrames());
    assertEquals(0, v.read64(BASE + 0x2008));
    assertThrows(MemoryFault.class, () -> v.discardFrame(BASE + 0x100_0000));
  }

  @Test
  void framesFarApartInALargeBankKeepTheirContentsAndCodeMarks() {
    PhysicalMemory m = new PhysicalMemory();
    long size = (16L << 30) + 0x3000; // not a whole number of the table's chunks
    m.addRange(BASE, size);
    MemoryView v = new MemoryView("k0", m, List.of(new Region(BASE, size)));
    long[] at = {BASE, BASE + 0x3ff000, BASE + 0x400000, BASE + (8L << 30), BASE + size - 0x1000};
    List<Long> written = new ArrayList<>();
    m.addCodeWriteListener(written::add);
    for (int i = 0; i < at.length; i++) {
      v.write64(at[i] + 8, i + 1);
      assertTrue(!v.isCode(at[i]));
    }
    assertEquals(at.length, m.touchedFrames());
    v.frameForExecute(at[1]);
    v.frameForExecute(at[3]);
    for (int i = 0; i < at.length; i++) {
      assertEquals(i + 1, v.read64(at[i] + 8));
      assertEquals(i == 1 || i == 3, v.isCode(at[i]), "code mark at " + Long.toHexString(at[i]));
    }
    assertTrue(!v.isCode(BASE + (4L << 30)), "a frame in an untouched chunk is not code");
    v.write8(at[3], (byte) 1);
    v.clearFrame(at[1]);
    assertEquals(List.of(at[3] >>> 12, at[1] >>> 12), written);
    assertEquals(0, v.read64(at[1] + 8));
    assertTrue(!v.isCode(at[1]) && !v.isCode(at[3]));
    v.discardFrame(at[4]);
    v.discardFrame(BASE + (4L << 30)); // in a chunk never touched
    assertEquals(at.length - 1, m.touchedFrames());
    assertThrows(MemoryFault.class, () -> v.read8(BASE + size));
  }

  @Test
  void partitionGuardRefusesAccessOutsideGrants() {
    PhysicalMemory m = gib();
    MemoryView k0 = new MemoryView("k0", m, List.of(new Region(BASE, 0x100_0000)));
    MemoryView k1 = new MemoryView("k1", m, List.of(new Region(BASE + 0x100_0000, 0x100_0000)));
    k1.write32(BASE + 0x100_0000, 7);
    MemoryFault f = assertThrows(MemoryFault.class, () -> k0.read32(BASE + 0x100_0000));
    assertEquals(BASE + 0x100_0000, f.address());
    assertTrue(f.getMessage().startsWith("k0:"));
    assertThrows(MemoryFault.class, () -> k0.write8(BASE - 1, (byte) 1));
    assertThrows(MemoryFault.class, () -> k1.frameForRead(BASE));
  }

  @Test
  void theAuditSeesEveryFrameReachedIncludingRefusedOnes() {
    PhysicalMemory m = gib();
    List<String> seen = new java.util.ArrayList<>();
    MemoryView v =
        new MemoryView(
            "k0",
            m,
            List.of(new Region(BASE, 0x10_0000)),
            (who, at) -> seen.add(who + "@" + Long.toHexString(at)));
    v.write32(BASE + 0x2004, 1);
    v.read8(BASE + 0x3000);
    v.clearFrame(BASE + 0x4000);
    assertThrows(MemoryFault.class, () -> v.read8(BASE + 0x20_0000));
    assertEquals(List.of("k0@80002004", "k0@80003000", "k0@80004000", "k0@80200000"), seen);
  }

  @Test
  void sharedWindowIsSeenByBothViews() {
    PhysicalMemory m = gib();
    Region window = new Region(BASE + 0x200_0000, 0x10_0000);
    MemoryView k0 = new MemoryView("k0", m, List.of(new Region(BASE, 0x100_0000), window));
    MemoryView k1 = new MemoryView("k1", m, List.of(new Region(BASE + 0x100_0000, 0x100_0000)));
    k1.grant(window);
    k0.write64(window.base() + 8, 0x1122334455667788L);
    assertEquals(0x1122334455667788L, k1.read64(window.base() + 8));
    k1.revoke(window);
    assertThrows(MemoryFault.class, () -> k1.read64(window.base() + 8));
  }

  @Test
  void accessesCrossingFramesAreLittleEndian() {
    PhysicalMemory m = gib();
    MemoryView v = new MemoryView("k", m, List.of(new Region(BASE, 1L << 20)));
    long at = BASE + PhysicalMemory.FRAME_SIZE - 3;
    v.write64(at, 0x0102030405060708L);
    assertEquals(0x08, v.read8(at));
    assertEquals(0x01, v.read8(at + 7));
    assertEquals(0x0102030405060708L, v.read64(at));
    assertEquals(0x05060708, v.read32(at));
    byte[] buf = new byte[10000];
    for (int i = 0; i < buf.length; i++) {
      buf[i] = (byte) (i * 7);
    }
    v.writeBytes(BASE + 100, buf, 0, buf.length);
    byte[] back = new byte[buf.length];
    v.readBytes(BASE + 100, back, 0, back.length);
    assertArrayEquals(buf, back);
  }

  @Test
  void writingACodeFrameTellsListenersOnce() {
    PhysicalMemory m = gib();
    MemoryView v = new MemoryView("k", m, List.of(new Region(BASE, 1L << 20)));
    List<Long> told = new ArrayList<>();
    m.addCodeWriteListener(told::add);
    v.frameForExecute(BASE + 0x2000);
    assertTrue(v.isCode(BASE + 0x2000));
    v.write32(BASE + 0x2004, 0x13);
    v.write32(BASE + 0x2008, 0x13);
    assertEquals(List.of((BASE + 0x2000) >>> 12), told);
  }

  /** Accesses that alternate between banks, and code in each, reach the right frames. */
  @Test
  void framesOfSeveralBanksAndTheirCodeMarksStayApart() {
    PhysicalMemory m = new PhysicalMemory();
    long far = 0x2_0000_0000L;
    m.addRange(BASE, 1L << 20);
    m.addRange(far, 1L << 20);
    MemoryView v =
        new MemoryView("k", m, List.of(new Region(BASE, 1L << 20), new Region(far, 1L << 20)));
    List<Long> told = new ArrayList<>();
    m.addCodeWriteListener(told::add);
    v.frameForExecute(far + 0x3000);
    for (int i = 0; i < 4; i++) {
      v.write64(BASE + 0x3000 + 8 * i, i);
      v.write64(far + 0x5000 + 8 * i, 100 + i);
    }
    assertEquals(List.of(), told, "neither written frame is code");
    assertTrue(v.isCode(far + 0x3000));
    assertEquals(false, v.isCode(BASE + 0x3000));
    v.write8(BASE + 0x3000, (byte) 9); // the same offset in the other bank: still code
    assertTrue(v.isCode(far + 0x3000));
    v.clearFrame(far + 0x3000);
    assertEquals(List.of((far + 0x3000) >>> 12), told);
    assertEquals(9, v.read8(BASE + 0x3000));
    assertEquals(3, v.read64(BASE + 0x3018));
    assertEquals(103, v.read64(far + 0x5018));
    assertEquals(3, m.touchedFrames());
  }

  @Test
  void rangesMustNotOverlapAndGrantsMustBeRam() {
    PhysicalMemory m = gib();
    assertThrows(IllegalArgumentException.class, () -> m.addRange(BASE + (1L << 29), 1L << 30));
    assertThrows(
        IllegalArgumentException.class,
        () -> new MemoryView("k", m, List.of(new Region(0x1000, 0x1000))));
  }
}
