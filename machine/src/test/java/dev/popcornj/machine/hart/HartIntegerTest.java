package dev.popcornj.machine.hart;

import static dev.popcornj.machine.hart.Asm.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Instruction vectors for RV64I and M: arithmetic, shifts, comparisons, jumps and branches. */
class HartIntegerTest {
  private final HartFixture fx = new HartFixture();

  /** Runs the instructions (ecall appended) with a0 = a, a1 = b and returns a2. */
  private long op(int insn, long a, long b) {
    HartFixture f = new HartFixture();
    f.set(A0, a);
    f.set(A1, b);
    f.asm(insn, ECALL);
    f.runToEcall();
    assertEquals(a, f.x(A0), "source register changed");
    return f.x(A2);
  }

  private long rr(int insn, long a, long b) {
    return op(insn, a, b);
  }

  @Test
  void addSubAndTheirWordForms() {
    assertEquals(5, rr(add(A2, A0, A1), 2, 3));
    assertEquals(Long.MIN_VALUE, rr(add(A2, A0, A1), Long.MAX_VALUE, 1));
    assertEquals(-1, rr(sub(A2, A0, A1), 2, 3));
    assertEquals(Integer.MIN_VALUE, rr(addw(A2, A0, A1), Integer.MAX_VALUE, 1));
    assertEquals(0x7fffffffL, rr(subw(A2, A0, A1), Integer.MIN_VALUE, 1));
    // addw ignores the upper halves and sign-extends bit 31
    assertEquals(-2, rr(addw(A2, A0, A1), 0x12345678_ffffffffL, 0xabcdef00_ffffffffL));
    assertEquals(-1, op(addiw(A2, A0, -1), 0xffffffff_00000000L, 0));
    assertEquals(0xffffffff_80000000L, op(addiw(A2, A0, 0), 0x80000000L, 0)); // sext.w
  }

  @Test
  void immediatesAreSignExtended() {
    assertEquals(-2048 + 1, op(addi(A2, A0, -2048), 1, 0));
    assertEquals(2047L + 1, op(addi(A2, A0, 2047), 1, 0));
    assertEquals(~0x0fL ^ 0xff, op(xori(A2, A0, -16), 0xff, 0));
    assertEquals(-1, op(ori(A2, A0, -1), 0, 0));
    assertEquals(0x7f0L, op(andi(A2, A0, 0x7f0), 0xfff, 0));
    assertEquals(0xfffffffffffff800L, op(andi(A2, A0, -2048), -1, 0));
  }

  @Test
  void comparisons() {
    assertEquals(1, rr(slt(A2, A0, A1), -1, 0));
    assertEquals(0, rr(sltu(A2, A0, A1), -1, 0));
    assertEquals(1, rr(sltu(A2, A0, A1), 0, -1));
    assertEquals(0, rr(slt(A2, A0, A1), 3, 3));
    assertEquals(1, op(slti(A2, A0, -5), -6, 0));
    assertEquals(0, op(slti(A2, A0, -5), -5, 0));
    // sltiu compares against the sign-extended immediate as unsigned
    assertEquals(1, op(sltiu(A2, A0, -1), 5, 0));
    assertEquals(0, op(sltiu(A2, A0, -1), -1, 0));
    assertEquals(1, op(sltiu(A2, A0, 1), 0, 0)); // seqz
    assertEquals(1, rr(sltu(A2, ZERO, A1), 0, 7)); // snez
  }

  @Test
  void shiftsUseSixBitAmountsAndWordFormsFiveBits() {
    assertEquals(1L << 63, op(slli(A2, A0, 63), 1, 0));
    assertEquals(1, op(srli(A2, A0, 63), Long.MIN_VALUE, 0));
    assertEquals(-1, op(srai(A2, A0, 63), Long.MIN_VALUE, 0));
    assertEquals(5, op(slli(A2, A0, 0), 5, 0));
    assertEquals(1L << 3, rr(sll(A2, A0, A1), 1, 67)); // only the low 6 bits count
    assertEquals(Long.MIN_VALUE >>> 1, rr(srl(A2, A0, A1), Long.MIN_VALUE, 65));
    assertEquals(Long.MIN_VALUE >> 1, rr(sra(A2, A0, A1), Long.MIN_VALUE, 65));
    assertEquals(Integer.MIN_VALUE, op(slliw(A2, A0, 31), 1, 0));
    assertEquals(1, op(srliw(A2, A0, 31), 0xffffffff_80000000L, 0));
    assertEquals(0xffffffffL >>> 31, op(srliw(A2, A0, 31), 0x80000000L, 0));
    assertEquals(-1, op(sraiw(A2, A0, 31), 0x80000000L, 0));
    assertEquals(0x7fffffffL, op(srliw(A2, A0, 1), 0xffffffffL, 0));
    assertEquals(0xffffffff_c0000000L, op(sraiw(A2, A0, 1), 0x80000000L, 0));
    assertEquals(2, rr(sllw(A2, A0, A1), 1, 33)); // low 5 bits
    assertEquals(0x40000000L, rr(srlw(A2, A0, A1), 0x80000000L, 33));
    assertEquals(0xffffffff_c0000000L, rr(sraw(A2, A0, A1), 0x80000000L, 33));
    assertEquals(-1, op(srliw(A2, A0, 0), 0xffffffffL, 0)); // srliw by 0 still sign-extends
  }

  @Test
  void shiftEncodingsWithBadFunctBitsAreIllegal() {
    int slliBad = slli(A2, A0, 1) | (1 << 27); // imm[11:6] must be 0 for slli
    fx.asm(slliBad);
    Trap t = fx.run();
    assertEquals(TrapCause.ILLEGAL_INSTRUCTION, t.cause());
    assertEquals(slliBad & 0xffffffffL, t.tval());
    HartFixture g = new HartFixture();
    int slliw32 = slliw(A2, A0, 0) | (1 << 25); // shamt[5] set in a W shift
    g.asm(slliw32);
    assertEquals(TrapCause.ILLEGAL_INSTRUCTION, g.run().cause());
  }

  @Test
  void luiAndAuipc() {
    fx.asm(lui(A0, 0x80000), lui(A1, 0x12345), auipc(A2, 1), auipc(A3, 0xfffff), ECALL);
    fx.runToEcall();
    assertEquals(0xffffffff_80000000L, fx.x(A0));
    assertEquals(0x12345000L, fx.x(A1));
    assertEquals(HartFixture.CODE + 8 + 0x1000, fx.x(A2));
    assertEquals(HartFixture.CODE + 12 - 0x1000, fx.x(A3));
  }

  @Test
  void writesToX0AreDiscardedButSideEffectsHappen() {
    fx.set(A0, HartFixture.DATA);
    fx.asm(
        addi(ZERO, ZERO, 5),
        lui(ZERO, 1),
        add(ZERO, A0, A0),
        lw(ZERO, A0, 0), // still loads (and could fault)
        jal(ZERO, 8),
        addi(A1, ZERO, 1), // skipped
        add(A2, ZERO, ZERO),
        ECALL);
    fx.runToEcall();
    assertEquals(0, fx.x(ZERO));
    assertEquals(0, fx.x(A1));
    assertEquals(0, fx.x(A2));
    HartFixture g = new HartFixture();
    g.set(A0, HartFixture.RAM + 64);
    g.asm(lw(ZERO, A0, 0));
    assertEquals(TrapCause.LOAD_PAGE_FAULT, g.run().cause());
  }

  @Test
  void branchesTakenAndNotTaken() {
    int[][] cases = {
      // insn kind, a, b, taken(1/0)
      {0, 1, 1, 1},
      {0, 1, 2, 0},
      {1, 1, 2, 1},
      {1, 3, 3, 0},
      {4, -1, 0, 1},
      {4, 0, -1, 0},
      {5, 0, 0, 1},
      {5, -1, 0, 0},
      {6, 0, -1, 1},
      {6, -1, 0, 0},
      {7, -1, 0, 1},
      {7, 0, -1, 0},
      {7, 5, 5, 1}
    };
    for (int[] c : cases) {
      HartFixture f = new HartFixture();
      f.set(A0, c[1]);
      f.set(A1, c[2]);
      f.asm(b(8, A1, A0, c[0]), addi(A2, ZERO, 1), ECALL);
      f.runToEcall();
      assertEquals(c[3] == 1 ? 0 : 1, f.x(A2), "branch funct3 " + c[0] + " " + c[1] + "," + c[2]);
    }
  }

  @Test
  void backwardAndForwardBranchesAcrossPages() {
    long far = HartFixture.CODE + 0x1800;
    fx.asm(addi(A0, ZERO, 3), jal(ZERO, 0x1800 - 4));
    // at far: count a0 down, each time jumping back into the first page and out again
    fx.at(far).asm(addi(A0, A0, -1), beq(A0, ZERO, 8), jal(ZERO, -(0x1808 - 12)), ECALL);
    fx.at(HartFixture.CODE + 12).asm(addi(A1, A1, 1), jal(RA, 0x1800 - 16));
    fx.runToEcall();
    assertEquals(0, fx.x(A0));
    assertEquals(2, fx.x(A1));
  }

  @Test
  void jalrClearsBitZeroAndReadsRs1BeforeWritingRd() {
    long target = HartFixture.CODE + 0x40;
    fx.set(A0, target + 1);
    fx.asm(jalr(A0, A0, 0));
    fx.at(target).asm(ECALL);
    fx.runToEcall();
    assertEquals(target, fx.hart.pc());
    assertEquals(HartFixture.CODE + 4, fx.x(A0));
  }

  @Test
  void jalLinksTheNextInstruction() {
    fx.asm(jal(RA, 12), NOP, NOP, ECALL);
    fx.runToEcall();
    assertEquals(HartFixture.CODE + 4, fx.x(RA));
    assertEquals(HartFixture.CODE + 12, fx.hart.pc());
  }

  @Test
  void loadsExtendBySignOrZero() {
    long d = HartFixture.DATA;
    fx.view.write64(d, 0x8081_8283_8485_8687L);
    fx.set(A0, d);
    fx.asm(
        lb(A1, A0, 0),
        lbu(A2, A0, 0),
        lh(A3, A0, 0),
        lhu(A4, A0, 0),
        lw(A5, A0, 0),
        lwu(A6, A0, 0),
        ld(A7, A0, 0),
        lb(T0, A0, 7),
        ECALL);
    fx.runToEcall();
    assertEquals((byte) 0x87, fx.x(A1));
    assertEquals(0x87, fx.x(A2));
    assertEquals((short) 0x8687, fx.x(A3));
    assertEquals(0x8687, fx.x(A4));
    assertEquals((int) 0x84858687, fx.x(A5));
    assertEquals(0x84858687L, fx.x(A6));
    assertEquals(0x8081_8283_8485_8687L, fx.x(A7));
    assertEquals((byte) 0x80, fx.x(T0));
  }

  @Test
  void storesWriteOnlyTheirWidthLittleEndian() {
    long d = HartFixture.DATA;
    fx.view.write64(d, -1);
    fx.view.write64(d + 8, -1);
    fx.set(A0, d);
    fx.set(A1, 0x1122_3344_5566_7788L);
    fx.asm(sb(A1, A0, 0), sh(A1, A0, 2), sw(A1, A0, 4), sd(A1, A0, 8), ECALL);
    fx.runToEcall();
    assertEquals(0x5566_7788_7788_ff88L, fx.view.read64(d));
    assertEquals(0x1122_3344_5566_7788L, fx.view.read64(d + 8));
  }

  @Test
  void fenceIsANop() {
    fx.asm(FENCE, addi(A0, ZERO, 1), ECALL);
    fx.runToEcall();
    assertEquals(1, fx.x(A0));
  }
}
