package dev.popcornj.machine.hart;

import static dev.popcornj.machine.hart.Op.*;

/**
 * Turns RV64GC instruction bits into the compact decoded words that the execute loop dispatches on,
 * rejecting every encoding the hart's ISA does not define.
 *
 * <p>A decoded word is a long:
 *
 * <pre>
 *  63                32 31 29 28  24 23  19 18  14 13   8 7    0
 * +--------------------+-----+------+------+------+------+------+
 * |     immediate      | len | rs3  | rs2  | rs1  |  rd  |  op  |
 * +--------------------+-----+------+------+------+------+------+
 * </pre>
 *
 * len is the instruction length in bytes (2 or 4). rd is 6 bits wide: an instruction that must
 * execute for its side effects but names x0 as destination gets rd = 32, a scratch slot after the
 * 32 registers, so the loop never needs to test for x0; one whose only effect is writing x0 becomes
 * {@link Op#NOP}. The immediate is sign-extended; for CSR instructions it is the CSR number, for FP
 * instructions with a rounding mode it is the rm field, for {@link Op#ILLEGAL} the instruction
 * bits. Compressed instructions are expanded to the ids of their 32-bit equivalents.
 */
final class Decoder {
  /** rd value that discards the result. */
  static final int X_DISCARD = 32;

  private Decoder() {}

  static long pack(int op, int rd, int rs1, int rs2, int rs3, int len, int imm) {
    return (op & 0xffL)
        | ((long) rd << 8)
        | ((long) rs1 << 14)
        | ((long) rs2 << 19)
        | ((long) rs3 << 24)
        | ((long) len << 29)
        | ((long) imm << 32);
  }

  static int op(long d) {
    return (int) d & 0xff;
  }

  static int rd(long d) {
    return ((int) d >>> 8) & 63;
  }

  static int rs1(long d) {
    return ((int) d >>> 14) & 31;
  }

  static int rs2(long d) {
    return ((int) d >>> 19) & 31;
  }

  static int rs3(long d) {
    return ((int) d >>> 24) & 31;
  }

  static int len(long d) {
    return (int) d >>> 29;
  }

  static int imm(long d) {
    return (int) (d >> 32);
  }

  static long illegal(int bits, int len) {
    return pack(ILLEGAL, 0, 0, 0, 0, len, bits);
  }

  private static long r(int op, int rd, int rs1, int rs2) {
    return pack(op, rd, rs1, rs2, 0, 4, 0);
  }

  /** ALU op whose only effect is writing rd. */
  private static long alu(int op, int rd, int rs1, int rs2, int imm, int len) {
    if (rd == 0) {
      return pack(NOP, 0, 0, 0, 0, len, 0);
    }
    return pack(op, rd, rs1, rs2, 0, len, imm);
  }

  /** Op executed for its side effects even when it writes x0. */
  private static long side(int op, int rd, int rs1, int rs2, int imm, int len) {
    return pack(op, rd == 0 ? X_DISCARD : rd, rs1, rs2, 0, len, imm);
  }

  private static int immI(int insn) {
    return insn >> 20;
  }

  private static int immS(int insn) {
    return ((insn >> 25) << 5) | ((insn >>> 7) & 0x1f);
  }

  private static int immB(int insn) {
    return ((insn >> 31) << 12)
        | (((insn >>> 7) & 1) << 11)
        | (((insn >>> 25) & 0x3f) << 5)
        | (((insn >>> 8) & 0xf) << 1);
  }

  private static int immJ(int insn) {
    return ((insn >> 31) << 20)
        | (((insn >>> 12) & 0xff) << 12)
        | (((insn >>> 20) & 1) << 11)
        | (((insn >>> 21) & 0x3ff) << 1);
  }

  /**
   * The immediate of a branch or JAL as stored: as is, unless the hart lacks C and the offset is
   * not a multiple of 4. Then bit 30 is flipped, which puts the target far outside any page so the
   * loop's same-page test sends a taken jump to the slow path, where {@link #misalignedOffset}
   * recognises it and {@link #realOffset} recovers the offset for the trap value.
   */
  static int target(int imm, Isa isa) {
    return !isa.c() && (imm & 2) != 0 ? imm ^ (1 << 30) : imm;
  }

  /** True for a stored branch offset that {@link #target} marked as misaligned. */
  static boolean misalignedOffset(int stored) {
    return (stored ^ (stored << 1)) < 0;
  }

  static int realOffset(int stored) {
    return misalignedOffset(stored) ? stored ^ (1 << 30) : stored;
  }

  /** Decodes a 32-bit instruction (low two bits 11). */
  static long decode32(int insn, Isa isa) {
    int opcode = insn & 0x7f;
    int rd = (insn >>> 7) & 31;
    int f3 = (insn >>> 12) & 7;
    int rs1 = (insn >>> 15) & 31;
    int rs2 = (insn >>> 20) & 31;
    int f7 = insn >>> 25;
    long bad = illegal(insn, 4);
    switch (opcode) {
      case 0x37: // LUI
        return alu(ADDI, rd, 0, 0, insn & 0xfffff000, 4);
      case 0x17:
        return alu(AUIPC, rd, 0, 0, insn & 0xfffff000, 4);
      case 0x6f:
        return side(JAL, rd, 0, 0, target(immJ(insn), isa), 4);
      case 0x67:
        return f3 == 0 ? side(isa.c() ? JALR : JALR_NO_C, rd, rs1, 0, immI(insn), 4) : bad;
      case 0x63:
        {
          int op =
              switch (f3) {
                case 0 -> BEQ;
                case 1 -> BNE;
                case 4 -> BLT;
                case 5 -> BGE;
                case 6 -> BLTU;
                case 7 -> BGEU;
                default -> -1;
              };
          return op < 0 ? bad : pack(op, 0, rs1, rs2, 0, 4, target(immB(insn), isa));
        }
      case 0x03:
        {
          int op =
              switch (f3) {
                case 0 -> LB;
                case 1 -> LH;
                case 2 -> LW;
                case 3 -> LD;
                case 4 -> LBU;
                case 5 -> LHU;
                case 6 -> LWU;
                default -> -1;
              };
          return op < 0 ? bad : side(op, rd, rs1, 0, immI(insn), 4);
        }
      case 0x23:
        {
          int op =
              switch (f3) {
                case 0 -> SB;
                case 1 -> SH;
                case 2 -> SW;
                case 3 -> SD;
                default -> -1;
              };
          return op < 0 ? bad : pack(op, 0, rs1, rs2, 0, 4, immS(insn));
        }
      case 0x13:
        {
          int imm = immI(insn);
          switch (f3) {
            case 0:
              return alu(ADDI, rd, rs1, 0, imm, 4);
            case 1:
              return (insn >>> 26) == 0 ? alu(SLLI, rd, rs1, 0, imm & 63, 4) : bad;
            case 2:
              return alu(SLTI, rd, rs1, 0, imm, 4);
            case 3:
              return alu(SLTIU, rd, rs1, 0, imm, 4);
            case 4:
              return alu(XORI, rd, rs1, 0, imm, 4);
            case 5:
              if ((insn >>> 26) == 0) {
                return alu(SRLI, rd, rs1, 0, imm & 63, 4);
              }
              if ((insn >>> 26) == 0x10) {
                return alu(SRAI, rd, rs1, 0, imm & 63, 4);
              }
              return bad;
            case 6:
              return alu(ORI, rd, rs1, 0, imm, 4);
            default:
              return alu(ANDI, rd, rs1, 0, imm, 4);
          }
        }
      case 0x1b:
        switch (f3) {
          case 0:
            return alu(ADDIW, rd, rs1, 0, immI(insn), 4);
          case 1:
            return f7 == 0 ? alu(SLLIW, rd, rs1, 0, rs2, 4) : bad;
          case 5:
            if (f7 == 0) {
              return alu(SRLIW, rd, rs1, 0, rs2, 4);
            }
            return f7 == 0x20 ? alu(SRAIW, rd, rs1, 0, rs2, 4) : bad;
          default:
            return bad;
        }
      case 0x33:
        {
          int op = -1;
          if (f7 == 0) {
            op =
                switch (f3) {
                  case 0 -> ADD;
                  case 1 -> SLL;
                  case 2 -> SLT;
                  case 3 -> SLTU;
                  case 4 -> XOR;
                  case 5 -> SRL;
                  case 6 -> OR;
                  default -> AND;
                };
          } else if (f7 == 0x20) {
            op = f3 == 0 ? SUB : f3 == 5 ? SRA : -1;
          } else if (f7 == 1 && isa.m()) {
            op =
                switch (f3) {
                  case 0 -> MUL;
                  case 1 -> MULH;
                  case 2 -> MULHSU;
                  case 3 -> MULHU;
                  case 4 -> DIV;
                  case 5 -> DIVU;
                  case 6 -> REM;
                  default -> REMU;
                };
          }
          return op < 0 ? bad : alu(op, rd, rs1, rs2, 0, 4);
        }
      case 0x3b:
        {
          int op = -1;
          if (f7 == 0) {
            op = f3 == 0 ? ADDW : f3 == 1 ? SLLW : f3 == 5 ? SRLW : -1;
          } else if (f7 == 0x20) {
            op = f3 == 0 ? SUBW : f3 == 5 ? SRAW : -1;
          } else if (f7 == 1 && isa.m()) {
            op =
                switch (f3) {
                  case 0 -> MULW;
                  case 4 -> DIVW;
                  case 5 -> DIVUW;
                  case 6 -> REMW;
                  case 7 -> REMUW;
                  default -> -1;
                };
          }
          return op < 0 ? bad : alu(op, rd, rs1, rs2, 0, 4);
        }
      case 0x0f:
        if (f3 == 0) {
          return pack(NOP, 0, 0, 0, 0, 4, 0);
        }
        return f3 == 1 ? pack(FENCE_I, 0, 0, 0, 0, 4, 0) : bad;
      case 0x73:
        return decodeSystem(insn, rd, f3, rs1);
      case 0x2f:
        return isa.a() ? decodeAmo(insn, rd, f3, rs1, rs2) : bad;
      case 0x07:
        if (f3 == 2 && isa.f()) {
          return pack(FLW, rd, rs1, 0, 0, 4, immI(insn));
        }
        return f3 == 3 && isa.d() ? pack(FLD, rd, rs1, 0, 0, 4, immI(insn)) : bad;
      case 0x27:
        if (f3 == 2 && isa.f()) {
          return pack(FSW, 0, rs1, rs2, 0, 4, immS(insn));
        }
        return f3 == 3 && isa.d() ? pack(FSD, 0, rs1, rs2, 0, 4, immS(insn)) : bad;
      case 0x43:
      case 0x47:
      case 0x4b:
      case 0x4f:
        return decodeFma(insn, opcode, rd, f3, rs1, rs2, isa);
      case 0x53:
        return decodeOpFp(insn, rd, f3, rs1, rs2, f7, isa);
      default:
        return bad;
    }
  }

  private static long decodeSystem(int insn, int rd, int f3, int rs1) {
    int csr = insn >>> 20;
    switch (f3) {
      case 0:
        if (insn == 0x00000073) {
          return pack(ECALL, 0, 0, 0, 0, 4, 0);
        }
        if (insn == 0x00100073) {
          return pack(EBREAK, 0, 0, 0, 0, 4, 0);
        }
        return illegal(insn, 4);
      case 1:
        return side(CSRRW, rd, rs1, 0, csr, 4);
      case 2:
        return side(CSRRS, rd, rs1, 0, csr, 4);
      case 3:
        return side(CSRRC, rd, rs1, 0, csr, 4);
      case 5:
        return side(CSRRWI, rd, rs1, 0, csr, 4);
      case 6:
        return side(CSRRSI, rd, rs1, 0, csr, 4);
      case 7:
        return side(CSRRCI, rd, rs1, 0, csr, 4);
      default:
        return illegal(insn, 4);
    }
  }

  private static long decodeAmo(int insn, int rd, int f3, int rs1, int rs2) {
    if (f3 != 2 && f3 != 3) {
      return illegal(insn, 4);
    }
    int f5 = insn >>> 27;
    int op =
        switch (f5) {
          case 0b00010 -> rs2 == 0 ? LR_W : -1;
          case 0b00011 -> SC_W;
          case 0b00001 -> AMOSWAP_W;
          case 0b00000 -> AMOADD_W;
          case 0b00100 -> AMOXOR_W;
          case 0b01100 -> AMOAND_W;
          case 0b01000 -> AMOOR_W;
          case 0b10000 -> AMOMIN_W;
          case 0b10100 -> AMOMAX_W;
          case 0b11000 -> AMOMINU_W;
          case 0b11100 -> AMOMAXU_W;
          default -> -1;
        };
    if (op < 0) {
      return illegal(insn, 4);
    }
    if (f3 == 3) {
      op += LR_D - LR_W;
    }
    return side(op, rd, rs1, rs2, 0, 4);
  }

  /** True when rm is a static mode (0..4) or dynamic (7); 5 and 6 are reserved. */
  private static boolean validRm(int rm) {
    return rm <= 4 || rm == 7;
  }

  private static long decodeFma(int insn, int opcode, int rd, int rm, int rs1, int rs2, Isa isa) {
    int fmt = (insn >>> 25) & 3;
    boolean ok = (fmt == 0 && isa.f()) || (fmt == 1 && isa.d());
    if (!ok || !validRm(rm)) {
      return illegal(insn, 4);
    }
    int op =
        switch (opcode) {
          case 0x43 -> FMADD_S;
          case 0x47 -> FMSUB_S;
          case 0x4b -> FNMSUB_S;
          default -> FNMADD_S;
        };
    if (fmt == 1) {
      op += FADD_D - FADD_S;
    }
    return pack(op, rd, rs1, rs2, insn >>> 27, 4, rm);
  }

  private static long decodeOpFp(int insn, int rd, int rm, int rs1, int rs2, int f7, Isa isa) {
    long bad = illegal(insn, 4);
    int fmt = f7 & 3;
    boolean dbl;
    if (fmt == 0 && isa.f()) {
      dbl = false;
    } else if (fmt == 1 && isa.d()) {
      dbl = true;
    } else {
      return bad;
    }
    int delta = dbl ? FADD_D - FADD_S : 0;
    int xrd = rd == 0 ? X_DISCARD : rd;
    switch (f7 >>> 2) {
      case 0b00000:
      case 0b00001:
      case 0b00010:
      case 0b00011:
        if (!validRm(rm)) {
          return bad;
        }
        return pack(FADD_S + (f7 >>> 2) + delta, rd, rs1, rs2, 0, 4, rm);
      case 0b01011:
        return rs2 == 0 && validRm(rm) ? pack(FSQRT_S + delta, rd, rs1, 0, 0, 4, rm) : bad;
      case 0b00100:
        return rm <= 2 ? pack(FSGNJ_S + rm + delta, rd, rs1, rs2, 0, 4, 0) : bad;
      case 0b00101:
        return rm <= 1 ? pack(FMIN_S + rm + delta, rd, rs1, rs2, 0, 4, 0) : bad;
      case 0b01000:
        // fcvt.s.d (fmt S, rs2 1) and fcvt.d.s (fmt D, rs2 0): both need D
        if (!isa.d() || !validRm(rm)) {
          return bad;
        }
        if (!dbl && rs2 == 1) {
          return pack(FCVT_S_D, rd, rs1, 0, 0, 4, rm);
        }
        return dbl && rs2 == 0 ? pack(FCVT_D_S, rd, rs1, 0, 0, 4, rm) : bad;
      case 0b10100:
        return switch (rm) {
          case 2 -> pack(FEQ_S + delta, xrd, rs1, rs2, 0, 4, 0);
          case 1 -> pack(FLT_S + delta, xrd, rs1, rs2, 0, 4, 0);
          case 0 -> pack(FLE_S + delta, xrd, rs1, rs2, 0, 4, 0);
          default -> bad;
        };
      case 0b11000:
        return rs2 <= 3 && validRm(rm) ? pack(FCVT_W_S + rs2 + delta, xrd, rs1, 0, 0, 4, rm) : bad;
      case 0b11010:
        return rs2 <= 3 && validRm(rm) ? pack(FCVT_S_W + rs2 + delta, rd, rs1, 0, 0, 4, rm) : bad;
      case 0b11100:
        if (rs2 != 0) {
          return bad;
        }
        if (rm == 0) {
          return pack(FMV_X_W + delta, xrd, rs1, 0, 0, 4, 0);
        }
        return rm == 1 ? pack(FCLASS_S + delta, xrd, rs1, 0, 0, 4, 0) : bad;
      case 0b11110:
        return rs2 == 0 && rm == 0 ? pack(FMV_W_X + delta, rd, rs1, 0, 0, 4, 0) : bad;
      default:
        return bad;
    }
  }

  private static int sext(int v, int bits) {
    return (v << (32 - bits)) >> (32 - bits);
  }

  /** Decodes a 16-bit compressed instruction (low two bits not 11); the ISA must include C. */
  static long decode16(int h, Isa isa) {
    long bad = illegal(h, 2);
    int f3 = (h >>> 13) & 7;
    int rdFull = (h >>> 7) & 31;
    int rs2Full = (h >>> 2) & 31;
    int rdc = 8 + ((h >>> 2) & 7);
    int rs1c = 8 + ((h >>> 7) & 7);
    int imm6 = sext(((h >>> 7) & 0x20) | ((h >>> 2) & 0x1f), 6);
    int uimmD = ((h >>> 7) & 0x38) | ((h << 1) & 0xc0);
    int uimmW = ((h >>> 7) & 0x38) | ((h >>> 4) & 4) | ((h << 1) & 0x40);
    switch (h & 3) {
      case 0:
        switch (f3) {
          case 0:
            {
              int nzuimm =
                  ((h >>> 7) & 0x30) | ((h >>> 1) & 0x3c0) | ((h >>> 4) & 4) | ((h >>> 2) & 8);
              return nzuimm == 0 ? bad : pack(ADDI, rdc, 2, 0, 0, 2, nzuimm);
            }
          case 1:
            return isa.d() ? pack(FLD, rdc, rs1c, 0, 0, 2, uimmD) : bad;
          case 2:
            return pack(LW, rdc, rs1c, 0, 0, 2, uimmW);
          case 3:
            return pack(LD, rdc, rs1c, 0, 0, 2, uimmD);
          case 5:
            return isa.d() ? pack(FSD, 0, rs1c, rdc, 0, 2, uimmD) : bad;
          case 6:
            return pack(SW, 0, rs1c, rdc, 0, 2, uimmW);
          case 7:
            return pack(SD, 0, rs1c, rdc, 0, 2, uimmD);
          default:
            return bad;
        }
      case 1:
        switch (f3) {
          case 0:
            return alu(ADDI, rdFull, rdFull, 0, imm6, 2);
          case 1:
            return rdFull == 0 ? bad : pack(ADDIW, rdFull, rdFull, 0, 0, 2, imm6);
          case 2:
            return alu(ADDI, rdFull, 0, 0, imm6, 2);
          case 3:
            if (rdFull == 2) {
              int nz =
                  sext(
                      ((h >>> 3) & 0x200)
                          | ((h >>> 2) & 0x10)
                          | ((h << 1) & 0x40)
                          | ((h << 4) & 0x180)
                          | ((h << 3) & 0x20),
                      10);
              return nz == 0 ? bad : pack(ADDI, 2, 2, 0, 0, 2, nz);
            }
            return imm6 == 0 ? bad : alu(ADDI, rdFull, 0, 0, imm6 << 12, 2);
          case 4:
            {
              int shamt = ((h >>> 7) & 0x20) | ((h >>> 2) & 0x1f);
              switch ((h >>> 10) & 3) {
                case 0:
                  return pack(SRLI, rs1c, rs1c, 0, 0, 2, shamt);
                case 1:
                  return pack(SRAI, rs1c, rs1c, 0, 0, 2, shamt);
                case 2:
                  return pack(ANDI, rs1c, rs1c, 0, 0, 2, imm6);
                default:
                  int f2 = (h >>> 5) & 3;
                  if ((h & 0x1000) == 0) {
                    int op =
                        switch (f2) {
                          case 0 -> SUB;
                          case 1 -> XOR;
                          case 2 -> OR;
                          default -> AND;
                        };
                    return pack(op, rs1c, rs1c, rdc, 0, 2, 0);
                  }
                  if (f2 >= 2) {
                    return bad;
                  }
                  return pack(f2 == 0 ? SUBW : ADDW, rs1c, rs1c, rdc, 0, 2, 0);
              }
            }
          case 5:
            {
              int imm =
                  sext(
                      ((h >>> 1) & 0x800)
                          | ((h >>> 7) & 0x10)
                          | ((h >>> 1) & 0x300)
                          | ((h << 2) & 0x400)
                          | ((h >>> 1) & 0x40)
                          | ((h << 1) & 0x80)
                          | ((h >>> 2) & 0xe)
                          | ((h << 3) & 0x20),
                      12);
              return pack(JAL, X_DISCARD, 0, 0, 0, 2, imm);
            }
          default:
            {
              int imm =
                  sext(
                      ((h >>> 4) & 0x100)
                          | ((h >>> 7) & 0x18)
                          | ((h << 1) & 0xc0)
                          | ((h >>> 2) & 0x6)
                          | ((h << 3) & 0x20),
                      9);
              return pack(f3 == 6 ? BEQ : BNE, 0, rs1c, 0, 0, 2, imm);
            }
        }
      default:
        switch (f3) {
          case 0:
            return alu(SLLI, rdFull, rdFull, 0, ((h >>> 7) & 0x20) | rs2Full, 2);
          case 1:
            {
              int uimm = ((h >>> 7) & 0x20) | ((h >>> 2) & 0x18) | ((h << 4) & 0x1c0);
              return isa.d() ? pack(FLD, rdFull, 2, 0, 0, 2, uimm) : bad;
            }
          case 2:
            {
              int uimm = ((h >>> 7) & 0x20) | ((h >>> 2) & 0x1c) | ((h << 4) & 0xc0);
              return rdFull == 0 ? bad : pack(LW, rdFull, 2, 0, 0, 2, uimm);
            }
          case 3:
            {
              int uimm = ((h >>> 7) & 0x20) | ((h >>> 2) & 0x18) | ((h << 4) & 0x1c0);
              return rdFull == 0 ? bad : pack(LD, rdFull, 2, 0, 0, 2, uimm);
            }
          case 4:
            if ((h & 0x1000) == 0) {
              if (rs2Full == 0) {
                return rdFull == 0 ? bad : pack(JALR, X_DISCARD, rdFull, 0, 0, 2, 0);
              }
              return alu(ADD, rdFull, 0, rs2Full, 0, 2);
            }
            if (rs2Full == 0) {
              if (rdFull == 0) {
                return pack(EBREAK, 0, 0, 0, 0, 2, 0);
              }
              return pack(JALR, 1, rdFull, 0, 0, 2, 0);
            }
            return alu(ADD, rdFull, rdFull, rs2Full, 0, 2);
          case 5:
            {
              int uimm = ((h >>> 7) & 0x38) | ((h >>> 1) & 0x1c0);
              return isa.d() ? pack(FSD, 0, 2, rs2Full, 0, 2, uimm) : bad;
            }
          case 6:
            {
              int uimm = ((h >>> 7) & 0x3c) | ((h >>> 1) & 0xc0);
              return pack(SW, 0, 2, rs2Full, 0, 2, uimm);
            }
          default:
            {
              int uimm = ((h >>> 7) & 0x38) | ((h >>> 1) & 0x1c0);
              return pack(SD, 0, 2, rs2Full, 0, 2, uimm);
            }
        }
    }
  }
}
