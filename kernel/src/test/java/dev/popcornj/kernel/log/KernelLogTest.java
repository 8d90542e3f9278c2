package dev.popcornj.kernel.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel log keeps its newest lines within its capacity, as Linux's printk buffer does. */
class KernelLogTest {
  @Test
  void aFloodOfMessagesKeepsTheNewestWithinTheCapacity() {
    KernelLog log = new KernelLog(() -> 0);
    String filler = "x".repeat(100);
    for (int i = 0; i < 50_000; i++) {
      log.log(i + " " + filler);
    }
    assertTrue(log.text().length() <= KernelLog.CAPACITY_BYTES, "" + log.text().length());
    List<String> lines = log.lines();
    assertTrue(lines.getLast().contains("] 49999 "), lines.getLast());
    assertTrue(lines.size() > 1000, "kept " + lines.size());
    int first = Integer.parseInt(lines.getFirst().split("] ")[1].split(" ")[0]);
    assertEquals(50_000 - lines.size(), first, "the lines kept are the newest, in order");
  }

  @Test
  void linesAreStampedWithSecondsAndMicrosecondsAsDmesgShowsThem() {
    for (long us :
        new long[] {0, 7, 999_999, 1_000_000, 12_345_678, 99_999_999_999L, 123_456_789_012L}) {
      String expected = String.format("[%5d.%06d] ", us / 1_000_000, us % 1_000_000);
      assertEquals(expected, KernelLog.stamp(us), "at " + us + " us");
    }
    KernelLog log = new KernelLog(() -> 3_000_042_000_000L);
    log.log("hello");
    assertEquals("[    3.000042] hello", log.lines().getFirst());
  }
}
