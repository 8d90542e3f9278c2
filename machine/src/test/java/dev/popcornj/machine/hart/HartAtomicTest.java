package dev.popcornj.machine.hart;

import static dev.popcornj.machine.hart.Asm.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.Region;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LR/SC reservations and every AMO, in word and doubleword width. */
class HartAtomicTest {
  private static final long D = HartFixture.DATA;

  private final HartFixture fx = new HartFixture();

  @Test
  void lrThenScSucceedsAndStores() {
    fx.view.write64(D, 41);
    fx.set(A0, D);
    fx.asm(lrD(A1, A0), addi(A1, A1, 1), scD(A2, A0, A1), ECALL);
    fx.runToEcall();
    assertEquals(0, fx.x(A2));
    assertEquals(42, fx.view.read64(D));
  }

  @Test
  void scWithoutReservationFailsAndStoresNothing() {
    fx.view.write32(D, 7);
    fx.set(A0, D);
    fx.set(A1, 99);
    fx.asm(scW(A2, A0, A1), ECALL);
    fx.runToEcall();
    assertEquals(1, fx.x(A2));
    assertEquals(7, fx.view.read32(D));
  }

  @Test
  void scFailsAfterTheReservedValueChangedOrForAnotherAddress() {
    fx.view.write32(D, 7);
    fx.set(A0, D);
    fx.set(A3, D + 8);
    fx.set(A1, 99);
    fx.asm(
        lrW(A2, A0),
        scW(A4, A3, A1), // other address: fails and clears the reservation
        scW(A5, A0, A1), // reservation gone
        ECALL);
    fx.runToEcall();
    assertEquals(1, fx.x(A4));
    assertEquals(1, fx.x(A5));
    assertEquals(7, fx.view.read32(D));
    assertEquals(0, fx.view.read32(D + 8));

    // another agent writes a different value between LR and SC: SC fails (the qemu approach)
    HartFixture g = new HartFixture();
    g.set(A0, D);
    g.set(A1, 5);
    g.asm(lrW(A2, A0), ECALL, scW(A3, A0, A1), ECALL);
    g.runToEcall();
    g.view.write32(D, 1234);
    g.hart.setPc(g.hart.pc() + 4);
    g.runToEcall();
    assertEquals(1, g.x(A3));
    assertEquals(1234, g.view.read32(D));
  }

  @Test
  void clearReservationMakesScFail() {
    fx.set(A0, D);
    fx.asm(lrD(A2, A0), ECALL, scD(A3, A0, A0), ECALL);
    fx.runToEcall();
    fx.hart.clearReservation();
    fx.hart.setPc(fx.hart.pc() + 4);
    fx.runToEcall();
    assertEquals(1, fx.x(A3));
  }

  @Test
  void lrWordSignExtends() {
    fx.view.write32(D, 0x80000001);
    fx.set(A0, D);
    fx.asm(lrW(A1, A0), ECALL);
    fx.runToEcall();
    assertEquals(0xffffffff_80000001L, fx.x(A1));
  }

  private static final int SWAP = 0b00001, ADD = 0b00000, XOR = 0b00100, AND = 0b01100;
  private static final int OR = 0b01000, MIN = 0b10000, MAX = 0b10100, MINU = 0b11000;
  private static final int MAXU = 0b11100;

  /** Runs one AMO on memory holding mem with rs2 = src; returns {old value in rd, new memory}. */
  private static long[] amo(int f5, int width, long mem, long src) {
    HartFixture f = new HartFixture();
    f.view.write64(D, 0x5555_5555_5555_5555L);
    if (width == 3) {
      f.view.write64(D, mem);
    } else {
      f.view.write32(D, (int) mem);
    }
    f.set(A0, D);
    f.set(A1, src);
    f.asm(Asm.amo(f5, width, A2, A0, A1), ECALL);
    f.runToEcall();
    long now = width == 3 ? f.view.read64(D) : f.view.read32(D);
    if (width == 2) {
      assertEquals(0x55555555, f.view.read32(D + 4), "word AMO wrote past its word");
    }
    return new long[] {f.x(A2), now};
  }

  private static void check(int f5, int width, long mem, long src, long expectNew) {
    long[] r = amo(f5, width, mem, src);
    long old = width == 2 ? (int) mem : mem;
    assertEquals(old, r[0], "old value of amo " + f5);
    assertEquals(width == 2 ? (int) expectNew : expectNew, r[1], "new value of amo " + f5);
  }

  @Test
  void everyAmoDoubleword() {
    check(SWAP, 3, 5, 9, 9);
    check(ADD, 3, Long.MAX_VALUE, 1, Long.MIN_VALUE);
    check(XOR, 3, 0b1100, 0b1010, 0b0110);
    check(AND, 3, 0b1100, 0b1010, 0b1000);
    check(OR, 3, 0b1100, 0b1010, 0b1110);
    check(MIN, 3, -1, 1, -1);
    check(MAX, 3, -1, 1, 1);
    check(MINU, 3, -1, 1, 1);
    check(MAXU, 3, -1, 1, -1);
  }

  @Test
  void everyAmoWordComparesAndSignExtends() {
    check(SWAP, 2, 5, 0xabcd_0000_0009L, 9);
    check(ADD, 2, 0x7fffffff, 1, 0x80000000L);
    check(XOR, 2, 0b1100, 0b1010, 0b0110);
    check(AND, 2, 0b1100, 0b1010, 0b1000);
    check(OR, 2, 0b1100, 0b1010, 0b1110);
    check(MIN, 2, 0xffffffffL, 1, -1);
    check(MAX, 2, 0xffffffffL, 1, 1);
    // upper bits of rs2 are ignored by word comparisons
    check(MINU, 2, 0xffffffffL, 0x1_00000001L, 1);
    check(MAXU, 2, 0xffffffffL, 1, 0xffffffffL);
    check(MIN, 2, 3, 0x7_00000002L, 2);
  }

  @Test
  void amoRdAliasingRs2ReadsSourceFirst() {
    fx.view.write64(D, 10);
    fx.set(A0, D);
    fx.set(A1, 5);
    fx.asm(Asm.amo(ADD, 3, A1, A0, A1), ECALL);
    fx.runToEcall();
    assertEquals(10, fx.x(A1));
    assertEquals(15, fx.view.read64(D));
  }

  @Test
  void misalignedAtomicsTrap() {
    HartFixture f = new HartFixture();
    f.set(A0, D + 4);
    f.asm(lrD(A1, A0));
    Trap t = f.run();
    assertEquals(TrapCause.LOAD_MISALIGNED, t.cause());
    assertEquals(D + 4, t.tval());

    HartFixture g = new HartFixture();
    g.set(A0, D + 2);
    g.asm(Asm.amo(ADD, 2, A1, A0, A1));
    t = g.run();
    assertEquals(TrapCause.STORE_MISALIGNED, t.cause());
    assertEquals(D + 2, t.tval());
    assertEquals(HartFixture.CODE, t.pc());
  }

  @Test
  void amoOnReadOnlyPageIsAStorePageFault() {
    fx.protect(D, HartFixture.R);
    fx.set(A0, D);
    fx.asm(Asm.amo(ADD, 3, A1, A0, A1));
    Trap t = fx.run();
    assertEquals(TrapCause.STORE_PAGE_FAULT, t.cause());
    assertEquals(D, t.tval());
    assertEquals(0, fx.x(A1));
  }

  @Test
  void atomicsBetweenTwoHartsSeeEachOther() {
    HartFixture fx = new HartFixture();
    MemoryView view2 = new MemoryView("t2", fx.memory, List.of(new Region(0, HartFixture.GRANTED)));
    Hart h2 = new Hart(1, Isa.parse("rv64gc"), 1_000_000_000L);
    h2.bind(fx::translate, view2);
    fx.set(A0, D);
    fx.asm(lrD(A1, A0), ECALL, addi(A1, A1, 1), scD(A2, A0, A1), ECALL);
    fx.runToEcall();
    // hart 2 increments the word between hart 1's LR and SC
    h2.setX(A0, D);
    h2.setX(A1, 1);
    h2.setPc(HartFixture.CODE + 0x200);
    fx.at(HartFixture.CODE + 0x200).asm(Asm.amo(ADD, 3, ZERO, A0, A1), ECALL);
    assertEquals(Hart.Stop.TRAP, h2.run(100));
    fx.hart.setPc(fx.hart.pc() + 4);
    fx.runToEcall();
    assertEquals(1, fx.x(A2));
    assertEquals(1, fx.view.read64(D));
  }

  @Test
  void withoutATheInstructionsAreIllegal() {
    HartFixture f = new HartFixture("rv64imc");
    f.set(A0, D);
    f.asm(lrW(A1, A0));
    assertEquals(TrapCause.ILLEGAL_INSTRUCTION, f.run().cause());
  }
}
