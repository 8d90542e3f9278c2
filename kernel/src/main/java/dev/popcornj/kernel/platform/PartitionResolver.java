package dev.popcornj.kernel.platform;

import dev.popcornj.machine.desc.DeviceDescription;
import dev.popcornj.machine.desc.DeviceId;
import dev.popcornj.machine.desc.DeviceKind;
import dev.popcornj.machine.desc.HartDescription;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.desc.MemoryRange;
import dev.popcornj.machine.mem.Region;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Checks a kernel's {@link PartitionParams} against the machine and the running kernels and works
 * out its {@link Partition}. Each refusal is one {@link BootException} line; the checks run in the
 * order docs/boot-parameters.md lists them, and nothing is touched before all have passed.
 */
final class PartitionResolver {
  private PartitionResolver() {}

  static Partition resolve(MachineDescription m, PartitionParams p, List<Partition> running) {
    for (Partition r : running) {
      if (r.kernelId() == p.kernelId()) {
        throw new BootException(
            "popcorn_id=" + p.kernelId() + ": kernel " + p.kernelId() + " is already running");
      }
    }
    List<Integer> harts = harts(m, p);
    List<DeviceDescription> devices = devices(m, p);
    List<Region> ram = merge(m.memory().stream().map(MemoryRange::region).toList());
    for (Region u : p.usable()) {
      if (!covered(u, ram)) {
        throw new BootException(
            memmap(u, '@') + ": " + u + " is not inside the machine's memory (" + ramText(m) + ")");
      }
      for (Region r : p.reserved()) {
        if (u.overlaps(r)) {
          throw new BootException(
              memmap(u, '@') + ": usable region overlaps the reserved " + memmap(r, '$'));
        }
      }
    }
    Optional<Region> window = p.messageWindow();
    if (window.isPresent() && !covered(window.get(), ram)) {
      throw new BootException(
          msg(window.get())
              + ": window "
              + window.get()
              + " is not inside the machine's memory ("
              + ramText(m)
              + ")");
    }
    List<Region> memory = p.usable().isEmpty() ? ram : merge(p.usable());
    for (Region r : p.reserved()) {
      memory = subtract(memory, r);
    }
    if (window.isPresent()) {
      for (Region u : memory) {
        if (u.overlaps(window.get())) {
          throw new BootException(
              msg(window.get())
                  + ": window overlaps usable memory "
                  + u
                  + "; reserve it with memmap="
                  + PartitionParams.size(window.get().size())
                  + "$"
                  + Region.hex(window.get().base()));
        }
      }
    }
    if (p.memLimit().isPresent()) {
      memory = limit(memory, p.memLimit().getAsLong());
    }
    if (memory.isEmpty()) {
      throw new BootException(
          "memmap=/mem=: no usable memory is left once reserved regions are taken out");
    }
    checkRunning(p, harts, memory, devices, window, running);
    return new Partition(p.kernelId(), harts, memory, devices, window, p.effectiveVtyOffset());
  }

  private static List<Integer> harts(MachineDescription m, PartitionParams p) {
    List<Integer> harts =
        p.presentMask().orElse(m.harts().stream().map(HartDescription::id).toList());
    List<Integer> missing = harts.stream().filter(h -> m.hart(h).isEmpty()).toList();
    if (!missing.isEmpty()) {
      throw new BootException(
          "present_mask="
              + PartitionParams.clip(cpus(harts))
              + ": machine "
              + m.name()
              + " has no hart "
              + PartitionParams.clip(cpus(missing))
              + "; its harts are "
              + cpus(m.harts().stream().map(HartDescription::id).toList()));
    }
    return harts;
  }

  private static List<DeviceDescription> devices(MachineDescription m, PartitionParams p) {
    for (DeviceId id : p.excludedDevices()) {
      if (m.devices().stream().noneMatch(d -> d.deviceId().equals(id))) {
        throw new BootException(
            "pci_dev_flags: machine "
                + m.name()
                + " has no device "
                + id
                + "; its devices are "
                + (m.devices().isEmpty()
                    ? "none"
                    : m.devices().stream()
                        .map(d -> d.deviceId() + " (" + d.id() + ")")
                        .collect(Collectors.joining(", "))));
      }
    }
    return m.devices().stream().filter(d -> !p.excludedDevices().contains(d.deviceId())).toList();
  }

  private static void checkRunning(
      PartitionParams p,
      List<Integer> harts,
      List<Region> memory,
      List<DeviceDescription> devices,
      Optional<Region> window,
      List<Partition> running) {
    for (Partition r : running) {
      String other = "running kernel " + r.kernelId();
      List<Integer> shared = harts.stream().filter(r.harts()::contains).toList();
      if (!shared.isEmpty()) {
        throw new BootException(
            "present_mask=" + cpus(harts) + ": hart " + cpus(shared) + " belongs to " + other);
      }
      for (Region mine : memory) {
        for (Region theirs : r.memory()) {
          if (mine.overlaps(theirs)) {
            throw new BootException(
                "memory " + mine + " overlaps " + other + "'s memory " + theirs);
          }
        }
        if (r.messageWindow().isPresent() && mine.overlaps(r.messageWindow().get())) {
          throw new BootException(
              "memory " + mine + " overlaps the messaging window " + r.messageWindow().get());
        }
      }
      if (window.isPresent()
          && r.messageWindow().isPresent()
          && !window.equals(r.messageWindow())) {
        Region w = r.messageWindow().get();
        throw new BootException(
            msg(window.get())
                + ": the running kernels share the window "
                + w
                + "; use popcorn_msg="
                + Region.hex(w.base())
                + ","
                + Region.hex(w.size()));
      }
      if (window.isPresent()) {
        for (Region theirs : r.memory()) {
          if (theirs.overlaps(window.get())) {
            throw new BootException(
                msg(window.get()) + ": window overlaps " + other + "'s memory " + theirs);
          }
        }
      }
      for (DeviceDescription d : devices) {
        // A timer is per hart (CLINT-style): each kernel programs only its own harts' registers.
        if (d.kind() != DeviceKind.TIMER && r.devices().contains(d)) {
          throw new BootException(
              "device "
                  + d.id()
                  + " ("
                  + d.deviceId()
                  + ") belongs to "
                  + other
                  + "; keep it away with pci_dev_flags="
                  + d.deviceId()
                  + ":b");
        }
      }
      if (r.vtyOffset() == p.effectiveVtyOffset()) {
        throw new BootException(
            "vty_offset="
                + p.effectiveVtyOffset()
                + ": virtual TTY "
                + r.vtyOffset()
                + " belongs to "
                + other);
      }
    }
  }

  /** Regions sorted by base, with overlapping or touching ones joined. */
  static List<Region> merge(List<Region> regions) {
    List<Region> sorted = regions.stream().sorted(Comparator.comparingLong(Region::base)).toList();
    List<Region> out = new ArrayList<>();
    for (Region r : sorted) {
      if (!out.isEmpty() && out.getLast().end() >= r.base()) {
        Region last = out.removeLast();
        out.add(new Region(last.base(), Math.max(last.end(), r.end()) - last.base()));
      } else {
        out.add(r);
      }
    }
    return out;
  }

  /** The parts of a sorted region list that lie outside {@code cut}. */
  static List<Region> subtract(List<Region> regions, Region cut) {
    List<Region> out = new ArrayList<>();
    for (Region r : regions) {
      if (!r.overlaps(cut)) {
        out.add(r);
        continue;
      }
      if (r.base() < cut.base()) {
        out.add(new Region(r.base(), cut.base() - r.base()));
      }
      if (cut.end() < r.end()) {
        out.add(new Region(cut.end(), r.end() - cut.end()));
      }
    }
    return out;
  }

  /** Whether a region lies wholly inside a merged, sorted region list. */
  static boolean covered(Region r, List<Region> merged) {
    return merged.stream().anyMatch(m -> m.base() <= r.base() && r.end() <= m.end());
  }

  /** mem=: the first {@code limit} bytes of the memory, counted upward from its lowest address. */
  private static List<Region> limit(List<Region> memory, long limit) {
    List<Region> out = new ArrayList<>();
    long left = limit;
    for (Region r : memory) {
      if (left == 0) {
        break;
      }
      long take = Math.min(left, r.size());
      out.add(new Region(r.base(), take));
      left -= take;
    }
    return out;
  }

  private static String ramText(MachineDescription m) {
    return m.memory().stream()
        .map(r -> r.name() + " " + r.region())
        .collect(Collectors.joining(", "));
  }

  private static String memmap(Region r, char kind) {
    return "memmap=" + PartitionParams.size(r.size()) + kind + Region.hex(r.base());
  }

  private static String msg(Region w) {
    return "popcorn_msg=" + Region.hex(w.base()) + "," + Region.hex(w.size());
  }

  private static String cpus(List<Integer> ids) {
    return dev.popcornj.machine.desc.CpuList.format(ids);
  }
}
