package dev.popcornj.machine.hart;

/**
 * A tiny RV64GC assembler for tests: each method returns the encoding of one instruction, written
 * from the instruction formats of the RISC-V specification (independently of {@link Decoder}).
 * 32-bit instructions return an int, compressed ones a 16-bit value in an int.
 */
final class Asm {
  private Asm() {}

  // Register names used in tests.
  static final int ZERO = 0, RA = 1, SP = 2, GP = 3, TP = 4, T0 = 5, T1 = 6, T2 = 7, S0 = 8;
  static final int S1 = 9, A0 = 10, A1 = 11, A2 = 12, A3 = 13, A4 = 14, A5 = 15, A6 = 16, A7 = 17;
  static final int T3 = 28, T4 = 29, T5 = 30, T6 = 31;
  static final int RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4, DYN = 7;

  static int r(int f7, int rs2, int rs1, int f3, int rd, int opcode) {
    return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode;
  }

  static int i(int imm, int rs1, int f3, int rd, int opcode) {
    check(imm, -2048, 2047);
    return (imm << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode;
  }

  static int s(int imm, int rs2, int rs1, int f3, int opcode) {
    check(imm, -2048, 2047);
    return ((imm >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | opcode;
  }

  static int b(int imm, int rs2, int rs1, int f3) {
    check(imm, -4096, 4094);
    int bits =
        (((imm >> 12) & 1) << 31)
            | (((imm >> 5) & 0x3f) << 25)
            | (((imm >> 1) & 0xf) << 8)
            | (((imm >> 11) & 1) << 7);
    return bits | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | 0x63;
  }

  static int u(int imm20, int rd, int opcode) {
    return (imm20 << 12) | (rd << 7) | opcode;
  }

  static int j(int imm, int rd) {
    check(imm, -(1 << 20), (1 << 20) - 2);
    int bits =
        (((imm >> 20) & 1) << 31)
            | (((imm >> 1) & 0x3ff) << 21)
            | (((imm >> 11) & 1) << 20)
            | (((imm >> 12) & 0xff) << 12);
    return bits | (rd << 7) | 0x6f;
  }

  private static void check(int v, int lo, int hi) {
    if (v < lo || v > hi) {
      throw new IllegalArgumentException("immediate " + v + " out of range");
    }
  }

  static int lui(int rd, int imm20) {
    return u(imm20, rd, 0x37);
  }

  static int auipc(int rd, int imm20) {
    return u(imm20, rd, 0x17);
  }

  static int jal(int rd, int off) {
    return j(off, rd);
  }

  static int jalr(int rd, int rs1, int imm) {
    return i(imm, rs1, 0, rd, 0x67);
  }

  static int beq(int rs1, int rs2, int off) {
    return b(off, rs2, rs1, 0);
  }

  static int bne(int rs1, int rs2, int off) {
    return b(off, rs2, rs1, 1);
  }

  static int blt(int rs1, int rs2, int off) {
    return b(off, rs2, rs1, 4);
  }

  static int bge(int rs1, int rs2, int off) {
    return b(off, rs2, rs1, 5);
  }

  static int bltu(int rs1, int rs2, int off) {
    return b(off, rs2, rs1, 6);
  }

  static int bgeu(int rs1, int rs2, int off) {
    return b(off, rs2, rs1, 7);
  }

  static int lb(int rd, int rs1, int imm) {
    return i(imm, rs1, 0, rd, 0x03);
  }

  static int lh(int rd, int rs1, int imm) {
    return i(imm, rs1, 1, rd, 0x03);
  }

  static int lw(int rd, int rs1, int imm) {
    return i(imm, rs1, 2, rd, 0x03);
  }

  static int ld(int rd, int rs1, int imm) {
    return i(imm, rs1, 3, rd, 0x03);
  }

  static int lbu(int rd, int rs1, int imm) {
    return i(imm, rs1, 4, rd, 0x03);
  }

  static int lhu(int rd, int rs1, int imm) {
    return i(imm, rs1, 5, rd, 0x03);
  }

  static int lwu(int rd, int rs1, int imm) {
    return i(imm, rs1, 6, rd, 0x03);
  }

  static int sb(int rs2, int rs1, int imm) {
    return s(imm, rs2, rs1, 0, 0x23);
  }

  static int sh(int rs2, int rs1, int imm) {
    return s(imm, rs2, rs1, 1, 0x23);
  }

  static int sw(int rs2, int rs1, int imm) {
    return s(imm, rs2, rs1, 2, 0x23);
  }

  static int sd(int rs2, int rs1, int imm) {
    return s(imm, rs2, rs1, 3, 0x23);
  }

  static int addi(int rd, int rs1, int imm) {
    return i(imm, rs1, 0, rd, 0x13);
  }

  static int slti(int rd, int rs1, int imm) {
    return i(imm, rs1, 2, rd, 0x13);
  }

  static int sltiu(int rd, int rs1, int imm) {
    return i(imm, rs1, 3, rd, 0x13);
  }

  static int xori(int rd, int rs1, int imm) {
    return i(imm, rs1, 4, rd, 0x13);
  }

  static int ori(int rd, int rs1, int imm) {
    return i(imm, rs1, 6, rd, 0x13);
  }

  static int andi(int rd, int rs1, int imm) {
    return i(imm, rs1, 7, rd, 0x13);
  }

  static int slli(int rd, int rs1, int sh) {
    return i(sh, rs1, 1, rd, 0x13);
  }

  static int srli(int rd, int rs1, int sh) {
    return i(sh, rs1, 5, rd, 0x13);
  }

  static int srai(int rd, int rs1, int sh) {
    return i(0x400 | sh, rs1, 5, rd, 0x13);
  }

  static int addiw(int rd, int rs1, int imm) {
    return i(imm, rs1, 0, rd, 0x1b);
  }

  static int slliw(int rd, int rs1, int sh) {
    return i(sh, rs1, 1, rd, 0x1b);
  }

  static int srliw(int rd, int rs1, int sh) {
    return i(sh, rs1, 5, rd, 0x1b);
  }

  static int sraiw(int rd, int rs1, int sh) {
    return i(0x400 | sh, rs1, 5, rd, 0x1b);
  }

  static int add(int rd, int rs1, int rs2) {
    return r(0, rs2, rs1, 0, rd, 0x33);
  }

  static int sub(int rd, int rs1, int rs2) {
    return r(0x20, rs2, rs1, 0, rd, 0x33);
  }

  static int sll(int rd, int rs1, int rs2) {
    return r(0, rs2, rs1, 1, rd, 0x33);
  }

  static int slt(int rd, int rs1, int rs2) {
    return r(0, rs2, rs1, 2, rd, 0x33);
  }

  static int sltu(int rd, int rs1, int rs2) {
    return r(0, rs2, rs1, 3, rd, 0x33);
  }

  static int xor(int rd, int rs1, int rs2) {
    return r(0, rs2, rs1, 4, rd, 0x33);
  }

  static int srl(int rd, int rs1, int rs2) {
    return r(0, rs2, rs1, 5, rd, 0x33);
  }

  static int sra(int rd, int rs1, int rs2) {
    return r(0x20, rs2, rs1, 5, rd, 0x33);
  }

  static int or(int rd, int rs1, int rs2) {
    return r(0, rs2, rs1, 6, rd, 0x33);
  }

  static int and(int rd, int rs1, int rs2) {
    return r(0, rs2, rs1, 7, rd, 0x33);
  }

  static int addw(int rd, int rs1, int rs2) {
    return r(0, rs2, rs1, 0, rd, 0x3b);
  }

  static int subw(int rd, int rs1, int rs2) {
    return r(0x20, rs2, rs1, 0, rd, 0x3b);
  }

  static int sllw(int rd, int rs1, int rs2) {
    return r(0, rs2, rs1, 1, rd, 0x3b);
  }

  static int srlw(int rd, int rs1, int rs2) {
    return r(0, rs2, rs1, 5, rd, 0x3b);
  }

  static int sraw(int rd, int rs1, int rs2) {
    return r(0x20, rs2, rs1, 5, rd, 0x3b);
  }

  /** M extension op by funct3: 0 mul, 1 mulh, 2 mulhsu, 3 mulhu, 4 div, 5 divu, 6 rem, 7 remu. */
  static int m(int f3, int rd, int rs1, int rs2) {
    return r(1, rs2, rs1, f3, rd, 0x33);
  }

  /** M word op by funct3: 0 mulw, 4 divw, 5 divuw, 6 remw, 7 remuw. */
  static int mw(int f3, int rd, int rs1, int rs2) {
    return r(1, rs2, rs1, f3, rd, 0x3b);
  }

  /** AMO by funct5, width 2 (W) or 3 (D); aq/rl clear. */
  static int amo(int f5, int width, int rd, int rs1, int rs2) {
    return r(f5 << 2, rs2, rs1, width, rd, 0x2f);
  }

  static int lrW(int rd, int rs1) {
    return amo(0b00010, 2, rd, rs1, 0);
  }

  static int lrD(int rd, int rs1) {
    return amo(0b00010, 3, rd, rs1, 0);
  }

  static int scW(int rd, int rs1, int rs2) {
    return amo(0b00011, 2, rd, rs1, rs2);
  }

  static int scD(int rd, int rs1, int rs2) {
    return amo(0b00011, 3, rd, rs1, rs2);
  }

  static int csr(int f3, int rd, int csr, int rs1) {
    return (csr << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | 0x73;
  }

  static int csrrw(int rd, int c, int rs1) {
    return csr(1, rd, c, rs1);
  }

  static int csrrs(int rd, int c, int rs1) {
    return csr(2, rd, c, rs1);
  }

  static int csrrc(int rd, int c, int rs1) {
    return csr(3, rd, c, rs1);
  }

  static int csrrwi(int rd, int c, int uimm) {
    return csr(5, rd, c, uimm);
  }

  static int csrrsi(int rd, int c, int uimm) {
    return csr(6, rd, c, uimm);
  }

  static int csrrci(int rd, int c, int uimm) {
    return csr(7, rd, c, uimm);
  }

  static final int ECALL = 0x00000073;
  static final int EBREAK = 0x00100073;
  static final int FENCE = 0x0ff0000f;
  static final int FENCE_I = 0x0000100f;
  static final int NOP = 0x00000013;

  static int flw(int rd, int rs1, int imm) {
    return i(imm, rs1, 2, rd, 0x07);
  }

  static int fld(int rd, int rs1, int imm) {
    return i(imm, rs1, 3, rd, 0x07);
  }

  static int fsw(int rs2, int rs1, int imm) {
    return s(imm, rs2, rs1, 2, 0x27);
  }

  static int fsd(int rs2, int rs1, int imm) {
    return s(imm, rs2, rs1, 3, 0x27);
  }

  /** OP-FP: funct5, fmt (0 S, 1 D), rm/funct3. */
  static int fop(int f5, int fmt, int rd, int rs1, int rs2, int rm) {
    return r((f5 << 2) | fmt, rs2, rs1, rm, rd, 0x53);
  }

  /** R4 FMA family: opcode 0x43 fmadd, 0x47 fmsub, 0x4b fnmsub, 0x4f fnmadd. */
  static int fma(int opcode, int fmt, int rd, int rs1, int rs2, int rs3, int rm) {
    return (rs3 << 27) | (fmt << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | opcode;
  }

  // ---- compressed (RVC), encodings from the RVC chapter's tables

  private static int creg(int r) {
    if (r < 8 || r > 15) {
      throw new IllegalArgumentException("x" + r + " is not a compressed register");
    }
    return r - 8;
  }

  private static int bit(int v, int from, int to) {
    return ((v >> from) & 1) << to;
  }

  static int cAddi4spn(int rd, int nzuimm) {
    int e =
        bit(nzuimm, 5, 12)
            | bit(nzuimm, 4, 11)
            | bit(nzuimm, 9, 10)
            | bit(nzuimm, 8, 9)
            | bit(nzuimm, 7, 8)
            | bit(nzuimm, 6, 7)
            | bit(nzuimm, 2, 6)
            | bit(nzuimm, 3, 5);
    return e | (creg(rd) << 2);
  }

  /** CL/CS format with an 8-byte scaled offset (C.LD, C.SD, C.FLD, C.FSD). */
  private static int clsD(int f3, int rs1, int r2, int uimm) {
    int e =
        bit(uimm, 5, 12) | bit(uimm, 4, 11) | bit(uimm, 3, 10) | bit(uimm, 7, 6) | bit(uimm, 6, 5);
    return (f3 << 13) | e | (creg(rs1) << 7) | (creg(r2) << 2);
  }

  /** CL/CS format with a 4-byte scaled offset (C.LW, C.SW). */
  private static int clsW(int f3, int rs1, int r2, int uimm) {
    int e =
        bit(uimm, 5, 12) | bit(uimm, 4, 11) | bit(uimm, 3, 10) | bit(uimm, 2, 6) | bit(uimm, 6, 5);
    return (f3 << 13) | e | (creg(rs1) << 7) | (creg(r2) << 2);
  }

  static int cFld(int rd, int rs1, int uimm) {
    return clsD(1, rs1, rd, uimm);
  }

  static int cLw(int rd, int rs1, int uimm) {
    return clsW(2, rs1, rd, uimm);
  }

  static int cLd(int rd, int rs1, int uimm) {
    return clsD(3, rs1, rd, uimm);
  }

  static int cFsd(int rs2, int rs1, int uimm) {
    return clsD(5, rs1, rs2, uimm);
  }

  static int cSw(int rs2, int rs1, int uimm) {
    return clsW(6, rs1, rs2, uimm);
  }

  static int cSd(int rs2, int rs1, int uimm) {
    return clsD(7, rs1, rs2, uimm);
  }

  /** CI format with a 6-bit immediate: imm[5] at bit 12, imm[4:0] at bits 6:2. */
  private static int ci(int f3, int rd, int imm, int quadrant) {
    return (f3 << 13) | bit(imm, 5, 12) | (rd << 7) | ((imm & 31) << 2) | quadrant;
  }

  static int cNop() {
    return 0x0001;
  }

  static int cAddi(int rd, int imm) {
    return ci(0, rd, imm, 1);
  }

  static int cAddiw(int rd, int imm) {
    return ci(1, rd, imm, 1);
  }

  static int cLi(int rd, int imm) {
    return ci(2, rd, imm, 1);
  }

  static int cAddi16sp(int nzimm) {
    int e =
        bit(nzimm, 9, 12)
            | bit(nzimm, 4, 6)
            | bit(nzimm, 6, 5)
            | bit(nzimm, 8, 4)
            | bit(nzimm, 7, 3)
            | bit(nzimm, 5, 2);
    return (3 << 13) | e | (2 << 7) | 1;
  }

  /** C.LUI with the 6-bit signed value that lands in bits 17:12 of rd. */
  static int cLui(int rd, int imm6) {
    return ci(3, rd, imm6, 1);
  }

  private static int cArith(int f2, int rd, int imm6) {
    return (4 << 13) | bit(imm6, 5, 12) | (f2 << 10) | (creg(rd) << 7) | ((imm6 & 31) << 2) | 1;
  }

  static int cSrli(int rd, int sh) {
    return cArith(0, rd, sh);
  }

  static int cSrai(int rd, int sh) {
    return cArith(1, rd, sh);
  }

  static int cAndi(int rd, int imm) {
    return cArith(2, rd, imm);
  }

  private static int cAlu(int bit12, int f2, int rd, int rs2) {
    return (4 << 13)
        | (bit12 << 12)
        | (3 << 10)
        | (creg(rd) << 7)
        | (f2 << 5)
        | (creg(rs2) << 2)
        | 1;
  }

  static int cSub(int rd, int rs2) {
    return cAlu(0, 0, rd, rs2);
  }

  static int cXor(int rd, int rs2) {
    return cAlu(0, 1, rd, rs2);
  }

  static int cOr(int rd, int rs2) {
    return cAlu(0, 2, rd, rs2);
  }

  static int cAnd(int rd, int rs2) {
    return cAlu(0, 3, rd, rs2);
  }

  static int cSubw(int rd, int rs2) {
    return cAlu(1, 0, rd, rs2);
  }

  static int cAddw(int rd, int rs2) {
    return cAlu(1, 1, rd, rs2);
  }

  static int cJ(int off) {
    int e =
        bit(off, 11, 12)
            | bit(off, 4, 11)
            | bit(off, 9, 10)
            | bit(off, 8, 9)
            | bit(off, 10, 8)
            | bit(off, 6, 7)
            | bit(off, 7, 6)
            | bit(off, 3, 5)
            | bit(off, 2, 4)
            | bit(off, 1, 3)
            | bit(off, 5, 2);
    return (5 << 13) | e | 1;
  }

  private static int cb(int f3, int rs1, int off) {
    int e =
        bit(off, 8, 12)
            | bit(off, 4, 11)
            | bit(off, 3, 10)
            | bit(off, 7, 6)
            | bit(off, 6, 5)
            | bit(off, 2, 4)
            | bit(off, 1, 3)
            | bit(off, 5, 2);
    return (f3 << 13) | e | (creg(rs1) << 7) | 1;
  }

  static int cBeqz(int rs1, int off) {
    return cb(6, rs1, off);
  }

  static int cBnez(int rs1, int off) {
    return cb(7, rs1, off);
  }

  static int cSlli(int rd, int sh) {
    return ci(0, rd, sh, 2);
  }

  /** C.LDSP / C.FLDSP offset layout: uimm[5] at 12, uimm[4:3] at 6:5, uimm[8:6] at 4:2. */
  private static int ciD(int f3, int rd, int uimm) {
    int e =
        bit(uimm, 5, 12)
            | bit(uimm, 4, 6)
            | bit(uimm, 3, 5)
            | bit(uimm, 8, 4)
            | bit(uimm, 7, 3)
            | bit(uimm, 6, 2);
    return (f3 << 13) | e | (rd << 7) | 2;
  }

  static int cFldsp(int rd, int uimm) {
    return ciD(1, rd, uimm);
  }

  static int cLwsp(int rd, int uimm) {
    int e =
        bit(uimm, 5, 12)
            | bit(uimm, 4, 6)
            | bit(uimm, 3, 5)
            | bit(uimm, 2, 4)
            | bit(uimm, 7, 3)
            | bit(uimm, 6, 2);
    return (2 << 13) | e | (rd << 7) | 2;
  }

  static int cLdsp(int rd, int uimm) {
    return ciD(3, rd, uimm);
  }

  static int cJr(int rs1) {
    return (4 << 13) | (rs1 << 7) | 2;
  }

  static int cMv(int rd, int rs2) {
    return (4 << 13) | (rd << 7) | (rs2 << 2) | 2;
  }

  static int cEbreak() {
    return 0x9002;
  }

  static int cJalr(int rs1) {
    return (4 << 13) | (1 << 12) | (rs1 << 7) | 2;
  }

  static int cAdd(int rd, int rs2) {
    return (4 << 13) | (1 << 12) | (rd << 7) | (rs2 << 2) | 2;
  }

  /** C.SDSP / C.FSDSP offset layout: uimm[5:3] at 12:10, uimm[8:6] at 9:7. */
  private static int cssD(int f3, int rs2, int uimm) {
    int e =
        bit(uimm, 5, 12)
            | bit(uimm, 4, 11)
            | bit(uimm, 3, 10)
            | bit(uimm, 8, 9)
            | bit(uimm, 7, 8)
            | bit(uimm, 6, 7);
    return (f3 << 13) | e | (rs2 << 2) | 2;
  }

  static int cFsdsp(int rs2, int uimm) {
    return cssD(5, rs2, uimm);
  }

  static int cSwsp(int rs2, int uimm) {
    int e =
        bit(uimm, 5, 12)
            | bit(uimm, 4, 11)
            | bit(uimm, 3, 10)
            | bit(uimm, 2, 9)
            | bit(uimm, 7, 8)
            | bit(uimm, 6, 7);
    return (6 << 13) | e | (rs2 << 2) | 2;
  }

  static int cSdsp(int rs2, int uimm) {
    return cssD(7, rs2, uimm);
  }
}
