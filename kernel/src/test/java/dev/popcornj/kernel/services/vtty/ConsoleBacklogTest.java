package dev.popcornj.kernel.services.vtty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A console's backlog on the primary keeps at most its capacity, newest bytes first. */
class ConsoleBacklogTest {
  @Test
  void outputNobodyReadsStopsAtTheCapacityAndTheLossIsCounted() {
    ConsoleBacklog b = new ConsoleBacklog(10_000);
    byte[] chunk = new byte[3000];
    for (int i = 0; i < 100; i++) {
      java.util.Arrays.fill(chunk, (byte) i);
      b.append(chunk);
    }
    assertEquals(10_000, b.size());
    assertEquals(300_000 - 10_000, b.dropped());
    byte[] got = b.take(20_000);
    assertEquals(10_000, got.length);
    assertEquals(96, got[0], "the oldest kept byte is from the fourth-last chunk");
    assertEquals(99, got[got.length - 1]);
  }

  @Test
  void bytesComeOutInOrderAcrossGrowthAndWrapping() {
    ConsoleBacklog b = new ConsoleBacklog(CAP);
    int next = 0;
    int expect = 0;
    for (int round = 0; round < 50; round++) {
      byte[] in = new byte[1 + round * 37 % 900];
      for (int i = 0; i < in.length; i++) {
        in[i] = (byte) next++;
      }
      b.append(in);
      byte[] out = b.take(1 + round * 53 % 700);
      for (byte x : out) {
        assertEquals((byte) expect++, x);
      }
    }
    byte[] rest = b.take(Integer.MAX_VALUE);
    for (byte x : rest) {
      assertEquals((byte) expect++, x);
    }
    assertEquals(next, expect);
    assertArrayEquals(new byte[0], b.take(5));
    assertEquals(0, b.dropped());
  }

  private static final int CAP = 1 << 16;
}
