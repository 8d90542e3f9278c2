package dev.popcornj.machine.hart;

import java.util.Arrays;

/**
 * The decoded instructions of one physical code frame, one slot per halfword, filled lazily as the
 * hart first executes each slot. Owned by one hart; dropped when the frame is written or on
 * fence.i.
 *
 * <p>The array has two slots more than the frame has halfwords, both {@link Op#PAGE_END}, so that
 * falling off the end of the page (by 2 or 4 bytes) lands on a sentinel instead of needing a bounds
 * test per instruction.
 */
final class DecodedPage {
  static final int SLOTS = 2048;

  final long frameNumber;
  final byte[] frame;
  final long[] code = new long[SLOTS + 2];

  /** The compiled block starting at each slot, once the slot is hot; see {@link BlockCompiler}. */
  final CompiledBlock[] blocks = new CompiledBlock[SLOTS];

  /** How often the loop reached each slot at the start of a block before it was compiled. */
  final short[] hits = new short[SLOTS];

  DecodedPage(long frameNumber, byte[] frame) {
    this.frameNumber = frameNumber;
    this.frame = frame;
    code[SLOTS] = Op.PAGE_END;
    code[SLOTS + 1] = Op.PAGE_END;
  }

  /** A page whose every slot is the sentinel, used to run one instruction that straddles pages. */
  static long[] sentinelPage() {
    long[] c = new long[SLOTS + 2];
    Arrays.fill(c, Op.PAGE_END);
    return c;
  }
}
