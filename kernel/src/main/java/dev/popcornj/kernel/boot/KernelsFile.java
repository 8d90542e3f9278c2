package dev.popcornj.kernel.boot;

import dev.popcornj.kernel.msg.KernelIdentity;
import dev.popcornj.kernel.msg.KernelState;
import dev.popcornj.kernel.msg.MessageWindow;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * /proc/popcorn/kernels: every kernel of the messaging window's info table with its state, CPUs,
 * partition and image kind (full or light; - for a kernel this one neither is nor booted).
 */
final class KernelsFile {
  private KernelsFile() {}

  /**
   * @param harts the harts of a kernel when this one knows them (itself, the kernels it booted),
   *     else null
   * @param imageKind the image kind of a kernel when this one knows it, else null
   */
  static String render(
      MessageWindow w, IntFunction<List<Integer>> harts, IntFunction<String> imageKind) {
    StringBuilder b = new StringBuilder("ID  STATE    CPUS      MEMORY          IMAGE\n");
    for (int k = 0; k < w.maxKernels(); k++) {
      KernelState s = w.state(k);
      if (s == KernelState.OFFLINE) {
        continue;
      }
      KernelIdentity id = w.identity(k);
      String kind = imageKind.apply(k);
      // padded by hand: String.format's first use (its locale's digits) took 16 ms of a read
      padded(b, Integer.toString(k), 3);
      padded(b, s.name().toLowerCase(Locale.ROOT), 8);
      padded(b, cpus(harts.apply(k), id.firstHart()), 9);
      padded(
          b,
          "0x" + Long.toHexString(id.partitionBase()) + "+" + (id.partitionSize() >> 20) + "M",
          15);
      b.append(kind == null ? "-" : kind).append('\n');
    }
    return b.toString();
  }

  /** Appends text left-aligned in width columns (wider text as it is), then one space. */
  private static void padded(StringBuilder b, String text, int width) {
    b.append(text).repeat(' ', Math.max(0, width - text.length())).append(' ');
  }

  /** A kernel's CPUs as a list such as 2-3, or its first hart when that is all that is known. */
  private static String cpus(List<Integer> harts, int firstHart) {
    if (harts == null || harts.isEmpty()) {
      return Integer.toString(firstHart);
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < harts.size()) {
      int j = i;
      while (j + 1 < harts.size() && harts.get(j + 1) == harts.get(j) + 1) {
        j++;
      }
      out.append(out.length() == 0 ? "" : ",").append(harts.get(i));
      if (j > i) {
        out.append('-').append(harts.get(j));
      }
      i = j + 1;
    }
    return out.toString();
  }
}
