package dev.popcornj.kernel.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** CPU numbers in Linux's list format, as /sys/devices/system/cpu/online shows them. */
class CpuListTest {
  @Test
  void runsOfConsecutiveCpusBecomeRanges() {
    assertEquals("0-7", CpuList.format(List.of(0, 1, 2, 3, 4, 5, 6, 7)));
    assertEquals("0-1,4-7", CpuList.format(List.of(0, 1, 4, 5, 6, 7)));
    assertEquals("0,2,4", CpuList.format(List.of(0, 2, 4)));
    assertEquals("3", CpuList.format(List.of(3)));
    assertEquals("1-2,9,60-63", CpuList.format(List.of(1, 2, 9, 60, 61, 62, 63)));
  }

  @Test
  void orderAndRepeatsDoNotMatterAndNoneIsEmpty() {
    assertEquals("0-2,5", CpuList.format(List.of(5, 2, 0, 1, 2)));
    assertEquals("4-5", CpuList.format(Set.of(5, 4)));
    assertEquals("", CpuList.format(List.of()));
  }
}
