package dev.popcornj.machine.hart;

import static dev.popcornj.machine.hart.Asm.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Compiled blocks against the interpreter on loops: side exits, blocks that loop back to their
 * start, page faults and stop requests inside them, and every way of splitting the budget give the
 * same registers, the same traps at the same instruction counts and the same pc.
 */
class HartBlockTest {
  private static final int DBL = 1;
  private static final int ROUNDS = 1200;

  /** One event of a drive: a trap or a stop request, with where and when it happened. */
  private record Event(String what, long pc, long instret) {}

  private record Outcome(List<Event> events, List<Long> state) {}

  private static void same(Outcome expected, Outcome actual, String what) {
    assertEquals(expected.events(), actual.events(), what);
    assertTrue(expected.state().equals(actual.state()), what + ": registers or memory differ");
  }

  /**
   * A loop over an array that reads, writes, divides and does double arithmetic on one path of a
   * branch; the array runs across pages that the test takes permissions away from.
   */
  private static HartFixture program(boolean tight) {
    HartFixture fx = new HartFixture();
    if (tight) {
      return tightLoop(fx);
    }
    fx.asm(
        ld(T1, A0, 0),
        add(A3, A3, T1),
        xor(T2, A3, A1),
        sd(T2, A0, 0),
        m(5, T3, A3, A1), // divu
        m(7, T4, A3, A1), // remu
        add(A3, A3, T3),
        xor(A3, A3, T4),
        andi(T5, A3, 1),
        beq(T5, ZERO, 12),
        fop(0, DBL, 2, 2, 1, DYN), // fadd.d f2, f2, f1
        fma(0x43, DBL, 3, 2, 1, 3, DYN), // fmadd.d f3, f2, f1, f3
        addi(A0, A0, 8),
        addi(A1, A1, -1),
        bne(A1, ZERO, -14 * 4));
    return withArray(fx);
  }

  /**
   * A loop of the atomics and FP CSR accesses that blocks run through the loop's handlers: an LR/SC
   * pair, an AMO, a rounding-mode switch before a double add that uses it, and a read of the
   * accrued flags, over the same array with the same page faults.
   */
  private static HartFixture atomicProgram() {
    HartFixture fx = new HartFixture();
    fx.asm(
        lrD(T1, A0),
        add(T1, T1, A1),
        scD(T2, A0, T1),
        amo(0b00000, 3, T3, A0, A1), // amoadd.d
        csrrw(T4, 0x002, A2), // frm
        fop(0, DBL, 2, 2, 1, DYN), // fadd.d f2, f2, f1
        csrrs(T5, 0x001, ZERO), // fflags
        add(A3, A3, T5),
        xor(A3, A3, T3),
        add(A3, A3, T2),
        add(A3, A3, T4),
        addi(A2, A2, 1),
        andi(A2, A2, 3),
        addi(A0, A0, 8),
        addi(A1, A1, -1),
        bne(A1, ZERO, -15 * 4));
    fx.hart.setF(2, Double.doubleToRawLongBits(1.0 / 3));
    return withArray(fx);
  }

  /**
   * A loop whose blocks follow plain jumps (over an else branch, back to the loop's start) and call
   * a function further on the page, which returns by jalr; over the same array and faults.
   */
  private static HartFixture jumpingProgram() {
    HartFixture fx = new HartFixture();
    fx.asm(
        ld(T1, A0, 0),
        andi(T5, T1, 1),
        beq(T5, ZERO, 12),
        addi(A3, A3, 3),
        jal(ZERO, 8), // over the else branch
        addi(A3, A3, 5),
        jal(RA, 0x80 - 24), // the function below
        sd(A3, A0, 0),
        addi(A0, A0, 8),
        addi(A1, A1, -1),
        beq(A1, ZERO, 8), // out of the loop, to the ecall
        jal(ZERO, -44)); // back to the start
    withArray(fx);
    fx.at(HartFixture.CODE + 0x80).asm(xor(A3, A3, T1), add(A3, A3, A1), jalr(ZERO, RA, 0));
    return fx;
  }

  /**
   * One block that branches inside itself: an inner loop back to its second instruction, a branch
   * forward over an instruction, and the outer loop's branch back to the block's start with more
   * code after it; over the same array and faults.
   */
  private static HartFixture branchingInsideProgram() {
    HartFixture fx = new HartFixture();
    fx.asm(
        addi(A2, ZERO, 3),
        ld(T1, A0, 0), // the inner loop's start
        add(A3, A3, T1),
        addi(A2, A2, -1),
        bne(A2, ZERO, -12), // back to the ld
        andi(T5, A3, 1),
        beq(T5, ZERO, 8), // over the xor
        xor(A3, A3, A1),
        sd(A3, A0, 0),
        addi(A0, A0, 8),
        addi(A1, A1, -1),
        bne(A1, ZERO, -44), // back to the block's start
        addi(A4, A3, 1)); // code after the loop, in the same block
    return withArray(fx);
  }

  private static HartFixture tightLoop(HartFixture fx) {
    // a block that loops back to itself with nothing to leave it early
    fx.asm(addi(A1, A1, -1), add(A3, A3, A1), xor(A4, A4, A3), bne(A1, ZERO, -12), ECALL);
    fx.set(A1, 5000);
    return fx;
  }

  /** Ends the program and gives it the array that the test's pages cut across. */
  private static HartFixture withArray(HartFixture fx) {
    fx.asm(ECALL);
    fx.set(A0, HartFixture.DATA);
    fx.set(A1, ROUNDS);
    for (int i = 0; i < ROUNDS; i++) {
      fx.view.write64(HartFixture.DATA + 8L * i, 0x9e3779b97f4a7c15L * (i + 1));
    }
    fx.hart.setF(1, Double.doubleToRawLongBits(1.25));
    fx.hart.setF(3, Double.doubleToRawLongBits(0.1));
    // a page that is read-only, then one without any permission, in the array's way
    fx.protect(HartFixture.DATA + 0x1000, HartFixture.R);
    fx.protect(HartFixture.DATA + 0x2000, 0);
    return fx;
  }

  private static Outcome drive(HartFixture fx, int threshold, Random budgets, int stopAt) {
    Hart h = fx.hart;
    h.setBlockThreshold(threshold);
    int[] reads = {0};
    h.bind(
        (va, access) -> {
          if (access == AddressTranslator.READ && ++reads[0] == stopAt) {
            h.requestStop();
          }
          return fx.translate(va, access);
        },
        fx.view);
    List<Event> events = new ArrayList<>();
    for (int guard = 0; guard < 10_000; guard++) {
      long want = budgets == null ? 100_000 : 1 + budgets.nextInt(budgets.nextBoolean() ? 8 : 90);
      long before = h.instret();
      Hart.Stop stop = h.run(want);
      assertTrue(h.instret() - before <= want, "a run went past its budget");
      if (stop == Hart.Stop.BUDGET) {
        assertEquals(before + want, h.instret());
        continue;
      }
      if (stop == Hart.Stop.REQUESTED) {
        events.add(new Event("stop", h.pc(), h.instret()));
        continue;
      }
      Trap t = h.trap();
      events.add(new Event(t.toString(), h.pc(), h.instret()));
      if (t.cause() == TrapCause.ECALL_FROM_U) {
        assertEquals(null, h.blockCompilerFailure(), "the block compiler failed");
        List<Long> state = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
          state.add(h.x(i));
          state.add(h.f(i));
        }
        state.add((long) h.fcsr());
        for (int i = 0; i < ROUNDS; i++) {
          state.add(fx.view.read64(HartFixture.DATA + 8L * i));
        }
        return new Outcome(events, state);
      }
      // as a kernel would: grant the page and retry the instruction
      fx.protect(t.tval(), HartFixture.RWX);
    }
    throw new AssertionError("program did not finish");
  }

  @Test
  void compiledLoopsMatchTheInterpreterHoweverTheBudgetIsSplit() {
    for (int seed = 0; seed < 16; seed++) {
      boolean tight = seed % 4 == 3;
      matchesTheInterpreter(() -> program(tight), seed, seed % 3 == 0 ? 0 : 3 + seed * 7, !tight);
    }
  }

  @Test
  void compiledAtomicsAndFpCsrsMatchTheInterpreter() {
    // the loop reads few pages, so stops come from its first read translations
    for (int seed = 0; seed < 12; seed++) {
      matchesTheInterpreter(HartBlockTest::atomicProgram, seed, seed % 6, true);
    }
  }

  /**
   * The block at the loop's start runs through the jump over the else branch and ends at the call,
   * which it does not follow; the block after the call follows the jump back to the loop's start
   * and on through the loop to the call again.
   */
  @Test
  void aBlockFollowsPlainJumpsOnItsPageButNotCalls() {
    HartFixture fx = jumpingProgram();
    byte[] frame = fx.view.frameForRead(HartFixture.CODE);
    CompiledBlock b =
        fx.hart
            .compiler()
            .compile(new DecodedPage(1, frame), (int) (HartFixture.CODE & 0xfff) >>> 1);
    // ld, andi, beq, addi, j, then the call
    assertEquals(6, b.length);
    CompiledBlock tail =
        fx.hart
            .compiler()
            .compile(new DecodedPage(2, frame), (int) ((HartFixture.CODE + 28) & 0xfff) >>> 1);
    // sd, addi, addi, beq, j, then from the start ld, andi, beq, addi, j and the call
    assertEquals(11, tail.length);
  }

  @Test
  void blocksThatFollowJumpsMatchTheInterpreter() {
    for (int seed = 0; seed < 12; seed++) {
      matchesTheInterpreter(
          HartBlockTest::jumpingProgram, seed, seed % 2 == 0 ? 0 : 5 + seed, true);
    }
  }

  @Test
  void blocksThatBranchInsideThemselvesMatchTheInterpreter() {
    HartFixture fx = branchingInsideProgram();
    CompiledBlock b =
        fx.hart
            .compiler()
            .compile(
                new DecodedPage(1, fx.view.frameForRead(HartFixture.CODE)),
                (int) (HartFixture.CODE & 0xfff) >>> 1);
    assertEquals(13, b.length, "the whole loop and the code after it are one block");
    for (int seed = 0; seed < 12; seed++) {
      matchesTheInterpreter(
          HartBlockTest::branchingInsideProgram, seed, seed % 3 == 0 ? 0 : 2 + seed * 5, true);
    }
  }

  private static void matchesTheInterpreter(
      java.util.function.Supplier<HartFixture> program, int seed, int stopAt, boolean faults) {
    Outcome expected = drive(program.get(), Integer.MAX_VALUE, null, stopAt);
    assertTrue(!faults || expected.events().size() >= 3, "must fault: " + expected.events());
    for (int threshold : new int[] {1, 2, 50}) {
      Outcome interpretedInPieces =
          drive(program.get(), Integer.MAX_VALUE, new Random(seed), stopAt);
      same(expected, interpretedInPieces, "interpreter, split budget, seed " + seed);
      Outcome whole = drive(program.get(), threshold, null, stopAt);
      same(expected, whole, "compiled, threshold " + threshold + ", seed " + seed);
      Outcome pieces = drive(program.get(), threshold, new Random(seed), stopAt);
      same(expected, pieces, "compiled, split budget, threshold " + threshold + ", seed " + seed);
    }
  }

  /**
   * A slot where no block can start (here a CSR access at a loop head) is skipped however large the
   * budget, also one beyond the int range that a call of one block is given at most.
   */
  @Test
  void aBudgetBeyondTheIntRangeNeverRunsTheNoBlockSentinel() {
    for (long budget : new long[] {Integer.MAX_VALUE, 1L << 31, Long.MAX_VALUE}) {
      HartFixture fx = new HartFixture();
      fx.hart.setBlockThreshold(1);
      fx.asm(csrrs(A0, 0xc02, ZERO), addi(A1, A1, -1), bne(A1, ZERO, -8), ECALL); // rdinstret
      fx.set(A1, 300);
      assertEquals(Hart.Stop.TRAP, fx.hart.run(budget));
      assertEquals(new Trap(TrapCause.ECALL_FROM_U, HartFixture.CODE + 12, 0), fx.hart.trap());
      assertEquals(3 * 299, fx.x(A0), "rdinstret in the last round");
      assertEquals(900, fx.hart.instret());
      assertEquals(null, fx.hart.blockCompilerFailure());
    }
  }

  /** Blocks depend only on their decoded code: the same code in another frame shares the class. */
  @Test
  void theSameCodeInAnotherFrameReusesItsBlock() {
    HartFixture fx = program(true);
    byte[] frame = fx.view.frameForRead(HartFixture.CODE).clone();
    BlockCompiler compiler = fx.hart.compiler();
    CompiledBlock first =
        compiler.compile(new DecodedPage(1, frame.clone()), (int) (HartFixture.CODE & 0xfff) >>> 1);
    CompiledBlock again =
        compiler.compile(new DecodedPage(2, frame.clone()), (int) (HartFixture.CODE & 0xfff) >>> 1);
    org.junit.jupiter.api.Assertions.assertNotSame(compiler.none, first);
    org.junit.jupiter.api.Assertions.assertSame(first, again);
    byte[] other = frame.clone();
    other[(int) (HartFixture.CODE & 0xfff) + 1] ^= 0x08; // another destination register
    CompiledBlock changed =
        compiler.compile(new DecodedPage(3, other), (int) (HartFixture.CODE & 0xfff) >>> 1);
    org.junit.jupiter.api.Assertions.assertNotSame(first, changed);
  }
}
