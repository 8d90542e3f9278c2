package dev.popcornj.machine.hart;

import dev.popcornj.machine.hart.fp.Fp;

/**
 * The operations compiled blocks call for everything that is more than a line of bytecode: loads
 * and stores through the hart's TLB, the M extension's divisions and high multiplies, and FP
 * instructions. The fast paths are small enough for the JIT to inline into each block; the slow
 * paths are the execute loop's own, so a block behaves exactly as the loop would.
 *
 * <p>A block passes the hart's arrays (the TLB's tags and frames, the f registers) from its class
 * data, as constants the JIT can see through. Slow-path arguments: pc is the instruction's address,
 * k the number of instructions of the block before it, len its length in bytes, so that a block can
 * leave precisely after or at it.
 */
final class BlockOps {
  private BlockOps() {}

  /** Value extension of a slow load: zero, sign from the size, or NaN-boxing into an f register. */
  static final int ZERO = 0;

  static final int SIGN = 1;
  static final int BOX = 2;

  static long lb(long[] tag, byte[][] fr, Hart h, long a, long pc, int k, int rd, int len) {
    long vpn = a >>> 12;
    int e = (int) vpn & Hart.DTLB_MASK;
    if (tag[e] == vpn) {
      return fr[e][(int) a & 0xfff];
    }
    return slowLoad(h, a, 1, SIGN, pc, k, rd, len);
  }

  static long lbu(long[] tag, byte[][] fr, Hart h, long a, long pc, int k, int rd, int len) {
    long vpn = a >>> 12;
    int e = (int) vpn & Hart.DTLB_MASK;
    if (tag[e] == vpn) {
      return fr[e][(int) a & 0xfff] & 0xffL;
    }
    return slowLoad(h, a, 1, ZERO, pc, k, rd, len);
  }

  static long lh(long[] tag, byte[][] fr, Hart h, long a, long pc, int k, int rd, int len) {
    int e = (int) (a >>> 12) & Hart.DTLB_MASK;
    if (tag[e] == (a + 1) >>> 12) {
      return (short) Hart.SHORT.get(fr[e], (int) a & 0xfff);
    }
    return slowLoad(h, a, 2, SIGN, pc, k, rd, len);
  }

  static long lhu(long[] tag, byte[][] fr, Hart h, long a, long pc, int k, int rd, int len) {
    int e = (int) (a >>> 12) & Hart.DTLB_MASK;
    if (tag[e] == (a + 1) >>> 12) {
      return (short) Hart.SHORT.get(fr[e], (int) a & 0xfff) & 0xffffL;
    }
    return slowLoad(h, a, 2, ZERO, pc, k, rd, len);
  }

  static long lw(long[] tag, byte[][] fr, Hart h, long a, long pc, int k, int rd, int len) {
    int e = (int) (a >>> 12) & Hart.DTLB_MASK;
    if (tag[e] == (a + 3) >>> 12) {
      return (int) Hart.INT.get(fr[e], (int) a & 0xfff);
    }
    return slowLoad(h, a, 4, SIGN, pc, k, rd, len);
  }

  static long lwu(long[] tag, byte[][] fr, Hart h, long a, long pc, int k, int rd, int len) {
    int e = (int) (a >>> 12) & Hart.DTLB_MASK;
    if (tag[e] == (a + 3) >>> 12) {
      return (int) Hart.INT.get(fr[e], (int) a & 0xfff) & 0xffffffffL;
    }
    return slowLoad(h, a, 4, ZERO, pc, k, rd, len);
  }

  static long ld(long[] tag, byte[][] fr, Hart h, long a, long pc, int k, int rd, int len) {
    int e = (int) (a >>> 12) & Hart.DTLB_MASK;
    if (tag[e] == (a + 7) >>> 12) {
      return (long) Hart.LONG.get(fr[e], (int) a & 0xfff);
    }
    return slowLoad(h, a, 8, ZERO, pc, k, rd, len);
  }

  static long flw(long[] tag, byte[][] fr, Hart h, long a, long pc, int k, int rd, int len) {
    int e = (int) (a >>> 12) & Hart.DTLB_MASK;
    if (tag[e] == (a + 3) >>> 12) {
      return (int) Hart.INT.get(fr[e], (int) a & 0xfff) | 0xffffffff00000000L;
    }
    return slowLoad(h, a, 4, BOX, pc, k, rd, len);
  }

  static long fld(long[] tag, byte[][] fr, Hart h, long a, long pc, int k, int rd, int len) {
    int e = (int) (a >>> 12) & Hart.DTLB_MASK;
    if (tag[e] == (a + 7) >>> 12) {
      return (long) Hart.LONG.get(fr[e], (int) a & 0xfff);
    }
    return slowLoad(h, a, 8, BOX, pc, k, rd, len);
  }

  /**
   * The execute loop's slow load. On a fault the block leaves at the load; when the access asked
   * the hart to stop, the load completes (its register written here) and the block leaves after it.
   */
  private static long slowLoad(Hart h, long a, int size, int ext, long pc, int k, int rd, int len) {
    long v = h.load(a, size, pc);
    if (h.trap != null) {
      throw h.leaveBlock(pc, k, true);
    }
    if (ext == SIGN) {
      v = (v << (64 - 8 * size)) >> (64 - 8 * size);
    } else if (ext == BOX) {
      v = size == 4 ? v | 0xffffffff00000000L : v;
    }
    if (h.stopRequested) {
      if (ext == BOX) {
        h.f[rd] = v;
      } else {
        h.x[rd] = v;
      }
      throw h.leaveBlock(pc + len, k + 1, false);
    }
    return v;
  }

  static void sb(long[] tag, byte[][] fr, Hart h, long a, long v, long pc, int k, int len) {
    long vpn = a >>> 12;
    int e = (int) vpn & Hart.DTLB_MASK;
    if (tag[e] == vpn) {
      fr[e][(int) a & 0xfff] = (byte) v;
      return;
    }
    slowStore(h, a, v, 1, pc, k, len);
  }

  static void sh(long[] tag, byte[][] fr, Hart h, long a, long v, long pc, int k, int len) {
    int e = (int) (a >>> 12) & Hart.DTLB_MASK;
    if (tag[e] == (a + 1) >>> 12) {
      Hart.SHORT.set(fr[e], (int) a & 0xfff, (short) v);
      return;
    }
    slowStore(h, a, v, 2, pc, k, len);
  }

  static void sw(long[] tag, byte[][] fr, Hart h, long a, long v, long pc, int k, int len) {
    int e = (int) (a >>> 12) & Hart.DTLB_MASK;
    if (tag[e] == (a + 3) >>> 12) {
      Hart.INT.set(fr[e], (int) a & 0xfff, (int) v);
      return;
    }
    slowStore(h, a, v, 4, pc, k, len);
  }

  static void sd(long[] tag, byte[][] fr, Hart h, long a, long v, long pc, int k, int len) {
    int e = (int) (a >>> 12) & Hart.DTLB_MASK;
    if (tag[e] == (a + 7) >>> 12) {
      Hart.LONG.set(fr[e], (int) a & 0xfff, v);
      return;
    }
    slowStore(h, a, v, 8, pc, k, len);
  }

  /**
   * The execute loop's slow store: the block leaves at a faulting store, and after one that dropped
   * decoded code or asked the hart to stop.
   */
  private static void slowStore(Hart h, long a, long v, int size, long pc, int k, int len) {
    if (h.store(a, v, size, pc)) {
      throw h.trap != null ? h.leaveBlock(pc, k, true) : h.leaveBlock(pc + len, k + 1, false);
    }
  }

  /**
   * An atomic or an FP CSR instruction, run by the execute loop's own handler (LR/SC reservations
   * and all): the block leaves at it when it traps, after it when the loop would fetch again.
   */
  static void rare(Hart h, long d, long pc, int k, int len) {
    int r = h.execInBlock(d, pc);
    if (r != Hart.RARE_OK) {
      throw r == Hart.RARE_TRAP ? h.leaveBlock(pc, k, true) : h.leaveBlock(pc + len, k + 1, false);
    }
  }

  /** An FP instruction other than a load or store, run by the execute loop's own handler. */
  static void fp(Hart h, int op, long d, long pc, int k, int len) {
    int r = h.execFp(op, d, pc);
    if (r != Hart.RARE_OK) {
      throw r == Hart.RARE_TRAP ? h.leaveBlock(pc, k, true) : h.leaveBlock(pc + len, k + 1, false);
    }
  }

  // The commonest double-precision ops, called directly so that the block skips the FP handler's
  // dispatch; d is the decoded instruction, a constant in the block, so its fields fold away. A
  // dynamic rounding mode with a reserved frm goes to the handler, which raises the
  // illegal-instruction trap.

  static void faddD(long[] f, Hart h, long d, long pc, int k, int len) {
    int rd = Decoder.rd(d);
    int rs1 = Decoder.rs1(d);
    int rs2 = Decoder.rs2(d);
    int rm = Decoder.imm(d) & 7;
    int r = rm == 7 ? h.frm : rm;
    if (r > 4) {
      fp(h, Op.FADD_D, d, pc, k, len);
      return;
    }
    f[rd] = Fp.addD(f[rs1], f[rs2], r, h.fpEnv);
  }

  static void fsubD(long[] f, Hart h, long d, long pc, int k, int len) {
    int rd = Decoder.rd(d);
    int rs1 = Decoder.rs1(d);
    int rs2 = Decoder.rs2(d);
    int rm = Decoder.imm(d) & 7;
    int r = rm == 7 ? h.frm : rm;
    if (r > 4) {
      fp(h, Op.FSUB_D, d, pc, k, len);
      return;
    }
    f[rd] = Fp.subD(f[rs1], f[rs2], r, h.fpEnv);
  }

  static void fmulD(long[] f, Hart h, long d, long pc, int k, int len) {
    int rd = Decoder.rd(d);
    int rs1 = Decoder.rs1(d);
    int rs2 = Decoder.rs2(d);
    int rm = Decoder.imm(d) & 7;
    int r = rm == 7 ? h.frm : rm;
    if (r > 4) {
      fp(h, Op.FMUL_D, d, pc, k, len);
      return;
    }
    f[rd] = Fp.mulD(f[rs1], f[rs2], r, h.fpEnv);
  }

  static void fdivD(long[] f, Hart h, long d, long pc, int k, int len) {
    int rd = Decoder.rd(d);
    int rs1 = Decoder.rs1(d);
    int rs2 = Decoder.rs2(d);
    int rm = Decoder.imm(d) & 7;
    int r = rm == 7 ? h.frm : rm;
    if (r > 4) {
      fp(h, Op.FDIV_D, d, pc, k, len);
      return;
    }
    f[rd] = Fp.divD(f[rs1], f[rs2], r, h.fpEnv);
  }

  static void fmaddD(long[] f, Hart h, long d, long pc, int k, int len) {
    int rd = Decoder.rd(d);
    int rs1 = Decoder.rs1(d);
    int rs2 = Decoder.rs2(d);
    int rs3 = Decoder.rs3(d);
    int rm = Decoder.imm(d) & 7;
    int r = rm == 7 ? h.frm : rm;
    if (r > 4) {
      fp(h, Op.FMADD_D, d, pc, k, len);
      return;
    }
    f[rd] = Fp.fmaddD(f[rs1], f[rs2], f[rs3], r, h.fpEnv);
  }

  static void fmsubD(long[] f, Hart h, long d, long pc, int k, int len) {
    int rd = Decoder.rd(d);
    int rs1 = Decoder.rs1(d);
    int rs2 = Decoder.rs2(d);
    int rs3 = Decoder.rs3(d);
    int rm = Decoder.imm(d) & 7;
    int r = rm == 7 ? h.frm : rm;
    if (r > 4) {
      fp(h, Op.FMSUB_D, d, pc, k, len);
      return;
    }
    f[rd] = Fp.fmsubD(f[rs1], f[rs2], f[rs3], r, h.fpEnv);
  }

  static void fltD(long[] f, Hart h, long d, long pc, int k, int len) {
    int rd = Decoder.rd(d);
    int rs1 = Decoder.rs1(d);
    int rs2 = Decoder.rs2(d);
    h.x[rd] = Fp.ltD(f[rs1], f[rs2], h.fpEnv) ? 1 : 0;
  }

  static void fleD(long[] f, Hart h, long d, long pc, int k, int len) {
    int rd = Decoder.rd(d);
    int rs1 = Decoder.rs1(d);
    int rs2 = Decoder.rs2(d);
    h.x[rd] = Fp.leD(f[rs1], f[rs2], h.fpEnv) ? 1 : 0;
  }

  static void feqD(long[] f, Hart h, long d, long pc, int k, int len) {
    int rd = Decoder.rd(d);
    int rs1 = Decoder.rs1(d);
    int rs2 = Decoder.rs2(d);
    h.x[rd] = Fp.eqD(f[rs1], f[rs2], h.fpEnv) ? 1 : 0;
  }

  static void fsgnjD(long[] f, Hart h, long d, long pc, int k, int len) {
    int rd = Decoder.rd(d);
    int rs1 = Decoder.rs1(d);
    int rs2 = Decoder.rs2(d);
    f[rd] = (f[rs1] & Long.MAX_VALUE) | (f[rs2] & Long.MIN_VALUE);
  }

  static void fsgnjnD(long[] f, Hart h, long d, long pc, int k, int len) {
    int rd = Decoder.rd(d);
    int rs1 = Decoder.rs1(d);
    int rs2 = Decoder.rs2(d);
    f[rd] = (f[rs1] & Long.MAX_VALUE) | (~f[rs2] & Long.MIN_VALUE);
  }

  static void fsgnjxD(long[] f, Hart h, long d, long pc, int k, int len) {
    int rd = Decoder.rd(d);
    int rs1 = Decoder.rs1(d);
    int rs2 = Decoder.rs2(d);
    f[rd] = f[rs1] ^ (f[rs2] & Long.MIN_VALUE);
  }

  static void fmvXD(long[] f, Hart h, long d, long pc, int k, int len) {
    int rd = Decoder.rd(d);
    int rs1 = Decoder.rs1(d);
    h.x[rd] = f[rs1];
  }

  static void fmvDX(long[] f, Hart h, long d, long pc, int k, int len) {
    f[Decoder.rd(d)] = h.x[Decoder.rs1(d)];
  }

  static long mulh(long a, long b) {
    return Math.multiplyHigh(a, b);
  }

  static long mulhu(long a, long b) {
    return Math.unsignedMultiplyHigh(a, b);
  }

  static long mulhsu(long a, long b) {
    return Math.multiplyHigh(a, b) + ((b >> 63) & a);
  }

  static long div(long a, long b) {
    return b == 0 ? -1 : a / b;
  }

  static long divu(long a, long b) {
    return b == 0 ? -1 : Long.divideUnsigned(a, b);
  }

  static long rem(long a, long b) {
    return b == 0 ? a : a % b;
  }

  static long remu(long a, long b) {
    return b == 0 ? a : Long.remainderUnsigned(a, b);
  }

  static long divw(long a, long b) {
    int d = (int) b;
    return d == 0 ? -1 : (int) a / d;
  }

  static long divuw(long a, long b) {
    int d = (int) b;
    return d == 0 ? -1 : Integer.divideUnsigned((int) a, d);
  }

  static long remw(long a, long b) {
    int d = (int) b;
    return d == 0 ? (int) a : (int) a % d;
  }

  static long remuw(long a, long b) {
    int d = (int) b;
    return d == 0 ? (int) a : Integer.remainderUnsigned((int) a, d);
  }
}
