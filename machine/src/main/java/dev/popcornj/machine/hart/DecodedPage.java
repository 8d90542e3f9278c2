package dev.popcornj.machine.hart;

import java.util.Arrays;

/**
 * The decoded instructions of one physical code frame, one slot per halfword, filled lazily as the
 * hart first executes each slot. Owned by one hart; dropped when the frame is written or on
 * fence.i.
 *
 * <p>The array has two slots more than the frame has halfwords, both {@link Op#PAGE_END}, so that
 * falling off the end of the page (by 2 or 4 bytes) lands on a sentinel instead of needing a bounds
 * test per instruction. Blocks and their hit counters cover only the frame's own slots, 0 to {@code
 * SLOTS - 1}: no block starts at a sentinel, so callers look one up only for a slot on the page.
 */
final class DecodedPage {
  static final int SLOTS = 2048;

  final long frameNumber;
  final byte[] frame;
  final long[] code = new long[SLOTS + 2];

  /**
   * The compiled block starting at each slot, once the slot is hot (see {@link BlockCompiler});
   * null until the page's first block, so that pages run only a few times (a short-lived program's)
   * cost no more than their decoded code.
   */
  CompiledBlock[] blocks;

  /** How often the loop reached each slot at the start of a block before it was compiled. */
  private short[] hits;

  DecodedPage(long frameNumber, byte[] frame) {
    this.frameNumber = frameNumber;
    this.frame = frame;
    code[SLOTS] = Op.PAGE_END;
    code[SLOTS + 1] = Op.PAGE_END;
  }

  /** The block at slot, or null. */
  CompiledBlock block(int slot) {
    return blockIn(blocks, slot);
  }

  /** The block at slot of a page's blocks (null while the page has none), or null. */
  static CompiledBlock blockIn(CompiledBlock[] blocks, int slot) {
    return blocks == null ? null : blocks[slot];
  }

  /**
   * Counts one more start of a block at slot; 1 once it reached threshold, else 0, without a branch
   * (see Hart.equal).
   */
  int heat(int slot, int threshold) {
    if (hits == null) {
      hits = new short[SLOTS];
    }
    return (threshold - 1 - ++hits[slot]) >>> 31;
  }

  void setBlock(int slot, CompiledBlock b) {
    if (blocks == null) {
      blocks = new CompiledBlock[SLOTS];
    }
    blocks[slot] = b;
  }

  /** A page whose every slot is the sentinel, used to run one instruction that straddles pages. */
  static long[] sentinelPage() {
    long[] c = new long[SLOTS + 2];
    Arrays.fill(c, Op.PAGE_END);
    return c;
  }
}
