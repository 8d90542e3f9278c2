package dev.popcornj.machine.hart;

import static dev.popcornj.machine.hart.Asm.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Instructions at the end of a page, called often enough that blocks get compiled: one whose last
 * byte is the page's last byte, one that straddles into the next page, and one just before a
 * straddling instruction, for every kind of instruction the execute loop hands to its slow paths
 * (M, F/D, A, Zicsr, fence.i). Compiled runs, with the budget split in any way, must end in the
 * same state as the interpreter; a straddling instruction whose second page is gone must fault at
 * its second half.
 */
class HartPageEndTest {
  /** The page boundary the code under test ends at or straddles. */
  private static final long BOUNDARY = HartFixture.CODE + 0x2000;

  /** Calls of the code at the page end: more than the default hot threshold. */
  private static final int CALLS = 300;

  private static final int DBL = 1;
  private static final int FFLAGS = 0x001, FRM = 0x002, CYCLE = 0xc00, INSTRET = 0xc02;

  /** Where the instruction under test starts, relative to the boundary. */
  private enum Placement {
    /** Its last byte is the last byte of the page. */
    ENDS_AT_PAGE_END(-4),
    /** Two bytes on this page, two on the next. */
    STRADDLES(-2),
    /** It ends two bytes before the page end, where a 4-byte instruction straddles. */
    BEFORE_A_STRADDLE(-6);

    final int offset;

    Placement(int offset) {
      this.offset = offset;
    }
  }

  private record Target(String name, int insn) {}

  /** Instructions the execute loop runs outside its inline cases; rd is a0 where it has one. */
  private static final List<Target> TARGETS =
      List.of(
          new Target("div", m(4, A0, A4, A1)),
          new Target("remu", m(7, A0, A4, A1)),
          new Target("divw", mw(4, A0, A4, A1)),
          new Target("remuw", mw(7, A0, A4, A1)),
          new Target("mulh", m(1, A0, A4, A4)),
          new Target("fadd.d", fop(0, DBL, 2, 2, 1, DYN)),
          new Target("fdiv.d", fop(3, DBL, 3, 1, 2, RNE)),
          new Target("fmadd.d", fma(0x43, DBL, 3, 2, 1, 3, DYN)),
          new Target("fmv.x.d", fop(0b11100, DBL, A0, 2, 0, 0)),
          new Target("fmv.d.x", fop(0b11110, DBL, 4, A4, 0, 0)),
          new Target("fcvt.l.d", fop(0b11000, DBL, A0, 2, 2, RTZ)),
          new Target("fcvt.d.l", fop(0b11010, DBL, 5, A4, 2, RNE)),
          new Target("fsqrt.d", fop(0b01011, DBL, 6, 2, 0, DYN)),
          new Target("lr.d", lrD(A0, A2)),
          new Target("sc.d", scD(A0, A2, A4)),
          new Target("amoadd.d", amo(0b00000, 3, A0, A2, A4)),
          new Target("amoswap.w", amo(0b00001, 2, A0, A2, A4)),
          new Target("csrrs fflags", csrrs(A0, FFLAGS, ZERO)),
          new Target("csrrwi frm", csrrwi(A0, FRM, 1)),
          new Target("rdinstret", csrrs(A0, INSTRET, ZERO)),
          new Target("rdcycle", csrrs(A0, CYCLE, ZERO)),
          new Target("fence.i", FENCE_I),
          new Target("add", add(A0, A4, A1)));

  /**
   * A loop at CODE that calls, CALLS times, a function whose instruction under test sits at the
   * given place before BOUNDARY:
   *
   * <pre>
   * CODE:  jal ra, f ; addi s1, s1, -1 ; bne s1, zero, CODE ; ecall
   * f:     lr.d t0, (a2) ; addi a4, a4, 3 ; xor a5, a5, a4 ; [target] ; add a3, a3, a0 ; ret
   * </pre>
   */
  private static HartFixture program(String isa, Target target, Placement placement) {
    HartFixture fx = new HartFixture(isa);
    long at = BOUNDARY + placement.offset;
    int[] prefix = {lrD(T0, A2), addi(A4, A4, 3), xor(A5, A5, A4)};
    long f = at - 4L * prefix.length;
    fx.asm(jal(RA, (int) (f - HartFixture.CODE)), addi(S1, S1, -1), bne(S1, ZERO, -8), ECALL);
    long a = f;
    for (int insn : prefix) {
      a = halves(fx, a, insn);
    }
    a = halves(fx, a, target.insn());
    a = halves(fx, a, add(A3, A3, A0));
    halves(fx, a, jalr(ZERO, RA, 0));
    fx.set(S1, CALLS);
    fx.set(A0, 0x1234_5678_9abcL);
    fx.set(A1, 7);
    fx.set(A2, HartFixture.DATA);
    fx.set(A4, 1_000_000_007L);
    fx.view.write64(HartFixture.DATA, 0x0102_0304_0506_0708L);
    fx.hart.setF(1, Double.doubleToRawLongBits(1.25));
    fx.hart.setF(2, Double.doubleToRawLongBits(3.0));
    fx.hart.setF(3, Double.doubleToRawLongBits(0.1));
    return fx;
  }

  /** Writes a 4-byte instruction as two halfwords, so that it may straddle pages; the next pc. */
  private static long halves(HartFixture fx, long at, int insn) {
    fx.view.write16(at, (short) insn);
    fx.view.write16(at + 2, (short) (insn >>> 16));
    return at + 4;
  }

  /** Registers, fcsr, pc, instret and the data word after running to the final ecall. */
  private static List<Long> finish(HartFixture fx, int threshold, Random budgets) {
    Hart h = fx.hart;
    h.setBlockThreshold(threshold);
    for (int guard = 0; guard < 1_000_000; guard++) {
      long want =
          budgets == null ? 10_000_000 : 1 + budgets.nextInt(budgets.nextBoolean() ? 5 : 70);
      long before = h.instret();
      Hart.Stop stop = h.run(want);
      if (stop == Hart.Stop.BUDGET) {
        assertEquals(before + want, h.instret(), "a budget stop retires exactly the budget");
        continue;
      }
      assertEquals(Hart.Stop.TRAP, stop);
      assertEquals(
          new Trap(TrapCause.ECALL_FROM_U, HartFixture.CODE + 12, 0), h.trap(), "only the ecall");
      assertNull(h.blockCompilerFailure(), "the block compiler failed");
      return state(fx);
    }
    throw new AssertionError("the program did not finish");
  }

  private static List<Long> state(HartFixture fx) {
    Hart h = fx.hart;
    List<Long> s = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      s.add(h.x(i));
      s.add(h.f(i));
    }
    s.add((long) h.fcsr());
    s.add(h.pc());
    s.add(h.instret());
    s.add(fx.view.read64(HartFixture.DATA));
    return s;
  }

  private static void compiledMatchesInterpreted(String isa, Placement placement) {
    for (Target target : TARGETS) {
      String what = target.name() + " " + placement + " on " + isa;
      List<Long> expected = finish(program(isa, target, placement), Integer.MAX_VALUE, null);
      assertEquals(
          0,
          expected.get(2 * S1),
          what + ": the loop must have run to its end under the interpreter");
      assertEquals(
          expected,
          finish(program(isa, target, placement), Integer.MAX_VALUE, new Random(7)),
          what + ": interpreted, budget split");
      for (int threshold : new int[] {1, 2, 100}) {
        assertEquals(
            expected,
            finish(program(isa, target, placement), threshold, null),
            what + ": compiled at " + threshold + " hits");
        assertEquals(
            expected,
            finish(program(isa, target, placement), threshold, new Random(threshold)),
            what + ": compiled at " + threshold + " hits, budget split");
      }
    }
  }

  @Test
  void instructionsEndingAtThePageEndRunAsInterpreted() {
    compiledMatchesInterpreted("rv64gc", Placement.ENDS_AT_PAGE_END);
    compiledMatchesInterpreted("rv64imafd", Placement.ENDS_AT_PAGE_END);
  }

  @Test
  void instructionsStraddlingTwoPagesRunAsInterpreted() {
    compiledMatchesInterpreted("rv64gc", Placement.STRADDLES);
  }

  @Test
  void instructionsBeforeAStraddlingOneRunAsInterpreted() {
    compiledMatchesInterpreted("rv64gc", Placement.BEFORE_A_STRADDLE);
  }

  /**
   * Once the code is hot, the page after the boundary goes away: a straddling instruction faults at
   * its own pc with the address of its second half, and has no effect; an instruction that ends at
   * the page end completes and the next fetch faults at the boundary.
   */
  @Test
  void hotCodeFaultsWhereTheNextPageIsGone() {
    for (Placement placement : new Placement[] {Placement.ENDS_AT_PAGE_END, Placement.STRADDLES}) {
      for (int threshold : new int[] {Integer.MAX_VALUE, 1, 100}) {
        for (String name : new String[] {"div", "amoadd.d", "add"}) {
          Target target = TARGETS.stream().filter(t -> t.name().equals(name)).findFirst().get();
          String what = name + " " + placement + " at " + threshold + " hits";
          HartFixture fx = program("rv64gc", target, placement);
          finish(fx, threshold, null);
          fx.protect(BOUNDARY, 0);
          fx.hart.setPc(HartFixture.CODE);
          fx.set(S1, 1);
          long a0 = fx.x(A0);
          long a3 = fx.x(A3);
          long data = fx.view.read64(HartFixture.DATA);
          long instret = fx.hart.instret();
          Trap t = fx.run();
          long at = BOUNDARY + placement.offset;
          if (placement == Placement.STRADDLES) {
            assertEquals(new Trap(TrapCause.INSTRUCTION_PAGE_FAULT, at, BOUNDARY), t, what);
            assertEquals(a0, fx.x(A0), what + ": the faulting instruction wrote a0");
            assertEquals(data, fx.view.read64(HartFixture.DATA), what + ": it wrote memory");
            assertEquals(instret + 4, fx.hart.instret(), what + ": retired before the fault");
          } else {
            assertEquals(new Trap(TrapCause.INSTRUCTION_PAGE_FAULT, BOUNDARY, BOUNDARY), t, what);
            assertEquals(a3, fx.x(A3), what + ": ran past the end of the page");
            assertEquals(instret + 5, fx.hart.instret(), what + ": retired before the fault");
          }
          assertEquals(t.pc(), fx.hart.pc(), what);
          assertNull(fx.hart.blockCompilerFailure(), what + ": the block compiler failed");
        }
      }
    }
  }

  /**
   * A run whose budget ends exactly where the next instruction is on another page returns BUDGET
   * without fetching it, as it does within a page, whether it got there by running off the page's
   * end or by a jump, interpreted or compiled; the fetch fault belongs to the run that would
   * execute the instruction.
   */
  @Test
  void aRunWhoseBudgetEndsAtAPageCrossingDoesNotFetchPastIt() {
    for (int threshold : new int[] {Integer.MAX_VALUE, 1}) {
      for (boolean jump : new boolean[] {false, true}) {
        String what = (jump ? "jump" : "fall through") + " at " + threshold + " hits";
        HartFixture fx = new HartFixture();
        fx.hart.setBlockThreshold(threshold);
        long start = BOUNDARY - 8;
        long target = jump ? BOUNDARY + 0x1000 : BOUNDARY;
        fx.at(start).asm(addi(A0, A0, 1), jump ? jal(ZERO, 0x1000 + 4) : addi(A0, A0, 1));
        fx.protect(target, 0);
        fx.hart.setPc(start);
        assertEquals(Hart.Stop.BUDGET, fx.hart.run(2), what);
        assertEquals(target, fx.hart.pc(), what);
        assertEquals(2, fx.hart.instret(), what);
        assertEquals(Hart.Stop.TRAP, fx.hart.run(5), what);
        assertEquals(new Trap(TrapCause.INSTRUCTION_PAGE_FAULT, target, target), fx.hart.trap());
        assertEquals(2, fx.hart.instret(), what);
      }
    }
  }
}
