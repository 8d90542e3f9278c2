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
}
