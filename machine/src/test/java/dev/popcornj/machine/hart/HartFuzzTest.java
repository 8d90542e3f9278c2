package dev.popcornj.machine.hart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Random instruction words in memory: every one executes or traps, never throws out of run(); and
 * the outcome does not depend on how the instruction budget is split between calls.
 *
 * <p>Bounded by a count of programs. {@code -Dpopcornj.hart.fuzz.seed=HEX} chooses the first seed
 * and {@code -Dpopcornj.hart.fuzz.iterations=N} how many programs each test runs; a failure names
 * the seed that reproduces it with one iteration. {@link HartPageEndFuzzTest} places its code at
 * page ends on purpose.
 */
class HartFuzzTest {
  private static final long SEED =
      Long.parseUnsignedLong(System.getProperty("popcornj.hart.fuzz.seed", "5eedc0de2026"), 16);
  private static final Integer ITERATIONS = Integer.getInteger("popcornj.hart.fuzz.iterations");
  private static final String[] ISAS = {"rv64gc", "rv64imac", "rv64i", "rv64imafd", "rv64ic"};
  private static final long TOTAL = 3000;

  /** Every major opcode RV64GC defines, so that most random words decode to something. */
  private static final int[] OPCODES = {
    0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x27, 0x2f, 0x33, 0x37, 0x3b, 0x43, 0x47, 0x4b, 0x4f,
    0x53, 0x63, 0x67, 0x6f, 0x73, 0x13, 0x33, 0x3b, 0x1b, 0x53
  };

  private static final int MAX_TRAPS = 40;

  /** What a run observed: every trap in order and the final state. */
  private record Outcome(List<Trap> traps, long[] x, long[] f, long pc, long instret, int fcsr) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Outcome b
          && traps.equals(b.traps)
          && Arrays.equals(x, b.x)
          && Arrays.equals(f, b.f)
          && pc == b.pc
          && instret == b.instret
          && fcsr == b.fcsr;
    }

    @Override
    public int hashCode() {
      return traps.hashCode();
    }
  }

  private static HartFixture program(long seed) {
    Random r = new Random(seed);
    HartFixture fx = new HartFixture(ISAS[r.nextInt(ISAS.length)]);
    int mode = r.nextInt(3);
    for (long a = HartFixture.CODE; a < HartFixture.CODE + 0x2000; a += 4) {
      int w = r.nextInt();
      switch (mode) {
        case 0 -> fx.view.write32(a, w);
        case 1 -> fx.view.write32(a, (w & ~0x7f) | OPCODES[r.nextInt(OPCODES.length)]);
        default -> fx.view.write32(a, (w & ~0x00030000) | 0x00010000); // compressed halves
      }
    }
    for (int i = 1; i < 32; i++) {
      long v =
          switch (r.nextInt(4)) {
            case 0 -> r.nextLong();
            case 1 -> r.nextInt(64) - 32;
            case 2 -> HartFixture.DATA + r.nextInt(0x3000);
            default -> HartFixture.CODE + r.nextInt(0x2000);
          };
      fx.set(i, v);
      fx.hart.setF(i, r.nextLong());
    }
    if (r.nextBoolean()) {
      fx.protect(HartFixture.CODE + 0x1000, HartFixture.R | HartFixture.X);
    }
    fx.hart.setPc(HartFixture.CODE + 2L * r.nextInt(0x800) & ~(fx.hart.isa().c() ? 1L : 3L));
    return fx;
  }

  /** Runs the program until TOTAL instructions or MAX_TRAPS traps, stepping over each trap. */
  private static Outcome drive(HartFixture fx, LongUnaryOperator budget) {
    Hart h = fx.hart;
    List<Trap> traps = new ArrayList<>();
    while (h.instret() < TOTAL && traps.size() < MAX_TRAPS) {
      long want = Math.min(budget.applyAsLong(h.instret()), TOTAL - h.instret());
      long before = h.instret();
      Hart.Stop stop = h.run(want);
      if (stop == Hart.Stop.BUDGET) {
        assertEquals(before + want, h.instret(), "budget stop must retire exactly the budget");
        continue;
      }
      assertEquals(Hart.Stop.TRAP, stop);
      Trap t = h.trap();
      traps.add(t);
      assertEquals(t.pc(), h.pc(), "pc must stay at the trapping instruction");
      long next = t.pc() + (fx.hart.isa().c() ? 2 : 4);
      if (t.cause() == TrapCause.INSTRUCTION_PAGE_FAULT
          || t.cause() == TrapCause.INSTRUCTION_ACCESS_FAULT
          || t.cause() == TrapCause.INSTRUCTION_MISALIGNED
          || next >= HartFixture.CODE + 0x2000
          || next < HartFixture.CODE) {
        next = HartFixture.CODE + (traps.size() * 36L % 0x2000);
      }
      h.setPc(next);
    }
    long[] x = new long[32];
    long[] f = new long[32];
    for (int i = 0; i < 32; i++) {
      x[i] = h.x(i);
      f[i] = h.f(i);
    }
    return new Outcome(traps, x, f, h.pc(), h.instret(), h.fcsr());
  }

  @Test
  void compiledBlocksBehaveExactlyAsTheInterpreter() {
    for (int i = 0; i < (ITERATIONS == null ? 200 : ITERATIONS); i++) {
      long seed = SEED + i;
      try {
        Random chunks = new Random(seed);
        HartFixture interpreted = program(seed);
        interpreted.hart.setBlockThreshold(Integer.MAX_VALUE);
        Outcome expected = drive(interpreted, done -> TOTAL);
        HartFixture compiled = program(seed);
        compiled.hart.setBlockThreshold(1 + (int) (seed % 2));
        Outcome actual = drive(compiled, done -> 1 + chunks.nextInt(40));
        assertEquals(expected, actual, "compiled blocks changed the outcome");
        assertEquals(null, compiled.hart.blockCompilerFailure(), "the block compiler failed");
      } catch (Throwable e) {
        throw new AssertionError("block fuzz failed with " + rerun(seed) + ": " + e, e);
      }
    }
  }

  @Test
  void randomWordsExecuteOrTrapAndBudgetSplittingDoesNotMatter() {
    for (int i = 0; i < (ITERATIONS == null ? 300 : ITERATIONS); i++) {
      long seed = SEED + i;
      try {
        Outcome whole = drive(program(seed), done -> TOTAL);
        Random chunks = new Random(seed);
        Outcome pieces = drive(program(seed), done -> 1 + chunks.nextInt(7));
        assertEquals(whole, pieces, "budget split changed the outcome");
      } catch (Throwable e) {
        throw new AssertionError("hart fuzz failed with " + rerun(seed) + ": " + e, e);
      }
    }
  }

  /** The seed, and how to run it alone. */
  static String rerun(long seed) {
    String hex = Long.toHexString(seed);
    return "seed "
        + hex
        + " (rerun with -Dpopcornj.hart.fuzz.seed="
        + hex
        + " -Dpopcornj.hart.fuzz.iterations=1)";
  }
}
