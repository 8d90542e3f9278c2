package dev.popcornj.machine.hart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The execute loop's branch-free conditions against Java's own comparisons, on edge values. */
class HartConditionTest {
  private static final long[] VALUES = {
    0,
    1,
    -1,
    2,
    -2,
    Long.MIN_VALUE,
    Long.MAX_VALUE,
    Long.MIN_VALUE + 1,
    Long.MAX_VALUE - 1,
    0x8000_0000L,
    0xffff_ffffL,
    -0x8000_0000L,
    0x1234_5678_9abc_def0L
  };

  @Test
  void equalMatchesEquality() {
    for (long a : VALUES) {
      for (long b : VALUES) {
        assertEquals(a == b ? 1 : 0, Hart.equal(a, b), a + " == " + b);
      }
    }
  }

  @Test
  void branchTakenMatchesEveryConditionalBranch() {
    for (long a : VALUES) {
      for (long b : VALUES) {
        String of = " of " + a + ", " + b;
        assertEquals(a == b ? 1 : 0, Hart.branchTaken(Op.BEQ, a, b), "beq" + of);
        assertEquals(a != b ? 1 : 0, Hart.branchTaken(Op.BNE, a, b), "bne" + of);
        assertEquals(a < b ? 1 : 0, Hart.branchTaken(Op.BLT, a, b), "blt" + of);
        assertEquals(a >= b ? 1 : 0, Hart.branchTaken(Op.BGE, a, b), "bge" + of);
        assertEquals(
            Long.compareUnsigned(a, b) < 0 ? 1 : 0, Hart.branchTaken(Op.BLTU, a, b), "bltu" + of);
        assertEquals(
            Long.compareUnsigned(a, b) >= 0 ? 1 : 0, Hart.branchTaken(Op.BGEU, a, b), "bgeu" + of);
      }
    }
  }

  @Test
  void fitsWhenTheBlockIsNoLongerThanTheBudgetOfOneCall() {
    CompiledBlock five =
        new CompiledBlock(5) {
          @Override
          long run(Hart h, long[] x, long pc, int budget) {
            return pc;
          }
        };
    assertEquals(0, Hart.fits(null, 100));
    assertEquals(0, Hart.fits(five, 4));
    assertEquals(1, Hart.fits(five, 5));
    assertEquals(1, Hart.fits(five, Long.MAX_VALUE));
    assertEquals(0, Hart.fits(new CompiledBlock.None(), Long.MAX_VALUE));
    assertEquals(0, Hart.fits(five, 0));
  }

  @Test
  void heatReachesItsThresholdOnItsThresholdthStart() {
    DecodedPage page = new DecodedPage(0, new byte[4096]);
    for (int i = 1; i < 1000; i++) {
      assertEquals(0, page.heat(7, 1000), "start " + i);
    }
    assertEquals(1, page.heat(7, 1000));
    assertEquals(1, page.heat(7, 1000));
    assertEquals(0, page.heat(8, 1000), "another slot counts apart");
  }
}
