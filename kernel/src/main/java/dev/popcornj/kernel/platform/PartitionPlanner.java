package dev.popcornj.kernel.platform;

import dev.popcornj.machine.desc.DeviceDescription;
import dev.popcornj.machine.desc.DeviceId;
import dev.popcornj.machine.desc.DeviceKind;
import dev.popcornj.machine.desc.HartDescription;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.desc.MemoryRange;
import dev.popcornj.machine.desc.NumaNode;
import dev.popcornj.machine.mem.Region;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * Popcorn's partition generator: splits a machine among N kernels and writes each kernel's boot
 * command line. The layout it makes, for the default machine and 4 kernels:
 *
 * <pre>
 *   node 0: harts 0-3, dram0                       node 1: harts 4-7, dram1
 *   kernel 0: harts 0-1   kernel 1: harts 2-3      kernel 2: harts 4-5   kernel 3: harts 6-7
 *
 *   0x80000000    0x8fe00000    0x9fc00000    0xa0000000    0xb0000000    0xc0000000
 *   | kernel 0    | kernel 1    | window 4M   | kernel 2    | kernel 3    |
 *     254M          254M          (memmap$ in   256M          256M
 *                                 every kernel)
 * </pre>
 *
 * <ul>
 *   <li>Harts: the first {@code H mod N} kernels get one hart more than the others; each kernel in
 *       id order takes the lowest free harts of the lowest node that still has enough, and only
 *       when no node has enough does it take the lowest free harts across nodes.
 *   <li>Memory: each kernel gets one contiguous slice, a whole number of MiB, from its node (the
 *       node holding most of its harts; the lowest node with memory if that node has none); the
 *       kernels of a node get equal slices, laid out upward in id order.
 *   <li>Messaging window: {@code max(4 MiB, N MiB)} rounded up to a power of two, aligned to its
 *       size, at the top of the first node with memory; every kernel reserves it with {@code
 *       memmap=SIZE$ADDR} and names it with {@code popcorn_msg=}.
 *   <li>Devices: the primary (kernel 0) owns them all; each secondary is kept away from every
 *       device but the per-hart timer with {@code pci_dev_flags=}.
 *   <li>{@code vty_offset} is the kernel id.
 * </ul>
 *
 * Each partition comes from resolving the command line written for it, so the line and the
 * partition cannot disagree.
 */
public final class PartitionPlanner {
  private PartitionPlanner() {}

  /** The least memory a kernel is given. */
  public static final long MIN_KERNEL_MEMORY = 16L << 20;

  /** The messaging window is at least this large... */
  public static final long MIN_WINDOW = 4L << 20;

  /** ...and has this much per kernel. */
  public static final long WINDOW_PER_KERNEL = 1L << 20;

  /** Slices of memory are multiples of this, which keeps the numbers readable. */
  public static final long SLICE_UNIT = 1L << 20;

  private static final Set<String> PARTITION_KEYS =
      Set.of(
          "popcorn_id",
          "present_mask",
          "mem",
          "memmap",
          "popcorn_msg",
          "pci_dev_flags",
          "vty_offset");

  /**
   * Splits a machine among {@code kernels} kernel instances.
   *
   * @throws BootException with one line when the machine cannot be split so: fewer than one kernel,
   *     more kernels than harts, or too little memory
   */
  public static PartitionPlan plan(MachineDescription m, int kernels) {
    int hartCount = m.harts().size();
    if (kernels < 1) {
      throw new BootException("kernels: " + kernels + " is not a kernel count; give 1 or more");
    }
    if (kernels > hartCount) {
      throw new BootException(
          "kernels: machine "
              + m.name()
              + " has "
              + hartCount
              + " harts and each kernel needs one, so at most "
              + hartCount
              + " kernels, not "
              + kernels);
    }
    List<List<Integer>> harts = splitHarts(m, kernels);
    int[] nodes = new int[kernels];
    for (int k = 0; k < kernels; k++) {
      nodes[k] = majorityNode(m, harts.get(k));
    }
    Region window = window(m, kernels);
    List<Region> slices = slices(m, kernels, nodes, window);
    List<DeviceId> secondaryExcluded = new ArrayList<>();
    for (DeviceDescription d : m.devices()) {
      if (d.kind() != DeviceKind.TIMER && !secondaryExcluded.contains(d.deviceId())) {
        secondaryExcluded.add(d.deviceId());
      }
    }
    List<PartitionPlan.Kernel> planned = new ArrayList<>();
    List<Partition> running = new ArrayList<>();
    for (int k = 0; k < kernels; k++) {
      PartitionParams params =
          new PartitionParams(
              k,
              Optional.of(harts.get(k)),
              OptionalLong.empty(),
              List.of(slices.get(k)),
              List.of(window),
              k == 0 ? List.of() : secondaryExcluded,
              OptionalInt.of(k),
              Optional.of(window));
      String cmdline = cmdline(m.bootCommandLine(), params);
      Partition p = PartitionParams.parse(cmdline).resolve(m, running);
      running.add(p);
      planned.add(new PartitionPlan.Kernel(p, nodes[k], cmdline));
    }
    return new PartitionPlan(m, window, planned);
  }

  /** The machine's command-line words without partition keys, then the partition's words. */
  static String cmdline(String machineCmdline, PartitionParams params) {
    List<String> words = new ArrayList<>();
    List<String> init = new ArrayList<>();
    boolean afterDashes = false;
    for (String w :
        machineCmdline.isBlank() ? new String[0] : machineCmdline.strip().split("\\s+")) {
      if (afterDashes) {
        init.add(w);
      } else if (w.equals("--")) {
        afterDashes = true;
      } else {
        int eq = w.indexOf('=');
        if (!PARTITION_KEYS.contains(eq < 0 ? w : w.substring(0, eq))) {
          words.add(w);
        }
      }
    }
    words.addAll(params.words());
    if (afterDashes) {
      words.add("--");
      words.addAll(init);
    }
    return String.join(" ", words);
  }

  private static List<List<Integer>> splitHarts(MachineDescription m, int kernels) {
    Map<Integer, List<Integer>> free = new TreeMap<>();
    for (HartDescription h : m.harts()) {
      free.computeIfAbsent(h.node(), n -> new ArrayList<>()).add(h.id());
    }
    free.values().forEach(l -> l.sort(Comparator.naturalOrder()));
    int hartCount = m.harts().size();
    List<List<Integer>> out = new ArrayList<>();
    for (int k = 0; k < kernels; k++) {
      int size = hartCount / kernels + (k < hartCount % kernels ? 1 : 0);
      List<Integer> mine = new ArrayList<>();
      for (List<Integer> nodeFree : free.values()) {
        if (nodeFree.size() >= size) {
          mine.addAll(nodeFree.subList(0, size));
          break;
        }
      }
      if (mine.isEmpty()) {
        for (List<Integer> nodeFree : free.values()) {
          for (int h : nodeFree) {
            if (mine.size() < size) {
              mine.add(h);
            }
          }
        }
      }
      free.values().forEach(l -> l.removeAll(mine));
      mine.sort(Comparator.naturalOrder());
      out.add(List.copyOf(mine));
    }
    return out;
  }

  private static int majorityNode(MachineDescription m, List<Integer> harts) {
    Map<Integer, Integer> count = new TreeMap<>();
    for (int h : harts) {
      count.merge(m.hart(h).orElseThrow().node(), 1, Integer::sum);
    }
    int best = -1;
    for (var e : count.entrySet()) {
      if (best < 0 || e.getValue() > count.get(best)) {
        best = e.getKey();
      }
    }
    return best;
  }

  /** A node's RAM, merged; the machine's lowest node with memory stands in for one without. */
  private static List<Region> nodeMemory(MachineDescription m, int node) {
    List<Region> mine =
        m.memory().stream().filter(r -> r.node() == node).map(MemoryRange::region).toList();
    if (!mine.isEmpty()) {
      return PartitionResolver.merge(mine);
    }
    int first = m.memory().stream().mapToInt(MemoryRange::node).min().orElseThrow();
    return nodeMemory(m, first);
  }

  private static int memoryNode(MachineDescription m, int node) {
    return m.memory().stream().anyMatch(r -> r.node() == node)
        ? node
        : m.memory().stream().mapToInt(MemoryRange::node).min().orElseThrow();
  }

  private static Region window(MachineDescription m, int kernels) {
    long size = Long.highestOneBit(Math.max(MIN_WINDOW, kernels * WINDOW_PER_KERNEL) - 1) << 1;
    int node = firstMemoryNode(m);
    List<Region> ram = nodeMemory(m, node);
    for (Region r : ram.reversed()) {
      long base = (r.end() - size) & -size;
      if (base >= r.base()) {
        return new Region(base, size);
      }
    }
    throw new BootException(
        "machine "
            + m.name()
            + ": node "
            + node
            + " has no room for a "
            + PartitionParams.size(size)
            + " messaging window for "
            + kernels
            + " kernels");
  }

  private static int firstMemoryNode(MachineDescription m) {
    return m.nodes().stream()
        .map(NumaNode::id)
        .filter(n -> m.memory().stream().anyMatch(r -> r.node() == n))
        .findFirst()
        .orElse(m.memory().getFirst().node());
  }

  private static List<Region> slices(
      MachineDescription m, int kernels, int[] nodes, Region window) {
    Map<Integer, List<Integer>> byPool = new LinkedHashMap<>();
    for (int k = 0; k < kernels; k++) {
      byPool.computeIfAbsent(memoryNode(m, nodes[k]), n -> new ArrayList<>()).add(k);
    }
    Region[] out = new Region[kernels];
    for (var e : byPool.entrySet()) {
      List<Region> pool = PartitionResolver.subtract(nodeMemory(m, e.getKey()), window);
      List<Integer> ks = e.getValue();
      long units = largestSliceUnits(pool, ks.size());
      long slice = units * SLICE_UNIT;
      if (slice < MIN_KERNEL_MEMORY) {
        long free = pool.stream().mapToLong(Region::size).sum();
        throw new BootException(
            "machine "
                + m.name()
                + " has too little memory for "
                + kernels
                + " kernels: node "
                + e.getKey()
                + " has "
                + PartitionParams.size(free)
                + " free for "
                + ks.size()
                + " of them, "
                + PartitionParams.size(slice)
                + " each; a kernel needs at least "
                + PartitionParams.size(MIN_KERNEL_MEMORY));
      }
      int next = 0;
      for (Region r : pool) {
        for (long base = r.base(); next < ks.size() && base + slice <= r.end(); base += slice) {
          out[ks.get(next++)] = new Region(base, slice);
        }
      }
    }
    return List.of(out);
  }

  /** The most SLICE_UNITs per slice that still lets {@code count} slices fit in the ranges. */
  private static long largestSliceUnits(List<Region> pool, int count) {
    long lo = 0;
    long hi = pool.stream().mapToLong(Region::size).sum() / SLICE_UNIT / count;
    while (lo < hi) {
      long mid = (lo + hi + 1) / 2;
      long fits = 0;
      for (Region r : pool) {
        fits += r.size() / (mid * SLICE_UNIT);
      }
      if (fits >= count) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
}
