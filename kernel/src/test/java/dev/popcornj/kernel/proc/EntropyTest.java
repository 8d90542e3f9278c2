package dev.popcornj.kernel.proc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class EntropyTest {
  @Test
  void isSplitMix64() {
    // Reference outputs of SplitMix64 seeded with 0.
    Entropy e = new Entropy(0);
    assertEquals(0xe220a8397b1dcdafL, e.nextLong());
    assertEquals(0x6e789e6aa1b965f4L, e.nextLong());
  }

  @Test
  void sameSeedSameBytesOtherSeedOtherBytes() {
    assertArrayEquals(new Entropy(7).bytes(21), new Entropy(7).bytes(21));
    assertNotEquals(
        java.util.Arrays.toString(new Entropy(7).bytes(16)),
        java.util.Arrays.toString(new Entropy(8).bytes(16)));
    byte[] b = new Entropy(0).bytes(9);
    assertEquals((byte) 0xaf, b[0], "little-endian bytes of the first output");
    assertEquals((byte) 0xf4, b[8]);
  }
}
