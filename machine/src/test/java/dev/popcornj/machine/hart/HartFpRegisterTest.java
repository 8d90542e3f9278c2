package dev.popcornj.machine.hart;

import static dev.popcornj.machine.hart.Asm.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * F and D register handling in the hart: loads and stores, moves, NaN-boxing, sign injection,
 * rounding-mode resolution and flag accumulation. Arithmetic results themselves are Fp's business;
 * the few checked here only show the operands and result reach the right registers.
 */
class HartFpRegisterTest {
  private static final long D = HartFixture.DATA;
  private static final long CANON_S_BOXED = 0xffffffff_7fc00000L;
  private static final int S = 0, DBL = 1;
  private final HartFixture fx = new HartFixture();

  private static long dbits(double v) {
    return Double.doubleToRawLongBits(v);
  }

  private static long sboxed(float v) {
    return 0xffffffff_00000000L | (Float.floatToRawIntBits(v) & 0xffffffffL);
  }

  @Test
  void flwBoxesAndFswStoresTheLowBitsUnchanged() {
    fx.view.write32(D, 0x3f800000);
    fx.set(A0, D);
    fx.hart.setF(2, 0x12345678_9abcdef0L); // not a boxed single
    fx.asm(flw(1, A0, 0), fsw(2, A0, 8), fld(3, A0, 8), fsd(1, A0, 16), ECALL);
    fx.runToEcall();
    assertEquals(0xffffffff_3f800000L, fx.hart.f(1));
    assertEquals(0x9abcdef0, fx.view.read32(D + 8));
    assertEquals(0xffffffff_3f800000L, fx.view.read64(D + 16));
  }

  @Test
  void movesBetweenRegisterFiles() {
    fx.set(A0, 0x1234_5678_bf80_0000L);
    fx.hart.setF(2, 0x00000000_80000001L); // improperly boxed: fmv.x.w still copies bits
    fx.hart.setF(3, 0x7ff0_0000_0000_0001L);
    fx.asm(
        fop(0b11110, S, 1, A0, 0, 0), // fmv.w.x f1, a0
        fop(0b11100, S, A1, 2, 0, 0), // fmv.x.w a1, f2
        fop(0b11100, DBL, A2, 3, 0, 0), // fmv.x.d a2, f3
        fop(0b11110, DBL, 4, A0, 0, 0), // fmv.d.x f4, a0
        ECALL);
    fx.runToEcall();
    assertEquals(0xffffffff_bf800000L, fx.hart.f(1));
    assertEquals(0xffffffff_80000001L, fx.x(A1));
    assertEquals(0x7ff0_0000_0000_0001L, fx.x(A2));
    assertEquals(0x1234_5678_bf80_0000L, fx.hart.f(4));
  }

  @Test
  void improperlyBoxedSinglesReadAsCanonicalNan() {
    fx.hart.setF(1, 0x00000000_3f800000L); // 1.0f without the box
    fx.hart.setF(2, sboxed(2f));
    fx.hart.setF(3, sboxed(-1f));
    fx.asm(
        fop(0, S, 4, 1, 2, RNE), // fadd.s: NaN operand
        fop(0b00100, S, 5, 1, 3, 0), // fsgnj.s f5, f1, f3: canonical NaN with sign of -1
        fop(0b00100, S, 6, 2, 2, 0), // fmv.s
        fop(0b11100, S, A0, 1, 0, 1), // fclass.s of the unboxed value: quiet NaN
        ECALL);
    fx.runToEcall();
    assertEquals(CANON_S_BOXED, fx.hart.f(4));
    assertEquals(0xffffffff_ffc00000L, fx.hart.f(5));
    assertEquals(sboxed(2f), fx.hart.f(6));
    assertEquals(1 << 9, fx.x(A0));
  }

  @Test
  void signInjectionOnDoubles() {
    fx.hart.setF(1, dbits(3.5));
    fx.hart.setF(2, dbits(-0.0));
    fx.asm(
        fop(0b00100, DBL, 3, 1, 2, 0), // fsgnj.d -> -3.5
        fop(0b00100, DBL, 4, 2, 2, 1), // fsgnjn.d f2,f2 -> +0.0 (fneg)
        fop(0b00100, DBL, 5, 3, 3, 2), // fsgnjx.d f3,f3 -> 3.5 (fabs)
        ECALL);
    fx.runToEcall();
    assertEquals(dbits(-3.5), fx.hart.f(3));
    assertEquals(dbits(0.0), fx.hart.f(4));
    assertEquals(dbits(3.5), fx.hart.f(5));
  }

  @Test
  void arithmeticReachesFpWithTheRightOperands() {
    fx.hart.setF(1, dbits(1.5));
    fx.hart.setF(2, dbits(2.25));
    fx.hart.setF(3, dbits(10));
    fx.hart.setF(4, sboxed(3f));
    fx.set(A0, -7);
    fx.asm(
        fop(0, DBL, 5, 1, 2, RNE), // fadd.d 3.75
        fop(1, DBL, 6, 1, 2, DYN), // fsub.d -0.75
        fma(0x43, DBL, 7, 1, 2, 3, RNE), // 1.5*2.25+10
        fma(0x4b, DBL, 8, 1, 2, 3, RNE), // -(1.5*2.25)+10
        fop(0b11010, DBL, 9, A0, 2, RNE), // fcvt.d.l f9, a0
        fop(0b11000, DBL, A1, 1, 0, RTZ), // fcvt.w.d a1, f1 -> 1
        fop(0b10100, DBL, A2, 1, 2, 1), // flt.d a2 -> 1
        fop(0b10100, DBL, A3, 2, 1, 0), // fle.d a3 -> 0
        fop(0b10100, DBL, A4, 1, 1, 2), // feq.d a4 -> 1
        fop(0b01000, S, 10, 1, 1, RNE), // fcvt.s.d f10 = 1.5f
        fop(0b01000, DBL, 11, 4, 0, RNE), // fcvt.d.s f11 = 3.0
        fop(2, S, 12, 4, 10, RNE), // fmul.s 4.5f
        fop(0b00101, DBL, 13, 1, 2, 1), // fmax.d
        fop(0b11100, DBL, A5, 9, 0, 1), // fclass.d of -7.0: negative normal
        ECALL);
    fx.runToEcall();
    assertEquals(dbits(3.75), fx.hart.f(5));
    assertEquals(dbits(-0.75), fx.hart.f(6));
    assertEquals(dbits(13.375), fx.hart.f(7));
    assertEquals(dbits(6.625), fx.hart.f(8));
    assertEquals(dbits(-7), fx.hart.f(9));
    assertEquals(1, fx.x(A1));
    assertEquals(1, fx.x(A2));
    assertEquals(0, fx.x(A3));
    assertEquals(1, fx.x(A4));
    assertEquals(sboxed(1.5f), fx.hart.f(10));
    assertEquals(dbits(3), fx.hart.f(11));
    assertEquals(sboxed(4.5f), fx.hart.f(12));
    assertEquals(dbits(2.25), fx.hart.f(13));
    assertEquals(1 << 1, fx.x(A5));
  }

  @Test
  void comparisonIntoX0IsDiscarded() {
    fx.hart.setF(1, dbits(1));
    fx.asm(fop(0b10100, DBL, ZERO, 1, 1, 2), ECALL);
    fx.runToEcall();
    assertEquals(0, fx.x(ZERO));
  }

  @Test
  void flagsAccumulateInFcsr() {
    fx.hart.setF(1, dbits(1));
    fx.hart.setF(2, dbits(0));
    fx.asm(
        fop(3, DBL, 3, 1, 2, RNE), // 1/0: DZ
        fop(0, DBL, 4, 1, 1, RNE), // exact: leaves DZ set
        csrrs(A0, 0x001, ZERO),
        ECALL);
    fx.runToEcall();
    assertEquals(8, fx.x(A0));
    assertEquals(8, fx.hart.fcsr());
  }

  @Test
  void reservedStaticRoundingModesAreIllegal() {
    for (int rm : new int[] {5, 6}) {
      HartFixture f = new HartFixture();
      int insn = fop(0, DBL, 3, 1, 2, rm);
      f.asm(insn);
      assertEquals(new Trap(TrapCause.ILLEGAL_INSTRUCTION, HartFixture.CODE, insn), f.run());
    }
  }

  @Test
  void dynamicRoundingModeUsesFrmAndTrapsWhenFrmIsReserved() {
    int insn = fop(0, DBL, 3, 1, 2, DYN);
    for (int frm = 0; frm < 8; frm++) {
      HartFixture f = new HartFixture();
      f.hart.setFcsr(frm << 5);
      f.hart.setF(1, dbits(1));
      f.asm(insn, ECALL);
      Trap t = f.run();
      if (frm <= 4) {
        assertEquals(TrapCause.ECALL_FROM_U, t.cause());
        assertEquals(dbits(1), f.hart.f(3));
      } else {
        assertEquals(new Trap(TrapCause.ILLEGAL_INSTRUCTION, HartFixture.CODE, insn), t);
        assertEquals(0, f.hart.f(3));
      }
    }
    // ops without a rounding mode ignore frm
    HartFixture g = new HartFixture();
    g.hart.setFcsr(7 << 5);
    g.asm(fop(0b00100, DBL, 3, 1, 2, 0), fop(0b11110, DBL, 4, A0, 0, 0), ECALL);
    g.runToEcall();
  }

  @Test
  void badFunctionCodesAreIllegal() {
    int[] bad = {
      fop(0b00100, DBL, 1, 2, 3, 3), // fsgnj funct3 3
      fop(0b00101, S, 1, 2, 3, 2), // fmin/fmax funct3 2
      fop(0b10100, DBL, A0, 2, 3, 3), // compare funct3 3
      fop(0b01011, DBL, 1, 2, 1, RNE), // fsqrt with rs2 != 0
      fop(0b11000, DBL, A0, 2, 4, RNE), // fcvt.?.d with rs2 4
      fop(0b11100, DBL, A0, 2, 0, 2), // fmv/fclass funct3 2
      fop(0b11110, S, 1, A0, 0, 1), // fmv.w.x with funct3 1
      fop(0b01000, S, 1, 2, 0, RNE), // fcvt.s.s
      fop(0, 2, 1, 2, 3, RNE), // half precision
      fop(0, 3, 1, 2, 3, RNE) // quad precision
    };
    for (int insn : bad) {
      HartFixture f = new HartFixture();
      f.asm(insn);
      assertEquals(
          new Trap(TrapCause.ILLEGAL_INSTRUCTION, HartFixture.CODE, insn & 0xffffffffL),
          f.run(),
          Integer.toHexString(insn));
    }
  }
}
