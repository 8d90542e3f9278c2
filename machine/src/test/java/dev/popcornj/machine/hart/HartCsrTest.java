package dev.popcornj.machine.hart;

import static dev.popcornj.machine.hart.Asm.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The user-level CSRs: fflags, frm, fcsr and the cycle, time and instret counters. */
class HartCsrTest {
  private final HartFixture fx = new HartFixture();

  @Test
  void fcsrFieldsAliasEachOther() {
    fx.set(A0, 0xff);
    fx.asm(
        csrrw(A1, 0x003, A0), // fcsr = 0xff, a1 = old 0
        csrrs(A2, 0x002, ZERO), // frm = 7
        csrrs(A3, 0x001, ZERO), // fflags = 0x1f
        csrrci(A4, 0x001, 0x3), // clear NX, UF
        csrrwi(A5, 0x002, 1), // frm = RTZ
        csrrs(A6, 0x003, ZERO),
        ECALL);
    fx.runToEcall();
    assertEquals(0, fx.x(A1));
    assertEquals(7, fx.x(A2));
    assertEquals(0x1f, fx.x(A3));
    assertEquals(0x1f, fx.x(A4));
    assertEquals(7, fx.x(A5));
    assertEquals((1 << 5) | 0x1c, fx.x(A6));
    assertEquals((1 << 5) | 0x1c, fx.hart.fcsr());
  }

  @Test
  void writesAreMaskedToFieldWidths() {
    fx.set(A0, -1);
    fx.asm(csrrw(ZERO, 0x001, A0), csrrs(A1, 0x003, ZERO), ECALL);
    fx.runToEcall();
    assertEquals(0x1f, fx.x(A1));
  }

  @Test
  void countersReadInstructionsRetiredBefore() {
    fx.asm(NOP, NOP, csrrs(A0, 0xc02, ZERO), csrrs(A1, 0xc00, ZERO), ECALL);
    fx.hart.run(0);
    fx.runToEcall();
    assertEquals(2, fx.x(A0));
    assertEquals(3, fx.x(A1));
    assertEquals(4, fx.hart.instret());
  }

  @Test
  void timeFollowsTheHartsVirtualClock() {
    // 1 GHz hart: one instruction = 1000 ps; 10 MHz timebase: one tick = 100 ns = 100 instructions
    fx.hart.setTimePs(5_000_000); // 50 ticks
    fx.set(T0, 250);
    fx.asm(addi(T0, T0, -1), bne(T0, ZERO, -4), csrrs(A0, 0xc01, ZERO), ECALL);
    fx.runToEcall();
    assertEquals(50 + 500 / 100, fx.x(A0));
    assertEquals(5_000_000 + 501 * 1000L, fx.hart.timePs()); // ecall did not retire
    fx.hart.setTimebaseHz(1_000_000_000);
    fx.hart.setPc(HartFixture.CODE + 8);
    fx.runToEcall();
    assertEquals((5_000_000 + 501 * 1000L) / 1000, fx.x(A0));
  }

  @Test
  void timeIsExactForClocksThatDoNotDivideASecond() {
    Hart h = new Hart(0, Isa.parse("rv64gc"), 3_000_000_000L);
    assertEquals(0, h.timePs());
    HartFixture f = new HartFixture();
    Hart slow = new Hart(1, Isa.parse("rv64gc"), 3_000_000_000L);
    slow.bind(f::translate, f.view);
    slow.setPc(HartFixture.CODE);
    f.asm(NOP, NOP, NOP, NOP, NOP, NOP, NOP, ECALL);
    for (int i = 0; i < 7; i++) {
      slow.run(1);
      slow.advanceTimePs(10); // the third of a picosecond per cycle is not lost in between
    }
    assertEquals(7 * 1000 / 3 + 70, slow.timePs());
    assertEquals(
        Hart.mulDiv(Long.MAX_VALUE / 2, 1_000_000_000_000L, 3_000_000_000L),
        java.math.BigInteger.valueOf(Long.MAX_VALUE / 2)
            .multiply(java.math.BigInteger.valueOf(1000))
            .divide(java.math.BigInteger.valueOf(3))
            .longValue());
  }

  /**
   * Past 2^63 / 10^12 cycles, where a product with a second's picoseconds leaves the long range.
   */
  @Test
  void timeStaysExactPastTheCyclesWhoseProductWithASecondOverflows() {
    HartFixture f = new HartFixture();
    f.asm(addi(A1, A1, -1), bne(A1, ZERO, -4), ECALL);
    f.set(A1, 5_000_000);
    assertEquals(Hart.Stop.BUDGET, f.hart.run(6_000_000));
    assertEquals(Hart.Stop.TRAP, f.hart.run(6_000_000));
    assertEquals(TrapCause.ECALL_FROM_U, f.hart.trap().cause());
    long cycles = f.hart.instret();
    assertEquals(10_000_000, cycles);
    assertTrue(
        Math.multiplyHigh(cycles, 1_000_000_000_000L) != 0 || cycles * 1_000_000_000_000L < 0);
    assertEquals(Hart.mulDiv(cycles, 1_000_000_000_000L, f.hart.clockHz()), f.hart.timePs());
    f.hart.advanceTimePs(7);
    assertEquals(cycles * (1_000_000_000_000L / f.hart.clockHz()) + 7, f.hart.timePs());
  }

  @Test
  void writingAReadOnlyCounterIsIllegal() {
    fx.set(A0, 1);
    int insn = csrrw(ZERO, 0xc00, A0);
    fx.asm(insn);
    Trap t = fx.run();
    assertEquals(TrapCause.ILLEGAL_INSTRUCTION, t.cause());
    assertEquals(insn & 0xffffffffL, t.tval());
    // csrrs with x0 does not write, so it is a plain read
    HartFixture g = new HartFixture();
    g.asm(csrrs(A0, 0xc02, ZERO), csrrsi(A1, 0xc01, 0), ECALL);
    g.runToEcall();
    HartFixture h = new HartFixture();
    h.asm(csrrsi(A1, 0xc01, 1));
    assertEquals(TrapCause.ILLEGAL_INSTRUCTION, h.run().cause());
  }

  @Test
  void unknownCsrsAndFcsrWithoutFAreIllegal() {
    for (int c : new int[] {0x000, 0x004, 0x100, 0x300, 0xc03, 0xc80, 0xf14}) {
      HartFixture f = new HartFixture();
      f.asm(csrrs(A0, c, ZERO));
      Trap t = f.run();
      assertEquals(TrapCause.ILLEGAL_INSTRUCTION, t.cause(), "csr 0x" + Integer.toHexString(c));
    }
    HartFixture f = new HartFixture("rv64imac");
    f.asm(csrrs(A0, 0x003, ZERO));
    assertEquals(TrapCause.ILLEGAL_INSTRUCTION, f.run().cause());
    HartFixture g = new HartFixture("rv64imac");
    g.asm(csrrs(A0, 0xc00, ZERO), ECALL);
    g.runToEcall();
  }

  @Test
  void illegalCsrLeavesDestinationUnchanged() {
    fx.set(A0, 77);
    fx.asm(csrrs(A0, 0x7ff, ZERO));
    fx.run();
    assertEquals(77, fx.x(A0));
    assertEquals(0, fx.hart.instret());
  }
}
