package dev.popcornj.machine.hart;

import static dev.popcornj.machine.hart.Asm.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Vectors for the M extension, including division by zero and signed overflow. */
class HartMulDivTest {
  private static final long MIN = Long.MIN_VALUE;
  private static final int MUL = 0, MULH = 1, MULHSU = 2, MULHU = 3, DIV = 4, DIVU = 5, REM = 6;
  private static final int REMU = 7;

  private static long m64(int f3, long a, long b) {
    return run(m(f3, A2, A0, A1), a, b);
  }

  private static long m32(int f3, long a, long b) {
    return run(mw(f3, A2, A0, A1), a, b);
  }

  private static long run(int insn, long a, long b) {
    HartFixture f = new HartFixture();
    f.set(A0, a);
    f.set(A1, b);
    f.asm(insn, ECALL);
    f.runToEcall();
    return f.x(A2);
  }

  @Test
  void multiplyLowAndHighHalves() {
    assertEquals(-6, m64(MUL, 2, -3));
    assertEquals(0, m64(MULH, 2, 3));
    assertEquals(-1, m64(MULH, -2, 3));
    assertEquals(0x4000000000000000L, m64(MULH, MIN, MIN));
    assertEquals(0xfffffffffffffffeL, m64(MULHU, -1, -1));
    assertEquals(1, m64(MULHU, 1L << 32, 1L << 32));
    // mulhsu: signed a times unsigned b
    assertEquals(-1, m64(MULHSU, -1, 1));
    assertEquals(-1, m64(MULHSU, -1, -1)); // -(2^64 - 1): high half -1
    assertEquals(-2, m64(MULHSU, -2, -1));
    assertEquals(0x7ffffffffffffffeL, m64(MULHSU, Long.MAX_VALUE, -1));
    assertEquals(0, m64(MULHSU, 3, 5));
    assertEquals((int) 0x80000000, m32(MUL, 0x10000, 0x8000));
    assertEquals(-6, m32(MUL, 0x1_00000002L, 0xffffffff_fffffffdL));
  }

  @Test
  void divisionByZeroAndOverflowFollowTheSpec() {
    assertEquals(-1, m64(DIV, 7, 0));
    assertEquals(-1, m64(DIVU, 7, 0));
    assertEquals(7, m64(REM, 7, 0));
    assertEquals(-7, m64(REMU, -7, 0));
    assertEquals(MIN, m64(DIV, MIN, -1));
    assertEquals(0, m64(REM, MIN, -1));
    assertEquals(-1, m32(DIV, 7, 0));
    assertEquals(-1, m32(DIVU, 7, 0));
    assertEquals(7, m32(REM, 0xabcd_00000007L, 0));
    assertEquals(-7, m32(REMU, 0xfffffff9L, 0)); // dividend sign-extended from 32 bits
    assertEquals(Integer.MIN_VALUE, m32(DIV, 0x80000000L, -1));
    assertEquals(0, m32(REM, 0x80000000L, -1));
  }

  @Test
  void ordinaryDivisionRoundsTowardZero() {
    assertEquals(-2, m64(DIV, -7, 3));
    assertEquals(-1, m64(REM, -7, 3));
    assertEquals(2, m64(DIV, 7, 3));
    assertEquals(1, m64(REM, 7, -3));
    assertEquals(Long.divideUnsigned(-7, 3), m64(DIVU, -7, 3));
    assertEquals(Long.remainderUnsigned(-7, 3), m64(REMU, -7, 3));
    assertEquals((int) (0xfffffff9L / 3), m32(DIVU, 0xfffffff9L, 3));
    assertEquals(-2, m32(DIV, -7, 3));
    assertEquals(-1, m32(REM, -7, 3));
    assertEquals((int) (0xfffffff9L % 3), m32(REMU, -7, 3));
  }

  @Test
  void withoutMTheInstructionsAreIllegal() {
    HartFixture f = new HartFixture("rv64iac");
    int insn = m(MUL, A2, A0, A1);
    f.asm(insn);
    Trap t = f.run();
    assertEquals(TrapCause.ILLEGAL_INSTRUCTION, t.cause());
    assertEquals(insn & 0xffffffffL, t.tval());
    HartFixture g = new HartFixture("rv64iac");
    g.asm(mw(DIV, A2, A0, A1));
    assertEquals(TrapCause.ILLEGAL_INSTRUCTION, g.run().cause());
  }
}
