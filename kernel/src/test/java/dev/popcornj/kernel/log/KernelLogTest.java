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
}
