package dev.popcornj.kernel.mm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The page table's hash map against java.util.HashMap under seeded random operations. */
class PageTableTest {
  @Test
  void agreesWithHashMapUnderRandomPutsAndRemoves() {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      PageTable table = new PageTable();
      Map<Long, Long> reference = new HashMap<>();
      // Clustered keys, as real address spaces have, make long probe runs that removal must keep.
      for (int op = 0; op < 20_000; op++) {
        long vpn = random.nextInt(4) == 0 ? random.nextLong(1L << 27) : random.nextInt(3000);
        if (random.nextInt(3) == 0) {
          Long expected = reference.remove(vpn);
          assertEquals(
              expected == null ? PageTable.ABSENT : expected, table.remove(vpn), "seed " + seed);
        } else {
          long entry = random.nextLong(1L << 40) << 12 | random.nextInt(8);
          reference.put(vpn, entry);
          table.put(vpn, entry);
        }
      }
      assertEquals(reference.size(), table.size(), "seed " + seed);
      for (Map.Entry<Long, Long> e : reference.entrySet()) {
        assertEquals(e.getValue(), table.get(e.getKey()), "seed " + seed + " vpn " + e.getKey());
      }
      for (long vpn = 0; vpn < 3000; vpn++) {
        assertEquals(reference.getOrDefault(vpn, PageTable.ABSENT), table.get(vpn));
      }
      long[] inRange = table.keysInRange(100, 2000);
      Arrays.sort(inRange);
      long[] expected =
          reference.keySet().stream()
              .mapToLong(Long::longValue)
              .filter(k -> k >= 100 && k < 2000)
              .sorted()
              .toArray();
      assertArrayEquals(expected, inRange);
      long[] all = table.keysInRange(0, 1L << 40);
      assertEquals(reference.size(), all.length);
    }
  }
}
