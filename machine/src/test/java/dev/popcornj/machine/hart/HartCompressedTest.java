package dev.popcornj.machine.hart;

import static dev.popcornj.machine.hart.Asm.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every RV64 compressed form, run against its 32-bit expansion from the same random state, plus the
 * control-transfer forms, HINTs and reserved encodings.
 */
class HartCompressedTest {
  private static final long CODE = HartFixture.CODE;
  private static final long D = HartFixture.DATA;

  /** Architectural state after running one instruction then ecall from a seeded random state. */
  private record State(long[] x, long[] f, byte[] data, long pcAfter) {}

  private static State runOne(boolean compressed, int insn, long seed) {
    HartFixture fx = new HartFixture();
    Random r = new Random(seed);
    for (int i = 1; i < 32; i++) {
      fx.set(i, r.nextLong());
    }
    for (int i = 0; i < 32; i++) {
      fx.hart.setF(i, r.nextLong());
    }
    fx.set(SP, D + 0x800);
    fx.set(S1, D + 0x400);
    byte[] init = new byte[0x1000];
    r.nextBytes(init);
    fx.view.writeBytes(D, init, 0, init.length);
    if (compressed) {
      fx.c(insn);
    } else {
      fx.asm(insn);
    }
    fx.asm(ECALL);
    fx.runToEcall();
    long[] x = new long[32];
    long[] f = new long[32];
    for (int i = 0; i < 32; i++) {
      x[i] = fx.x(i);
      f[i] = fx.hart.f(i);
    }
    byte[] data = new byte[0x1000];
    fx.view.readBytes(D, data, 0, data.length);
    return new State(x, f, data, fx.hart.pc() - CODE - (compressed ? 2 : 4));
  }

  private static void same(int c, int expanded) {
    for (long seed = 1; seed <= 3; seed++) {
      State a = runOne(true, c, seed);
      State b = runOne(false, expanded, seed);
      String what = "c 0x" + Integer.toHexString(c) + " vs 0x" + Integer.toHexString(expanded);
      assertArrayEquals(b.x(), a.x(), what + " x regs");
      assertArrayEquals(b.f(), a.f(), what + " f regs");
      assertArrayEquals(b.data(), a.data(), what + " memory");
      assertEquals(b.pcAfter(), a.pcAfter(), what + " pc");
    }
  }

  @Test
  void quadrantZeroLoadsStoresAndAddi4spn() {
    for (int imm = 4; imm <= 1020; imm += 4) {
      same(cAddi4spn(A0, imm), addi(A0, SP, imm));
    }
    for (int off = 0; off <= 248; off += 8) {
      same(cLd(A0, S1, off), ld(A0, S1, off));
      same(cSd(A2, S1, off), sd(A2, S1, off));
      same(cFld(9, S1, off), fld(9, S1, off));
      same(cFsd(15, S1, off), fsd(15, S1, off));
    }
    for (int off = 0; off <= 124; off += 4) {
      same(cLw(A5, S1, off), lw(A5, S1, off));
      same(cSw(S0, S1, off), sw(S0, S1, off));
    }
  }

  @Test
  void quadrantOneArithmetic() {
    for (int imm = -32; imm < 32; imm++) {
      if (imm != 0) {
        same(cAddi(A0, imm), addi(A0, A0, imm));
        same(cLui(T2, imm), lui(T2, imm & 0xfffff));
      }
      same(cAddiw(T0, imm), addiw(T0, T0, imm));
      same(cLi(A7, imm), addi(A7, ZERO, imm));
      same(cAndi(S0, imm), andi(S0, S0, imm));
    }
    for (int imm = -512; imm < 512; imm += 16) {
      if (imm != 0) {
        same(cAddi16sp(imm), addi(SP, SP, imm));
      }
    }
    for (int sh = 1; sh < 64; sh++) {
      same(cSrli(A1, sh), srli(A1, A1, sh));
      same(cSrai(A1, sh), srai(A1, A1, sh));
      same(cSlli(T5, sh), slli(T5, T5, sh));
    }
    same(cSub(A0, A1), sub(A0, A0, A1));
    same(cXor(A2, S0), xor(A2, A2, S0));
    same(cOr(A3, A3), or(A3, A3, A3));
    same(cAnd(S1, A5), and(S1, S1, A5));
    same(cSubw(A4, A5), subw(A4, A4, A5));
    same(cAddw(A0, S1), addw(A0, A0, S1));
  }

  @Test
  void quadrantTwoStackAccessesMovesAndAdds() {
    for (int off = 0; off <= 504; off += 8) {
      same(cLdsp(A0, off), ld(A0, SP, off));
      same(cSdsp(A0, off), sd(A0, SP, off));
      same(cFldsp(31, off), fld(31, SP, off));
      same(cFsdsp(0, off), fsd(0, SP, off));
    }
    for (int off = 0; off <= 252; off += 4) {
      same(cLwsp(T6, off), lw(T6, SP, off));
      same(cSwsp(RA, off), sw(RA, SP, off));
    }
    same(cMv(A0, T6), add(A0, ZERO, T6));
    same(cAdd(GP, TP), add(GP, GP, TP));
  }

  @Test
  void hintsExecuteAsNops() {
    for (int h :
        new int[] {
          cNop(),
          cAddi(ZERO, 5),
          cAddi(A0, 0),
          cLi(ZERO, 3),
          cLui(ZERO, 1),
          cMv(ZERO, A0),
          cAdd(ZERO, A0),
          cSlli(ZERO, 3),
          cSrli(A0, 0),
          cSrai(A0, 0)
        }) {
      same(h, NOP);
    }
  }

  @Test
  void reservedEncodingsAreIllegal() {
    int[] reserved = {
      0x0000, // all zero
      cAddi4spn(A1, 0),
      0x8000 | 0b00, // quadrant 0 funct3 100
      cAddiw(ZERO, 1),
      cAddi16sp(0),
      cLui(A0, 0),
      cLui(ZERO, 0),
      cLwsp(ZERO, 4),
      cLdsp(ZERO, 8),
      cJr(ZERO),
      0x9c01 | (2 << 5), // c.subw/c.addw space, funct2 10
      0x9c01 | (3 << 5)
    };
    for (int h : reserved) {
      HartFixture fx = new HartFixture();
      fx.set(A0, 5);
      fx.c(h);
      Trap t = fx.run();
      assertEquals(new Trap(TrapCause.ILLEGAL_INSTRUCTION, CODE, h), t, Integer.toHexString(h));
      assertEquals(5, fx.x(A0));
    }
  }

  @Test
  void jumpsAndBranches() {
    HartFixture fx = new HartFixture();
    // c.j forward over an instruction, c.beqz taken and not, c.bnez, c.jalr links pc+2, c.jr
    long fn = CODE + 0x100;
    fx.set(A0, 0);
    fx.set(A1, 1);
    fx.set(T0, fn);
    fx.c(
        cJ(4), // +0 -> +4
        cLi(A2, 1), // +2 skipped
        cBeqz(A0, 4), // +4 taken -> +8
        cLi(A3, 1), // +6 skipped
        cBnez(A0, 4), // +8 not taken
        cBnez(A1, 4), // +10 taken -> +14
        cLi(A4, 1), // +12 skipped
        cJalr(T0)); // +14 calls fn, links +16
    fx.asm(ECALL); // +16
    fx.at(fn).c(cLi(A5, 7), cJr(RA));
    fx.runToEcall();
    assertEquals(0, fx.x(A2));
    assertEquals(0, fx.x(A3));
    assertEquals(0, fx.x(A4));
    assertEquals(7, fx.x(A5));
    assertEquals(CODE + 16, fx.x(RA));
    assertEquals(CODE + 16, fx.hart.pc());
  }

  @Test
  void jumpRangesReachTheirExtremes() {
    List<int[]> cases = new ArrayList<>();
    cases.add(new int[] {cJ(2046), 2046});
    cases.add(new int[] {cJ(-2048), -2048});
    cases.add(new int[] {cBeqz(S0, 254), 254});
    cases.add(new int[] {cBeqz(S0, -256), -256});
    for (int[] c : cases) {
      HartFixture fx = new HartFixture();
      long start = CODE + 0x1000;
      fx.at(start).c(c[0]);
      fx.at(start + c[1]).asm(ECALL);
      fx.hart.setPc(start);
      fx.runToEcall();
      assertEquals(start + c[1], fx.hart.pc());
    }
  }

  @Test
  void compressedEbreak() {
    HartFixture fx = new HartFixture();
    fx.c(cNop(), cEbreak());
    assertEquals(new Trap(TrapCause.BREAKPOINT, CODE + 2, 0), fx.run());
  }
}
