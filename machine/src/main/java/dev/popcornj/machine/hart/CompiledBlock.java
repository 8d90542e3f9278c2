package dev.popcornj.machine.hart;

/**
 * A straight run of decoded instructions translated to JVM bytecode by {@link BlockCompiler}: it
 * executes all {@link #length} instructions and returns the pc of the next one, or leaves early by
 * throwing the hart's {@link BlockExit}.
 *
 * <p>Each block is its own hidden class, so the JIT compiles it as straight-line code with its
 * register numbers and immediates as constants, and the execute loop pays one dispatch per block
 * instead of one per instruction.
 */
abstract class CompiledBlock {
  /** Instructions the block retires when it runs to its end. */
  final int length;

  CompiledBlock(int length) {
    this.length = length;
  }

  /**
   * Runs the block starting at virtual address pc (the block's code may be mapped at several
   * addresses) and returns the pc of the next instruction, with the number of instructions it ran
   * in {@code h.blockRan}: fewer than length when a branch left it early or skipped some, more when
   * it branched back within itself, never more than budget, which must be at least length.
   */
  abstract long run(Hart h, long[] x, long pc, int budget);

  /**
   * Stands for a slot where no block can start; its length exceeds the most instructions one call
   * of a block is ever given, so it never runs.
   */
  static final class None extends CompiledBlock {
    None() {
      super(Integer.MAX_VALUE);
    }

    @Override
    long run(Hart h, long[] x, long pc, int budget) {
      throw new IllegalStateException("no block here");
    }
  }
}
