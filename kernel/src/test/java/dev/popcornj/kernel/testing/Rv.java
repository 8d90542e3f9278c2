package dev.popcornj.kernel.testing;

import java.io.ByteArrayOutputStream;

/**
 * A tiny RV64I assembler for kernel tests that need a guest program without the cross compiler:
 * each method appends one 32-bit instruction.
 */
public final class Rv {
  public static final int ZERO = 0;
  public static final int RA = 1;
  public static final int SP = 2;
  public static final int T0 = 5;
  public static final int A0 = 10;
  public static final int A1 = 11;
  public static final int A2 = 12;
  public static final int A3 = 13;
  public static final int A7 = 17;

  private final ByteArrayOutputStream code = new ByteArrayOutputStream();

  private Rv emit(int insn) {
    for (int i = 0; i < 4; i++) {
      code.write(insn >>> (8 * i));
    }
    return this;
  }

  /** Byte offset of the next instruction. */
  public int here() {
    return code.size();
  }

  public Rv addi(int rd, int rs1, int imm) {
    return emit((imm & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x13);
  }

  public Rv add(int rd, int rs1, int rs2) {
    return emit(rs2 << 20 | rs1 << 15 | rd << 7 | 0x33);
  }

  public Rv li(int rd, int imm) {
    if (imm >= -2048 && imm < 2048) {
      return addi(rd, ZERO, imm);
    }
    int hi = (imm + 0x800) >> 12;
    emit(hi << 12 | rd << 7 | 0x37);
    return addi(rd, rd, imm - (hi << 12));
  }

  /** rd = pc + offset, for offset within +-2 KiB of this instruction. */
  public Rv auipcAddi(int rd, int offset) {
    emit(rd << 7 | 0x17);
    return addi(rd, rd, offset);
  }

  public Rv ld(int rd, int rs1, int imm) {
    return emit((imm & 0xfff) << 20 | rs1 << 15 | 3 << 12 | rd << 7 | 0x03);
  }

  public Rv sd(int rs2, int rs1, int imm) {
    return emit(
        ((imm >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | 3 << 12 | (imm & 0x1f) << 7 | 0x23);
  }

  /** jal rd, offset (offset even, within +-1 MiB). */
  public Rv jal(int rd, int offset) {
    int imm =
        ((offset >> 20) & 1) << 31
            | ((offset >> 1) & 0x3ff) << 21
            | ((offset >> 11) & 1) << 20
            | ((offset >> 12) & 0xff) << 12;
    return emit(imm | rd << 7 | 0x6f);
  }

  public Rv ecall() {
    return emit(0x00000073);
  }

  public Rv ebreak() {
    return emit(0x00100073);
  }

  /** An all-zero word: an illegal instruction. */
  public Rv illegal() {
    return emit(0);
  }

  public Rv data(byte[] bytes) {
    code.writeBytes(bytes);
    return this;
  }

  public byte[] bytes() {
    return code.toByteArray();
  }
}
