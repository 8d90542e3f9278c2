package dev.popcornj.machine.hart;

import static dev.popcornj.machine.hart.Asm.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Misaligned and page-crossing loads and stores, done in hardware as the spec allows. */
class HartMemoryTest {
  private static final long D = HartFixture.DATA;
  private final HartFixture fx = new HartFixture();

  @Test
  void misalignedAccessesWithinAPage() {
    fx.set(A0, D + 3);
    fx.set(A1, 0x0102_0304_0506_0708L);
    fx.asm(sd(A1, A0, 0), ld(A2, A0, 0), lw(A3, A0, 1), lhu(A4, A0, 5), sh(A1, A0, 9), ECALL);
    fx.runToEcall();
    assertEquals(0x0102_0304_0506_0708L, fx.x(A2));
    assertEquals(0x04050607L, fx.x(A3));
    assertEquals(0x0203L, fx.x(A4));
    assertEquals(0x0708, fx.view.read16(D + 12));
  }

  @Test
  void accessesCrossingAPageBoundary() {
    long edge = D + 0x1000;
    for (int back = 1; back < 8; back++) {
      HartFixture f = new HartFixture();
      f.set(A0, edge - back);
      f.set(A1, 0x8877_6655_4433_2211L);
      f.asm(sd(A1, A0, 0), ld(A2, A0, 0), lw(A3, A0, 0), lh(A4, A0, 0), lwu(A5, A0, 0), ECALL);
      f.runToEcall();
      assertEquals(0x8877_6655_4433_2211L, f.x(A2));
      assertEquals(0x44332211L, f.x(A3));
      assertEquals(0x2211, f.x(A4));
      assertEquals(0x44332211L, f.x(A5));
      for (int i = 0; i < 8; i++) {
        assertEquals((byte) (0x11 * (i + 1)), f.view.read8(edge - back + i));
      }
    }
  }

  @Test
  void crossingIntoAnUnmappedPageFaultsAtItsFirstByteAndWritesNothing() {
    long edge = D + 0x1000;
    fx.protect(edge, HartFixture.R);
    fx.set(A0, edge - 4);
    fx.set(A1, -1);
    fx.asm(sd(A1, A0, 0));
    Trap t = fx.run();
    assertEquals(new Trap(TrapCause.STORE_PAGE_FAULT, HartFixture.CODE, edge), t);
    assertEquals(0, fx.view.read32(edge - 4));

    HartFixture g = new HartFixture();
    g.protect(edge, 0);
    g.set(A0, edge - 2);
    g.set(A2, 9);
    g.asm(lw(A2, A0, 0));
    t = g.run();
    assertEquals(new Trap(TrapCause.LOAD_PAGE_FAULT, HartFixture.CODE, edge), t);
    assertEquals(9, g.x(A2));

    // when the first page is the bad one, the fault names the access address
    HartFixture h = new HartFixture();
    h.protect(edge - 1, 0);
    h.set(A0, edge - 2);
    h.asm(lw(A2, A0, 0));
    assertEquals(new Trap(TrapCause.LOAD_PAGE_FAULT, HartFixture.CODE, edge - 2), h.run());
  }

  @Test
  void tlbFlushSeesNewPermissions() {
    fx.set(A0, D);
    fx.asm(sd(A0, A0, 0), ECALL, sd(A0, A0, 0), ECALL);
    fx.runToEcall();
    fx.protect(D, HartFixture.R); // flushes the page
    fx.hart.setPc(fx.hart.pc() + 4);
    assertEquals(TrapCause.STORE_PAGE_FAULT, fx.run().cause());
  }

  @Test
  void manyPagesEvictEachOtherFromTheTlb() {
    // touch 2048 pages with a stride that collides in a direct-mapped TLB, then read them back
    fx.set(A0, D);
    fx.set(T0, 2048);
    fx.set(T1, 0x1000);
    fx.asm(
        sd(T0, A0, 8),
        add(A0, A0, T1),
        addi(T0, T0, -1),
        bne(T0, ZERO, -12),
        addi(T0, ZERO, 2047),
        slli(T0, T0, 1), // t0 = 4094 (unused)
        ECALL);
    fx.runToEcall();
    for (int i = 0; i < 2048; i++) {
      assertEquals(2048 - i, fx.view.read64(D + 0x1000L * i + 8));
    }
  }
}
