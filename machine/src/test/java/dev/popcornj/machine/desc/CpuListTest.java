package dev.popcornj.machine.desc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Hart lists are read and printed as Linux CPU lists. */
class CpuListTest {
  @Test
  void readsRangesAndSingles() {
    assertEquals(List.of(0, 1, 2, 3, 8, 10, 11), CpuList.parse("0-3, 8,10-11", 100));
    assertEquals(List.of(5), CpuList.parse("5", 100));
  }

  @Test
  void refusesMalformedLists() {
    for (String bad : new String[] {"", "1,", "-3", "3-", "a", "1-2-3", "0-3,3", "4-2", "101"}) {
      assertThrows(IllegalArgumentException.class, () -> CpuList.parse(bad, 100), bad);
    }
  }

  @Test
  void printsCompactly() {
    assertEquals("0-3,8,10-11", CpuList.format(List.of(11, 10, 8, 3, 2, 1, 0)));
    assertEquals("none", CpuList.format(List.of()));
    assertEquals("7", CpuList.format(List.of(7)));
  }

  @Property
  void printingThenReadingGivesTheSameSet(
      @ForAll @Size(min = 1, max = 60) Set<@IntRange(min = 0, max = 200) Integer> ids) {
    List<Integer> back = CpuList.parse(CpuList.format(ids), 200);
    assertEquals(new TreeSet<>(ids), new TreeSet<>(back));
    assertEquals(ids.size(), back.size());
  }
}
