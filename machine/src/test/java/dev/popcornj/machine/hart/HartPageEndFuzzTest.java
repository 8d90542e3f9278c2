package dev.popcornj.machine.hart;

import static dev.popcornj.machine.hart.Asm.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random straight-line code placed on purpose at a page end: one of its instructions ends on the
 * page's last byte or straddles into the next page, and a loop calls it often enough that blocks
 * get compiled. Between runs the page after the boundary (or the one before it) may lose its
 * permissions, as a kernel's munmap or mprotect would do, and gets them back when the hart faults
 * on it. Compiled blocks, with the budget split at random, must give the same traps at the same
 * instruction counts and the same registers and memory as the interpreter.
 *
 * <p>Bounded by a count of programs. {@code -Dpopcornj.hart.fuzz.seed=HEX} chooses the first seed
 * and {@code -Dpopcornj.hart.fuzz.iterations=N} how many programs to run; a failure names the seed
 * that reproduces it with one iteration.
 */
class HartPageEndFuzzTest {
  private static final long SEED =
      Long.parseUnsignedLong(System.getProperty("popcornj.hart.fuzz.seed", "9a9e0e4d"), 16);
  private static final int ITERATIONS = Integer.getInteger("popcornj.hart.fuzz.iterations", 200);

  private static final String[] ISAS = {"rv64gc", "rv64gc", "rv64imafd", "rv64imac"};

  /** The page boundary the generated code ends at or straddles. */
  private static final long BOUNDARY = HartFixture.CODE + 0x2000;

  /** Where the generated code loads, stores and does atomics: s0 points into this page. */
  private static final long DATA_BASE = HartFixture.DATA + 0x800;

  private static final int DATA_BYTES = 0x1000;

  /** Registers random instructions may write; ra, sp, s0 (data) and s1 (loop count) stay. */
  private static final int[] WORK = {A0, A1, A2, A3, A4, A5, A6, A7, T0, T1, T2, T3, T4, T5, T6};

  /** Work registers a compressed instruction's 3-bit register field can name. */
  private static final int[] CWORK = {A0, A1, A2, A3, A4, A5};

  private static final int FFLAGS = 0x001, FRM = 0x002, FCSR = 0x003;
  private static final int[] COUNTERS = {0xc00, 0xc01, 0xc02};

  /**
   * One generated instruction: its encoding and size; or, when branch is not NONE, a branch over
   * the next instruction (which of bxx, or of c.beqz and c.bnez), encoded once that one's size is
   * known.
   */
  private record Insn(int bits, int size, int branch) {
    static final int NONE = -1;
  }

  /**
   * A generated program loaded into a fresh hart: the size of each instruction by address, and the
   * instruction counts at which the test takes a page away.
   */
  private record Program(
      HartFixture fx, Map<Long, Integer> sizes, List<Long> revokeAt, List<Long> revokePage) {}

  /** What a run observed: every trap with the instruction count at it, and the final state. */
  private record Outcome(List<String> events, List<Long> state) {}

  private static final class Generator {
    final Random r;
    final Isa isa;

    Generator(Random r, Isa isa) {
      this.r = r;
      this.isa = isa;
    }

    int work() {
      return WORK[r.nextInt(WORK.length)];
    }

    int cwork() {
      return CWORK[r.nextInt(CWORK.length)];
    }

    int fr() {
      return r.nextInt(32);
    }

    /** An aligned data offset from s0 for an access of size bytes. */
    int offset(int size) {
      return (r.nextInt(DATA_BYTES) - 0x800) & -size;
    }

    Insn insn() {
      int pick = r.nextInt(100);
      if (isa.c() && pick < 25) {
        return compressed();
      }
      if (pick < 30) {
        return new Insn(0, 4, r.nextInt(6)); // bxx over the next instruction
      }
      if (pick < 45) {
        return word(aluRegister());
      }
      if (pick < 58) {
        return word(aluImmediate());
      }
      if (pick < 70) {
        return word(loadOrStore());
      }
      if (pick < 78) {
        return word(atomic());
      }
      if (pick < 92 && (isa.f() || isa.d())) {
        return word(floatingPoint());
      }
      if (pick < 97) {
        return word(csrAccess());
      }
      return word(
          switch (r.nextInt(5)) {
            case 0 -> FENCE_I;
            case 1 -> FENCE;
            case 2 -> EBREAK;
            case 3 -> ECALL;
            default -> 0; // illegal
          });
    }

    private static Insn word(int bits) {
      return new Insn(bits, 4, Insn.NONE);
    }

    private int aluRegister() {
      int[][] op = {{0, 0}, {0x20, 0}, {0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}, {0x20, 5}, {0, 6}};
      int[][] opw = {{0, 0}, {0x20, 0}, {0, 1}, {0, 5}, {0x20, 5}};
      boolean m = isa.m() && r.nextInt(3) == 0;
      if (r.nextBoolean()) {
        int[] p = op[r.nextInt(op.length)];
        return r(m ? 1 : p[0], work(), work(), m ? r.nextInt(8) : p[1], work(), 0x33);
      }
      int[] p = opw[r.nextInt(opw.length)];
      int[] mf3 = {0, 4, 5, 6, 7};
      return r(m ? 1 : p[0], work(), work(), m ? mf3[r.nextInt(5)] : p[1], work(), 0x3b);
    }

    private int aluImmediate() {
      int imm = r.nextInt(4096) - 2048;
      return switch (r.nextInt(14)) {
        case 0 -> addi(work(), work(), imm);
        case 1 -> slti(work(), work(), imm);
        case 2 -> sltiu(work(), work(), imm);
        case 3 -> xori(work(), work(), imm);
        case 4 -> ori(work(), work(), imm);
        case 5 -> andi(work(), work(), imm);
        case 6 -> slli(work(), work(), r.nextInt(64));
        case 7 -> srli(work(), work(), r.nextInt(64));
        case 8 -> srai(work(), work(), r.nextInt(64));
        case 9 -> addiw(work(), work(), imm);
        case 10 -> sraiw(work(), work(), r.nextInt(32));
        case 11 -> lui(work(), r.nextInt(1 << 20));
        case 12 -> auipc(work(), r.nextInt(1 << 20));
        default -> addi(work(), ZERO, imm);
      };
    }

    private int loadOrStore() {
      boolean fp = (isa.f() || isa.d()) && r.nextInt(4) == 0;
      if (fp) {
        boolean dbl = isa.d() && r.nextBoolean();
        int size = dbl ? 8 : 4;
        if (r.nextBoolean()) {
          return dbl ? fld(fr(), S0, offset(size)) : flw(fr(), S0, offset(size));
        }
        return dbl ? fsd(fr(), S0, offset(size)) : fsw(fr(), S0, offset(size));
      }
      return switch (r.nextInt(11)) {
        case 0 -> lb(work(), S0, offset(1));
        case 1 -> lbu(work(), S0, offset(1));
        case 2 -> lh(work(), S0, offset(2));
        case 3 -> lhu(work(), S0, offset(2));
        case 4 -> lw(work(), S0, offset(4));
        case 5 -> lwu(work(), S0, offset(4));
        case 6 -> ld(work(), S0, offset(8));
        case 7 -> sb(work(), S0, offset(1));
        case 8 -> sh(work(), S0, offset(2));
        case 9 -> sw(work(), S0, offset(4));
        default -> sd(work(), S0, offset(8));
      };
    }

    private int atomic() {
      int width = r.nextBoolean() ? 2 : 3;
      int[] f5 = {0b00000, 0b00001, 0b00100, 0b01100, 0b01000, 0b10000, 0b10100, 0b11000, 0b11100};
      return switch (r.nextInt(4)) {
        case 0 -> amo(0b00010, width, work(), S0, 0); // lr
        case 1 -> amo(0b00011, width, work(), S0, work()); // sc
        default -> amo(f5[r.nextInt(f5.length)], width, work(), S0, work());
      };
    }

    private int floatingPoint() {
      int fmt = isa.d() && (!isa.f() || r.nextBoolean()) ? 1 : 0;
      int[] rms = {RNE, RTZ, RDN, RUP, RMM, DYN, DYN};
      int rm = rms[r.nextInt(rms.length)];
      return switch (r.nextInt(12)) {
        case 0 -> fop(r.nextInt(4), fmt, fr(), fr(), fr(), rm); // add sub mul div
        case 1 -> fop(0b00100, fmt, fr(), fr(), fr(), r.nextInt(3)); // sgnj
        case 2 -> fop(0b00101, fmt, fr(), fr(), fr(), r.nextInt(2)); // min max
        case 3 -> fop(0b01011, fmt, fr(), fr(), 0, rm); // sqrt
        case 4 -> fop(0b10100, fmt, work(), fr(), fr(), r.nextInt(3)); // fle flt feq
        case 5 -> fop(0b11000, fmt, work(), fr(), r.nextInt(4), rm); // fcvt to integer
        case 6 -> fop(0b11010, fmt, fr(), work(), r.nextInt(4), rm); // fcvt from integer
        case 7 -> fop(0b11100, fmt, work(), fr(), 0, r.nextInt(2)); // fmv.x, fclass
        case 8 -> fop(0b11110, fmt, fr(), work(), 0, 0); // fmv from integer
        case 9 ->
            isa.f() && isa.d()
                ? fop(0b01000, fmt, fr(), fr(), 1 - fmt, rm) // fcvt.s.d, fcvt.d.s
                : fop(0, fmt, fr(), fr(), fr(), rm);
        default -> fma(0x43 + 4 * r.nextInt(4), fmt, fr(), fr(), fr(), fr(), rm);
      };
    }

    private int csrAccess() {
      if (!(isa.f() || isa.d()) || r.nextInt(3) == 0) {
        return csrrs(work(), COUNTERS[r.nextInt(COUNTERS.length)], ZERO);
      }
      int c = new int[] {FFLAGS, FRM, FCSR}[r.nextInt(3)];
      return switch (r.nextInt(5)) {
        case 0 -> csrrs(work(), c, ZERO);
        case 1 -> csrrwi(work(), FRM, r.nextInt(5));
        case 2 -> csrrci(work(), FFLAGS, r.nextInt(32));
        case 3 -> csrrsi(work(), FFLAGS, r.nextInt(32));
        default -> csrrw(work(), FFLAGS, work());
      };
    }

    private Insn compressed() {
      int half =
          switch (r.nextInt(14)) {
            case 0 -> cAddi(work(), nonZero6());
            case 1 -> cLi(work(), r.nextInt(64) - 32);
            case 2 -> cMv(work(), work());
            case 3 -> cAdd(work(), work());
            case 4 -> cSub(cwork(), cwork());
            case 5 -> cXor(cwork(), cwork());
            case 6 -> cAddw(cwork(), cwork());
            case 7 -> cSlli(work(), 1 + r.nextInt(63));
            case 8 -> cSrai(cwork(), 1 + r.nextInt(63));
            case 9 -> cAndi(cwork(), r.nextInt(64) - 32);
            case 10 -> cLd(cwork(), S0, 8 * r.nextInt(32));
            case 11 -> cSd(cwork(), S0, 8 * r.nextInt(32));
            case 12 -> isa.d() ? cFld(CWORK[r.nextInt(6)], S0, 8 * r.nextInt(32)) : cNop();
            default -> cLw(cwork(), S0, 4 * r.nextInt(32));
          };
      if (r.nextInt(8) == 0) {
        return new Insn(0, 2, r.nextBoolean() ? 0 : 1); // c.beqz / c.bnez over the next one
      }
      return new Insn(half, 2, Insn.NONE);
    }

    private int nonZero6() {
      int v = r.nextInt(63) - 31;
      return v == 0 ? 1 : v;
    }
  }

  /**
   * Builds the program of one seed:
   *
   * <pre>
   * CODE:  jal ra, f ; addi s1, s1, -1 ; bne s1, zero, CODE ; ecall
   * f:     random instructions, one ending at or straddling BOUNDARY ; ret
   * </pre>
   */
  private static Program build(long seed) {
    // spread the seed over all bits: Random's first draws barely differ for neighbouring seeds
    Random r = new Random(seed * 0x9e3779b97f4a7c15L);
    String isaName = ISAS[r.nextInt(ISAS.length)];
    Isa isa = Isa.parse(isaName);
    Generator g = new Generator(r, isa);
    List<Insn> body = new ArrayList<>();
    int n = 2 + r.nextInt(24);
    for (int i = 0; i < n; i++) {
      body.add(g.insn());
    }
    // a branch skips the instruction after it, so the last one must not be a branch
    body.add(new Insn(add(A3, A3, A0), 4, Insn.NONE));
    int pivot = r.nextInt(body.size());
    boolean straddle = isa.c() && body.get(pivot).size() == 4 && r.nextBoolean();
    long pivotAt = BOUNDARY - (straddle ? 2 : body.get(pivot).size());
    long f = pivotAt;
    for (int i = 0; i < pivot; i++) {
      f -= body.get(i).size();
    }
    HartFixture fx = new HartFixture(isaName);
    Map<Long, Integer> sizes = new HashMap<>();
    fx.asm(jal(RA, (int) (f - HartFixture.CODE)), addi(S1, S1, -1), bne(S1, ZERO, -8), ECALL);
    long a = f;
    for (int i = 0; i < body.size(); i++) {
      Insn in = body.get(i);
      int bits = in.bits();
      if (in.branch() != Insn.NONE) {
        int over = in.size() + body.get(i + 1).size();
        bits =
            in.size() == 2
                ? (in.branch() == 0 ? cBeqz(g.cwork(), over) : cBnez(g.cwork(), over))
                : b(over, g.work(), g.work(), new int[] {0, 1, 4, 5, 6, 7}[in.branch()]);
      }
      write(fx, a, bits, in.size());
      sizes.put(a, in.size());
      a += in.size();
    }
    write(fx, a, jalr(ZERO, RA, 0), 4);
    List<Long> revokeAt = new ArrayList<>();
    List<Long> revokePage = new ArrayList<>();
    int calls = 110 + r.nextInt(150);
    long roughLength = (long) calls * (body.size() + 4);
    for (int k = r.nextInt(4); k > 0; k--) {
      revokeAt.add(1 + (long) (r.nextDouble() * roughLength));
      revokePage.add(r.nextInt(4) == 0 ? BOUNDARY - 0x1000 : BOUNDARY);
    }
    revokeAt.sort(null);
    for (int i : WORK) {
      fx.set(
          i,
          switch (r.nextInt(4)) {
            case 0 -> r.nextLong();
            case 1 -> r.nextInt(64) - 32;
            case 2 -> r.nextInt();
            default -> Long.MIN_VALUE >> r.nextInt(64);
          });
    }
    fx.set(S0, DATA_BASE);
    fx.set(S1, calls);
    for (int i = 0; i < 32; i++) {
      fx.hart.setF(
          i,
          r.nextBoolean()
              ? Double.doubleToRawLongBits(r.nextGaussian() * 1e3)
              : 0xffffffff_00000000L | Float.floatToRawIntBits((float) r.nextGaussian()));
    }
    for (int i = 0; i < DATA_BYTES; i += 8) {
      fx.view.write64(DATA_BASE - 0x800 + i, r.nextLong());
    }
    return new Program(fx, sizes, revokeAt, revokePage);
  }

  /**
   * Runs the program to its final ecall, with budgets from chunks (null: as large as allowed),
   * taking pages away at the program's instruction counts and giving back a page the hart faults
   * on, as a kernel would; any other trap is stepped over.
   */
  private static Outcome drive(Program p, int threshold, Random chunks) {
    HartFixture fx = p.fx();
    Hart h = fx.hart;
    h.setBlockThreshold(threshold);
    List<String> events = new ArrayList<>();
    int revoked = 0;
    for (int guard = 0; guard < 1_000_000; guard++) {
      long want = chunks == null ? 1L << 40 : 1 + chunks.nextInt(chunks.nextBoolean() ? 6 : 60);
      if (revoked < p.revokeAt().size()) {
        long until = p.revokeAt().get(revoked) - h.instret();
        if (until <= 0) {
          fx.protect(p.revokePage().get(revoked), 0);
          events.add("revoke " + revoked + " at " + h.instret());
          revoked++;
          continue;
        }
        want = Math.min(want, until);
      }
      long before = h.instret();
      Hart.Stop stop = h.run(want);
      if (stop == Hart.Stop.BUDGET) {
        assertEquals(before + want, h.instret(), "a budget stop retires exactly the budget");
        continue;
      }
      assertEquals(Hart.Stop.TRAP, stop);
      Trap t = h.trap();
      events.add(t + " at " + h.instret());
      assertEquals(t.pc(), h.pc(), "pc stays at the trapping instruction");
      if (t.equals(new Trap(TrapCause.ECALL_FROM_U, HartFixture.CODE + 12, 0))) {
        assertNull(h.blockCompilerFailure(), "the block compiler failed");
        List<Long> state = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
          state.add(h.x(i));
          state.add(h.f(i));
        }
        state.add((long) h.fcsr());
        state.add(h.instret());
        for (int i = 0; i < DATA_BYTES; i += 8) {
          state.add(fx.view.read64(DATA_BASE - 0x800 + i));
        }
        return new Outcome(events, state);
      }
      if (t.cause() == TrapCause.INSTRUCTION_PAGE_FAULT) {
        fx.protect(t.tval(), HartFixture.RWX);
        continue;
      }
      Integer size = p.sizes().get(t.pc());
      if (size == null) {
        throw new AssertionError("trap outside the generated code: " + t);
      }
      h.setPc(t.pc() + size);
    }
    throw new AssertionError("the program did not finish: " + events.size() + " events");
  }

  @Test
  void codeAtPageEndsRunsCompiledExactlyAsInterpreted() {
    int[] thresholds = {1, 2, 3, 100};
    for (int i = 0; i < ITERATIONS; i++) {
      long seed = SEED + i;
      try {
        Outcome expected = drive(build(seed), Integer.MAX_VALUE, null);
        int threshold = thresholds[(int) Long.remainderUnsigned(seed, thresholds.length)];
        Outcome whole = drive(build(seed), threshold, null);
        assertEquals(expected.events(), whole.events(), "traps, compiled");
        assertEquals(expected.state(), whole.state(), "state, compiled");
        Outcome pieces = drive(build(seed), threshold, new Random(seed));
        assertEquals(expected.events(), pieces.events(), "traps, compiled, budget split");
        assertEquals(expected.state(), pieces.state(), "state, compiled, budget split");
      } catch (Throwable e) {
        throw new AssertionError(
            "page-end fuzz failed with " + HartFuzzTest.rerun(seed) + ": " + e, e);
      }
    }
  }

  private static void write(HartFixture fx, long at, int bits, int size) {
    fx.view.write16(at, (short) bits);
    if (size == 4) {
      fx.view.write16(at + 2, (short) (bits >>> 16));
    }
  }
}
