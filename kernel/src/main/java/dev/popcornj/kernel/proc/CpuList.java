package dev.popcornj.kernel.proc;

import java.util.Collection;
import java.util.TreeSet;

/**
 * CPU numbers in Linux's list format, as /sys/devices/system/cpu/online shows them and
 * cpulist_parse reads them: ascending, runs of consecutive numbers as FIRST-LAST, separated by
 * commas, such as "0-3,6,8-9"; empty for none.
 */
public final class CpuList {
  private CpuList() {}

  public static String format(Collection<Integer> cpus) {
    StringBuilder b = new StringBuilder();
    int first = -1;
    int last = -1;
    for (int id : new TreeSet<>(cpus)) {
      if (first >= 0 && id == last + 1) {
        last = id;
        continue;
      }
      appendRun(b, first, last);
      first = id;
      last = id;
    }
    appendRun(b, first, last);
    return b.toString();
  }

  private static void appendRun(StringBuilder b, int first, int last) {
    if (first < 0) {
      return;
    }
    if (!b.isEmpty()) {
      b.append(',');
    }
    b.append(first);
    if (last != first) {
      b.append('-').append(last);
    }
  }
}
