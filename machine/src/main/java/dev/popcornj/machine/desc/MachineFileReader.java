package dev.popcornj.machine.desc;

import dev.popcornj.machine.hart.Isa;
import dev.popcornj.machine.mem.Region;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Reads a machine file (TOML) into a validated {@link MachineDescription}, refusing a wrong file
 * with one {@link MachineFileException} that names the file, the key and the reason.
 *
 * <h2>Format</h2>
 *
 * <pre>{@code
 * name     = "example"        # optional; default: the file name without .toml
 * cmdline  = "console=ttyS0"  # optional; boot command line of the primary kernel; default ""
 * timebase = "10MHz"          # optional; frequency of the time counter; default 10 MHz
 *
 * [[harts]]                   # one table per group of alike harts; at least one hart
 * ids   = "0-3"               # hart ids: a CPU list "0-3,8,10-11", an integer or an array
 *                             #   of integers; or id = 4 for a single hart
 * isa   = "rv64imafdc"        # required; an ISA string (rv64 + i or g + m a f d c in order)
 * clock = "2GHz"              # optional; Hz, kHz, MHz or GHz; default 2 GHz
 *
 * [[memory]]                  # physical RAM; at least one range
 * name = "dram0"              # optional; default "mem<index>"; [[nodes]] refer to it
 * base = 0x8000_0000          # required; integer or string; 4 KiB aligned
 * size = "512MiB"             # required; bytes, or K/M/G/T (also KiB/MiB/GiB/TiB, all binary)
 *
 * [[nodes]]                   # optional; without any, one node 0 holds all harts and memory
 * id     = 0                  # required; 0-1023, unique
 * harts  = "0-3"              # the node's harts, as for [[harts]] ids
 * memory = ["dram0"]          # names of the node's memory ranges
 *
 * [[devices]]
 * id            = "uart0"     # required; unique; letters, digits, '-', '_', '.'
 * kind          = "uart"      # required; uart, timer, block or nic
 * vendor-device = "1b36:0002" # required; 4 hex digits each
 * instance      = 0           # optional; tells devices with one vendor-device apart; default 0
 * mmio          = 0x1000_0000 # optional; base of the register window; 4 KiB aligned
 * mmio-size     = "4KiB"      # optional, only with mmio; default 4 KiB
 * irq           = 10          # optional; interrupt line 1-1023, unique
 * irq-harts     = "0-3"       # optional, only with irq; harts it is routed to; default all
 * }</pre>
 *
 * <h2>Rules</h2>
 *
 * Unknown keys are refused. Hart ids and device ids are unique, and so is a vendor-device with its
 * instance. Memory ranges and device register windows are 4 KiB aligned, non-empty, below 2^56
 * (RISC-V physical addresses are at most 56 bits) and overlap nothing. When [[nodes]] are given,
 * each hart and each memory range is in exactly one node, and a node names only harts and ranges
 * that exist. Interrupts are routed only to harts that exist. The first problem found, in file
 * order, is reported.
 */
public final class MachineFileReader {
  private MachineFileReader() {}

  /** The highest hart id a file may use. */
  public static final int MAX_HART_ID = 4095;

  /** The highest NUMA node id, as Linux's largest MAX_NUMNODES (1 << 10). */
  public static final int MAX_NODE_ID = 1023;

  /** The highest interrupt line, as the RISC-V PLIC's 1023 sources (0 means none). */
  public static final int MAX_IRQ = 1023;

  /** The highest device instance number. */
  public static final int MAX_INSTANCE = 255;

  /** Alignment of memory ranges and register windows: the RISC-V base page. */
  public static final long PAGE_SIZE = 4096;

  /** End of the physical address space: RISC-V physical addresses have at most 56 bits. */
  public static final long PHYS_LIMIT = 1L << 56;

  /** Linux riscv COMMAND_LINE_SIZE, including the terminating NUL. */
  public static final int COMMAND_LINE_SIZE = 1024;

  /** The largest machine file accepted, in characters; real ones are a few KiB. */
  public static final int MAX_FILE_CHARS = 1 << 20;

  public static final long DEFAULT_CLOCK_HZ = 2_000_000_000L;
  public static final long DEFAULT_TIMEBASE_HZ = 10_000_000L;

  private record HartSpec(int id, Isa isa, long clockHz, String origin) {}

  private record MemorySpec(String name, long base, long size, String origin) {}

  /** A range of physical addresses already taken, and by what, to report overlaps. */
  private record Occupied(Region region, String owner) {}

  /**
   * Reads and validates a machine file.
   *
   * @param source the file name or label used in error messages
   * @param defaultName the machine's name when the file gives none
   * @param text the file's contents
   */
  public static MachineDescription read(String source, String defaultName, String text)
      throws MachineFileException {
    if (text.length() > MAX_FILE_CHARS) {
      throw new MachineFileException(
          source, null, "too large for a machine file (over " + MAX_FILE_CHARS + " characters)");
    }
    TomlTable root = new TomlTable(source, "", parse(source, text));
    root.allowOnly("name", "cmdline", "timebase", "harts", "memory", "nodes", "devices");
    String name = root.optional("name", MachineFileReader::name).orElse(defaultName);
    String cmdline = root.optional("cmdline", MachineFileReader::commandLine).orElse("");
    long timebase = root.optional("timebase", Quantities::frequency).orElse(DEFAULT_TIMEBASE_HZ);

    Map<Integer, HartSpec> harts = readHarts(source, root);
    Map<String, MemorySpec> memory = readMemory(source, root);
    List<Occupied> occupied = new ArrayList<>();
    for (MemorySpec m : memory.values()) {
      occupied.add(
          new Occupied(new Region(m.base(), m.size()), m.origin() + " (" + m.name() + ")"));
    }
    List<DeviceDescription> devices = readDevices(root, harts, occupied);

    Map<Integer, Integer> hartNode = new HashMap<>();
    Map<String, Integer> memoryNode = new HashMap<>();
    Map<Integer, List<String>> nodeMemory = new TreeMap<>();
    Map<Integer, List<Integer>> nodeHarts = new TreeMap<>();
    readNodes(source, root, harts, memory, hartNode, memoryNode, nodeHarts, nodeMemory);

    List<HartDescription> hartList =
        harts.values().stream()
            .sorted(Comparator.comparingInt(HartSpec::id))
            .map(h -> new HartDescription(h.id(), h.isa(), h.clockHz(), hartNode.get(h.id())))
            .toList();
    Map<String, MemoryRange> ranges = new LinkedHashMap<>();
    for (MemorySpec m : memory.values()) {
      ranges.put(m.name(), new MemoryRange(m.name(), m.base(), m.size(), memoryNode.get(m.name())));
    }
    List<NumaNode> nodes = new ArrayList<>();
    for (var e : nodeHarts.entrySet()) {
      List<Integer> hs = e.getValue().stream().sorted().toList();
      List<MemoryRange> ms =
          nodeMemory.get(e.getKey()).stream()
              .map(ranges::get)
              .sorted(Comparator.comparingLong(MemoryRange::base))
              .toList();
      nodes.add(new NumaNode(e.getKey(), hs, ms));
    }
    List<MemoryRange> memoryList =
        ranges.values().stream().sorted(Comparator.comparingLong(MemoryRange::base)).toList();
    return new MachineDescription(
        name, hartList, nodes, memoryList, devices, cmdline, timebase, source);
  }

  private static Toml.Table parse(String source, String text) throws MachineFileException {
    try {
      return Toml.parse(text);
    } catch (Toml.SyntaxException e) {
      throw new MachineFileException(
          source, "line " + e.line(), "TOML syntax error: " + e.reason());
    }
  }

  private static Map<Integer, HartSpec> readHarts(String source, TomlTable root)
      throws MachineFileException {
    Map<Integer, HartSpec> byId = new LinkedHashMap<>();
    for (TomlTable t : root.tables("harts")) {
      t.allowOnly("id", "ids", "isa", "clock");
      if (t.has("id") && t.has("ids")) {
        throw t.error("id", "give either id or ids, not both");
      }
      String idKey = t.has("id") ? "id" : "ids";
      List<Integer> ids =
          t.required(
              idKey,
              v ->
                  t.has("id")
                      ? List.of((int) Quantities.integer(v, 0, MAX_HART_ID))
                      : CpuList.parse(v, MAX_HART_ID));
      Isa isa = t.required("isa", v -> Isa.parse(Quantities.text(v)));
      long clock = t.optional("clock", Quantities::frequency).orElse(DEFAULT_CLOCK_HZ);
      for (int id : ids) {
        HartSpec earlier = byId.get(id);
        if (earlier != null) {
          throw t.error(idKey, "hart " + id + " is already defined by " + earlier.origin());
        }
        byId.put(id, new HartSpec(id, isa, clock, t.path()));
      }
    }
    if (byId.isEmpty()) {
      throw new MachineFileException(
          source, "harts", "a machine needs at least one hart; add a [[harts]] table");
    }
    return byId;
  }

  private static Map<String, MemorySpec> readMemory(String source, TomlTable root)
      throws MachineFileException {
    Map<String, MemorySpec> byName = new LinkedHashMap<>();
    List<TomlTable> tables = root.tables("memory");
    for (int i = 0; i < tables.size(); i++) {
      TomlTable t = tables.get(i);
      t.allowOnly("name", "base", "size");
      String name = t.optional("name", MachineFileReader::name).orElse("mem" + i);
      MemorySpec earlier = byName.get(name);
      if (earlier != null) {
        throw t.error(
            t.has("name") ? "name" : "base",
            "memory range name '" + name + "' is already used by " + earlier.origin());
      }
      long base = t.required("base", Quantities::address);
      long size = t.required("size", Quantities::size);
      checkRange(t, "base", "size", base, size);
      Region r = new Region(base, size);
      for (MemorySpec m : byName.values()) {
        Region other = new Region(m.base(), m.size());
        if (r.overlaps(other)) {
          throw t.error(
              "base", "range " + r + " overlaps " + m.origin() + " (" + m.name() + ") " + other);
        }
      }
      byName.put(name, new MemorySpec(name, base, size, t.path()));
    }
    if (byName.isEmpty()) {
      throw new MachineFileException(
          source, "memory", "a machine needs at least one memory range; add a [[memory]] table");
    }
    return byName;
  }

  private static List<DeviceDescription> readDevices(
      TomlTable root, Map<Integer, HartSpec> harts, List<Occupied> occupied)
      throws MachineFileException {
    List<DeviceDescription> devices = new ArrayList<>();
    Map<String, String> idOrigin = new HashMap<>();
    Map<String, String> identityOrigin = new HashMap<>();
    Map<Integer, String> irqOrigin = new HashMap<>();
    for (TomlTable t : root.tables("devices")) {
      t.allowOnly(
          "id", "kind", "vendor-device", "instance", "mmio", "mmio-size", "irq", "irq-harts");
      String id = t.required("id", MachineFileReader::deviceId);
      String self = t.path() + " (" + id + ")";
      if (idOrigin.containsKey(id)) {
        throw t.error("id", "device id '" + id + "' is already used by " + idOrigin.get(id));
      }
      idOrigin.put(id, t.path());
      DeviceKind kind = t.required("kind", v -> DeviceKind.fromFileName(Quantities.text(v)));
      DeviceId identity = t.required("vendor-device", v -> DeviceId.parse(Quantities.text(v)));
      int instance =
          t.optional("instance", v -> (int) Quantities.integer(v, 0, MAX_INSTANCE)).orElse(0);
      String identityKey = identity + "#" + instance;
      if (identityOrigin.containsKey(identityKey)) {
        throw t.error(
            t.has("instance") ? "instance" : "vendor-device",
            identity
                + " instance "
                + instance
                + " is already "
                + identityOrigin.get(identityKey)
                + "; give each such device its own instance");
      }
      identityOrigin.put(identityKey, self);

      Optional<Region> mmio = Optional.empty();
      if (t.has("mmio-size") && !t.has("mmio")) {
        throw t.error("mmio-size", "given without mmio");
      }
      Optional<Long> mmioBase = t.optional("mmio", Quantities::address);
      if (mmioBase.isPresent()) {
        long size = t.optional("mmio-size", Quantities::size).orElse(PAGE_SIZE);
        checkRange(t, "mmio", "mmio-size", mmioBase.get(), size);
        Region r = new Region(mmioBase.get(), size);
        for (Occupied o : occupied) {
          if (r.overlaps(o.region())) {
            throw t.error(
                "mmio", "register window " + r + " overlaps " + o.owner() + " " + o.region());
          }
        }
        occupied.add(new Occupied(r, self));
        mmio = Optional.of(r);
      }

      if (t.has("irq-harts") && !t.has("irq")) {
        throw t.error("irq-harts", "given without irq");
      }
      OptionalInt irq = OptionalInt.empty();
      List<Integer> irqHarts = List.of();
      Optional<Integer> line = t.optional("irq", v -> (int) Quantities.integer(v, 1, MAX_IRQ));
      if (line.isPresent()) {
        if (irqOrigin.containsKey(line.get())) {
          throw t.error(
              "irq",
              "interrupt line " + line.get() + " is already used by " + irqOrigin.get(line.get()));
        }
        irqOrigin.put(line.get(), self);
        irq = OptionalInt.of(line.get());
        irqHarts =
            t.optional("irq-harts", v -> CpuList.parse(v, MAX_HART_ID))
                .orElse(harts.keySet().stream().sorted().toList());
        for (int h : irqHarts) {
          if (!harts.containsKey(h)) {
            throw t.error("irq-harts", noSuchHart(h, harts));
          }
        }
      }
      devices.add(new DeviceDescription(id, kind, identity, instance, mmio, irq, irqHarts));
    }
    return devices;
  }

  /**
   * Fills the node maps from the [[nodes]] tables, or puts everything in node 0 when there are
   * none, refusing harts and ranges that are missing, unplaced or placed twice.
   */
  private static void readNodes(
      String source,
      TomlTable root,
      Map<Integer, HartSpec> harts,
      Map<String, MemorySpec> memory,
      Map<Integer, Integer> hartNode,
      Map<String, Integer> memoryNode,
      Map<Integer, List<Integer>> nodeHarts,
      Map<Integer, List<String>> nodeMemory)
      throws MachineFileException {
    List<TomlTable> tables = root.tables("nodes");
    if (tables.isEmpty()) {
      harts.keySet().forEach(h -> hartNode.put(h, 0));
      memory.keySet().forEach(m -> memoryNode.put(m, 0));
      nodeHarts.put(0, new ArrayList<>(harts.keySet()));
      nodeMemory.put(0, new ArrayList<>(memory.keySet()));
      return;
    }
    Map<Integer, String> nodeOrigin = new HashMap<>();
    for (TomlTable t : tables) {
      t.allowOnly("id", "harts", "memory");
      int id = t.required("id", v -> (int) Quantities.integer(v, 0, MAX_NODE_ID));
      if (nodeOrigin.containsKey(id)) {
        throw t.error("id", "node " + id + " is already defined by " + nodeOrigin.get(id));
      }
      nodeOrigin.put(id, t.path());
      List<Integer> hs = t.optional("harts", v -> CpuList.parse(v, MAX_HART_ID)).orElse(List.of());
      for (int h : hs) {
        if (!harts.containsKey(h)) {
          throw t.error("harts", noSuchHart(h, harts));
        }
        if (hartNode.containsKey(h)) {
          throw t.error("harts", "hart " + h + " is already in node " + hartNode.get(h));
        }
        hartNode.put(h, id);
      }
      List<String> ms = t.optional("memory", MachineFileReader::names).orElse(List.of());
      for (int j = 0; j < ms.size(); j++) {
        String m = ms.get(j);
        String key = "memory[" + j + "]";
        if (!memory.containsKey(m)) {
          throw t.error(
              key,
              "no memory range is named '"
                  + Quantities.clip(m)
                  + "'; ranges are "
                  + String.join(", ", memory.keySet()));
        }
        if (memoryNode.containsKey(m)) {
          throw t.error(key, "memory range '" + m + "' is already in node " + memoryNode.get(m));
        }
        memoryNode.put(m, id);
      }
      if (hs.isEmpty() && ms.isEmpty()) {
        throw t.error("a node needs harts or memory");
      }
      nodeHarts.put(id, hs);
      nodeMemory.put(id, ms);
    }
    for (HartSpec h : harts.values()) {
      if (!hartNode.containsKey(h.id())) {
        throw new MachineFileException(
            source,
            "nodes",
            "hart " + h.id() + " (" + h.origin() + ") is in no node; list it in one node's harts");
      }
    }
    for (MemorySpec m : memory.values()) {
      if (!memoryNode.containsKey(m.name())) {
        throw new MachineFileException(
            source,
            "nodes",
            "memory range '"
                + m.name()
                + "' ("
                + m.origin()
                + ") is in no node; list it in one node's memory");
      }
    }
  }

  /** Refuses a range that is empty, unaligned or beyond the physical address space. */
  private static void checkRange(TomlTable t, String baseKey, String sizeKey, long base, long size)
      throws MachineFileException {
    if (base % PAGE_SIZE != 0) {
      throw t.error(baseKey, Region.hex(base) + " is not aligned to 4 KiB");
    }
    if (base >= PHYS_LIMIT) {
      throw t.error(baseKey, Region.hex(base) + " is beyond the 56-bit physical address space");
    }
    if (size == 0) {
      throw t.error(sizeKey, "must not be zero");
    }
    if (size % PAGE_SIZE != 0) {
      throw t.error(sizeKey, Quantities.formatSize(size) + " is not a multiple of 4 KiB");
    }
    if (size > PHYS_LIMIT - base) {
      throw t.error(
          sizeKey,
          Quantities.formatSize(size)
              + " from "
              + Region.hex(base)
              + " runs beyond the 56-bit physical address space");
    }
  }

  private static String noSuchHart(int h, Map<Integer, HartSpec> harts) {
    return "hart " + h + " does not exist; harts are " + CpuList.format(harts.keySet());
  }

  private static String name(Toml.Value v) {
    String s = Quantities.text(v);
    if (s.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return s;
  }

  private static String deviceId(Toml.Value v) {
    String s = Quantities.text(v);
    if (s.isEmpty() || s.length() > 32 || !s.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException(
          "'"
              + Quantities.clip(s)
              + "' is not a device id; use 1-32 letters, digits, '-', '_' or '.'");
    }
    return s;
  }

  private static String commandLine(Toml.Value v) {
    String s = Quantities.text(v);
    if (s.getBytes(StandardCharsets.UTF_8).length >= COMMAND_LINE_SIZE) {
      throw new IllegalArgumentException(
          "longer than " + (COMMAND_LINE_SIZE - 1) + " bytes (Linux COMMAND_LINE_SIZE)");
    }
    if (s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("must not hold control characters such as newlines");
    }
    return s;
  }

  /** A list of names: an array of strings, or one string. */
  private static List<String> names(Toml.Value v) {
    if (v instanceof Toml.StringValue s) {
      return List.of(s.value());
    }
    if (!(v instanceof Toml.Array a)) {
      throw new IllegalArgumentException(
          "expected an array of memory range names, got " + Quantities.type(v));
    }
    List<String> out = new ArrayList<>();
    for (Toml.Value e : a.items()) {
      out.add(Quantities.text(e));
    }
    return out;
  }
}
