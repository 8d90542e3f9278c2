package dev.popcornj.kernel.platform;

import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.machine.desc.CpuList;
import dev.popcornj.machine.desc.DeviceId;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.mem.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The partition a kernel's command line asks for, with Popcorn Linux's parameter names ({@code
 * present_mask=}, {@code mem=}, {@code memmap=}, {@code pci_dev_flags=}, {@code vty_offset=}) and
 * PopcornJ's own ({@code popcorn_id=}, {@code popcorn_msg=}); docs/boot-parameters.md defines each.
 * Parsing checks form only; {@link #resolve} checks it against a machine and the running kernels.
 *
 * @param kernelId {@code popcorn_id=}, 0 (the primary) when absent
 * @param presentMask {@code present_mask=}, the machine hart ids in the order written; empty means
 *     every hart of the machine
 * @param memLimit {@code mem=}, rounded down to a page; empty means no limit
 * @param usable the {@code memmap=SIZE@ADDR} regions in the order written; none means all RAM
 * @param reserved the {@code memmap=SIZE$ADDR} regions in the order written
 * @param excludedDevices {@code pci_dev_flags=} entries: devices this kernel must leave alone
 * @param vtyOffset {@code vty_offset=}, the index of this kernel's virtual TTY; the kernel id when
 *     absent
 * @param messageWindow {@code popcorn_msg=ADDR,SIZE}, the shared messaging window, if any
 */
public record PartitionParams(
    int kernelId,
    Optional<List<Integer>> presentMask,
    OptionalLong memLimit,
    List<Region> usable,
    List<Region> reserved,
    List<DeviceId> excludedDevices,
    OptionalInt vtyOffset,
    Optional<Region> messageWindow) {
  /** The page size partitions are measured in; every region must be a multiple of it. */
  public static final long PAGE = MemoryLayout.PAGE_SIZE;

  /** The largest kernel id, hart id or vty offset accepted, so a typo cannot ask for billions. */
  public static final int MAX_ID = 4095;

  private static final Pattern SIZE = Pattern.compile("(0[xX][0-9a-fA-F]+|[0-9]+)([kKmMgGtT]?)");
  private static final Pattern ID = Pattern.compile("0[xX][0-9a-fA-F]{1,8}|[0-9]{1,9}");
  private static final Pattern PCI_ENTRY =
      Pattern.compile("(?:0[xX])?([0-9a-fA-F]{1,4}):(?:0[xX])?([0-9a-fA-F]{1,4}):([a-zA-Z]+)");

  public PartitionParams {
    Objects.requireNonNull(presentMask, "presentMask");
    Objects.requireNonNull(memLimit, "memLimit");
    Objects.requireNonNull(vtyOffset, "vtyOffset");
    Objects.requireNonNull(messageWindow, "messageWindow");
    presentMask = presentMask.map(List::copyOf);
    usable = List.copyOf(usable);
    reserved = List.copyOf(reserved);
    excludedDevices = List.copyOf(excludedDevices);
  }

  /** Parses the partition parameters of a command line; see {@link #from(BootParams)}. */
  public static PartitionParams parse(String cmdline) {
    return from(BootParams.parse(cmdline));
  }

  /**
   * Reads the partition parameters from a parsed command line. A later word overrides an earlier
   * one with the same key, except {@code memmap=}, which adds up as in Linux.
   *
   * @throws BootException with one line naming the parameter and the form it expects
   */
  public static PartitionParams from(BootParams params) {
    int id = params.get("popcorn_id").map(v -> id("popcorn_id", v, "a kernel id")).orElse(0);
    Optional<List<Integer>> mask = params.get("present_mask").map(PartitionParams::presentMask);
    OptionalLong mem = params.get("mem").map(PartitionParams::mem).orElse(OptionalLong.empty());
    List<Region> usable = new ArrayList<>();
    List<Region> reserved = new ArrayList<>();
    for (String value : memmapValues(params)) {
      memmap(value, usable, reserved);
    }
    List<DeviceId> excluded =
        params.get("pci_dev_flags").map(PartitionParams::pciDevFlags).orElse(List.of());
    OptionalInt vty =
        params
            .get("vty_offset")
            .map(v -> OptionalInt.of(id("vty_offset", v, "a virtual TTY index")))
            .orElse(OptionalInt.empty());
    Optional<Region> window = params.get("popcorn_msg").map(PartitionParams::messageWindow);
    return new PartitionParams(id, mask, mem, usable, reserved, excluded, vty, window);
  }

  /**
   * Checks these parameters against a machine and the kernels already running on it and works out
   * the partition; nothing is touched.
   *
   * @param running the partitions of the kernels already up, in any order
   * @throws BootException with one line saying what is refused and why
   */
  public Partition resolve(MachineDescription machine, List<Partition> running) {
    return PartitionResolver.resolve(machine, this, running);
  }

  /**
   * The command-line words that say these parameters, in a fixed order; {@link #parse} of them
   * joined by spaces gives back an equal record.
   */
  public List<String> words() {
    List<String> w = new ArrayList<>();
    w.add("popcorn_id=" + kernelId);
    presentMask.ifPresent(m -> w.add("present_mask=" + cpuList(m)));
    memLimit.ifPresent(m -> w.add("mem=" + size(m)));
    for (Region r : usable) {
      w.add("memmap=" + size(r.size()) + "@" + Region.hex(r.base()));
    }
    for (Region r : reserved) {
      w.add("memmap=" + size(r.size()) + "$" + Region.hex(r.base()));
    }
    messageWindow.ifPresent(
        r -> w.add("popcorn_msg=" + Region.hex(r.base()) + "," + Region.hex(r.size())));
    if (!excludedDevices.isEmpty()) {
      w.add(
          "pci_dev_flags="
              + String.join(",", excludedDevices.stream().map(d -> d + ":b").toList()));
    }
    vtyOffset.ifPresent(v -> w.add("vty_offset=" + v));
    return w;
  }

  /** The vty index this kernel uses: {@code vty_offset=}, or else its kernel id. */
  public int effectiveVtyOffset() {
    return vtyOffset.orElse(kernelId);
  }

  /** Prints a size as memparse reads it, with the largest of K, M, G that divides it. */
  public static String size(long bytes) {
    String[] units = {"", "K", "M", "G"};
    int u = 0;
    long v = bytes;
    while (u < units.length - 1 && v != 0 && (v & 1023) == 0) {
      v >>>= 10;
      u++;
    }
    return v + units[u];
  }

  // The ids as written, unlike CpuList.format, which sorts: order is part of the parameter.
  private static String cpuList(List<Integer> ids) {
    List<String> parts = new ArrayList<>();
    int i = 0;
    while (i < ids.size()) {
      int j = i;
      while (j + 1 < ids.size() && ids.get(j + 1) == ids.get(j) + 1) {
        j++;
      }
      parts.add(i == j ? "" + ids.get(i) : ids.get(i) + "-" + ids.get(j));
      i = j + 1;
    }
    return String.join(",", parts);
  }

  private static List<Integer> presentMask(String v) {
    try {
      return CpuList.parse(v, MAX_ID);
    } catch (IllegalArgumentException e) {
      throw new BootException(
          "present_mask=" + clip(v) + ": " + e.getMessage() + " (a CPU list such as 0-3,8)");
    }
  }

  private static OptionalLong mem(String v) {
    long bytes = memparse("mem", v, v) & -PAGE;
    if (bytes == 0) {
      throw new BootException(
          "mem=" + clip(v) + ": leaves no memory; expected a size of at least 4K, such as 512M");
    }
    return OptionalLong.of(bytes);
  }

  // BootParams keeps the last value of a key; memmap= accumulates, so its words are read again.
  private static List<String> memmapValues(BootParams params) {
    List<String> values = new ArrayList<>();
    for (String word : BootParams.words(params.cmdline())) {
      if (word.equals("--")) {
        break;
      }
      if (word.startsWith("memmap=")) {
        values.add(word.substring("memmap=".length()));
      }
    }
    return values;
  }

  /** One memmap= value: comma-separated SIZE@ADDR and SIZE$ADDR entries, as Linux splits it. */
  private static void memmap(String value, List<Region> usable, List<Region> reserved) {
    for (String entry : value.split(",", -1)) {
      int at = entry.indexOf('@');
      int dollar = entry.indexOf('$');
      int split = at >= 0 ? at : dollar;
      if (split <= 0 || (at >= 0 && dollar >= 0)) {
        throw new BootException(
            "memmap="
                + clip(entry)
                + ": expected SIZE@ADDRESS (usable) or SIZE$ADDRESS (reserved),"
                + " such as memmap=256M@0x90000000");
      }
      String whole = "memmap=" + entry;
      long size = memparse("memmap", entry.substring(0, split), entry);
      long base = memparse("memmap", entry.substring(split + 1), entry);
      if (size == 0 || size % PAGE != 0 || base % PAGE != 0) {
        throw new BootException(
            clip(whole)
                + ": size and address must be non-zero multiples of 4K (size may not be 0)");
      }
      if (base + size < 0) {
        throw new BootException(clip(whole) + ": region runs past the end of the address space");
      }
      (at >= 0 ? usable : reserved).add(new Region(base, size));
    }
  }

  private static List<DeviceId> pciDevFlags(String value) {
    List<DeviceId> ids = new ArrayList<>();
    for (String entry : value.split(",", -1)) {
      Matcher m = PCI_ENTRY.matcher(entry);
      if (!m.matches()) {
        throw new BootException(
            "pci_dev_flags="
                + clip(value)
                + ": '"
                + clip(entry)
                + "' is not VENDOR:DEVICE:FLAGS; expected hex ids and flag b,"
                + " such as pci_dev_flags=1b36:0002:b");
      }
      if (!m.group(3).equals("b")) {
        throw new BootException(
            "pci_dev_flags="
                + clip(value)
                + ": unknown flag '"
                + clip(m.group(3))
                + "' for "
                + m.group(1)
                + ":"
                + m.group(2)
                + "; the only flag is b (keep the device away from this kernel)");
      }
      DeviceId id =
          new DeviceId(Integer.parseInt(m.group(1), 16), Integer.parseInt(m.group(2), 16));
      if (!ids.contains(id)) {
        ids.add(id);
      }
    }
    return ids;
  }

  private static Region messageWindow(String value) {
    String[] parts = value.split(",", -1);
    String expected =
        ": expected ADDRESS,SIZE of the shared messaging window, such as"
            + " popcorn_msg=0x9fc00000,0x400000";
    if (parts.length != 2) {
      throw new BootException("popcorn_msg=" + clip(value) + expected);
    }
    long base = memparse("popcorn_msg", parts[0], value);
    long size = memparse("popcorn_msg", parts[1], value);
    if (size == 0 || size % PAGE != 0 || base % PAGE != 0 || base + size < 0) {
      throw new BootException(
          "popcorn_msg="
              + clip(value)
              + ": address and size must be multiples of 4K and the size above 0"
              + expected.replace(": expected", "; for example"));
    }
    return new Region(base, size);
  }

  /**
   * Linux's memparse, without octal: a decimal or 0x-hex number with an optional K, M, G or T
   * (binary, either case).
   */
  private static long memparse(String key, String text, String whole) {
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      throw new BootException(
          key
              + "="
              + clip(whole)
              + ": '"
              + clip(text)
              + "' is not a size or address; write it as 4096, 0x1000, 64K, 512M or 2G");
    }
    String digits = m.group(1);
    int shift =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    try {
      long v =
          digits.length() > 2 && (digits.charAt(1) == 'x' || digits.charAt(1) == 'X')
              ? Long.parseLong(digits.substring(2), 16)
              : Long.parseLong(digits);
      if (v != 0 && Long.numberOfLeadingZeros(v) <= shift) {
        throw new NumberFormatException();
      }
      return v << shift;
    } catch (NumberFormatException e) {
      throw new BootException(key + "=" + clip(whole) + ": '" + clip(text) + "' is too large");
    }
  }

  private static int id(String key, String v, String what) {
    if (!ID.matcher(v).matches()) {
      throw new BootException(
          key + "=" + clip(v) + ": expected " + what + ", a whole number from 0 to " + MAX_ID);
    }
    long n =
        v.length() > 1 && (v.charAt(1) == 'x' || v.charAt(1) == 'X')
            ? Long.parseLong(v.substring(2), 16)
            : Long.parseLong(v);
    if (n > MAX_ID) {
      throw new BootException(
          key + "=" + clip(v) + ": expected " + what + ", a whole number from 0 to " + MAX_ID);
    }
    return (int) n;
  }

  static String clip(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
