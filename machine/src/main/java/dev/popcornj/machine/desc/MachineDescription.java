package dev.popcornj.machine.desc;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole machine as described by a machine file or preset, validated and immutable: what the
 * machine is built from and what the primary kernel is booted with.
 *
 * @param harts sorted by id
 * @param nodes sorted by id; every hart and every memory range is in exactly one
 * @param memory sorted by base address, non-overlapping
 * @param devices in file order
 * @param bootCommandLine the command line of the primary kernel
 * @param timebaseHz the frequency of the {@code time} counter
 * @param source where the description came from: a file path or {@code preset NAME}
 */
public record MachineDescription(
    String name,
    List<HartDescription> harts,
    List<NumaNode> nodes,
    List<MemoryRange> memory,
    List<DeviceDescription> devices,
    String bootCommandLine,
    long timebaseHz,
    String source) {
  public MachineDescription {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(bootCommandLine, "bootCommandLine");
    Objects.requireNonNull(source, "source");
    harts = List.copyOf(harts);
    nodes = List.copyOf(nodes);
    memory = List.copyOf(memory);
    devices = List.copyOf(devices);
    if (harts.isEmpty() || memory.isEmpty() || timebaseHz <= 0) {
      throw new IllegalArgumentException("machine " + name + " lacks harts, memory or timebase");
    }
  }

  /**
   * This machine with words added to its boot command line (which every kernel's starts with),
   * before a " -- " that hands the rest to init.
   */
  public MachineDescription withBootWords(String words) {
    String c = bootCommandLine.strip();
    int dashes = (" " + c + " ").indexOf(" -- ");
    String line =
        dashes < 0
            ? (c + " " + words).strip()
            : (c.substring(0, dashes).strip() + " " + words + " " + c.substring(dashes).strip())
                .strip();
    return new MachineDescription(name, harts, nodes, memory, devices, line, timebaseHz, source);
  }

  public Optional<HartDescription> hart(int id) {
    return harts.stream().filter(h -> h.id() == id).findFirst();
  }

  public Optional<NumaNode> node(int id) {
    return nodes.stream().filter(n -> n.id() == id).findFirst();
  }

  public Optional<DeviceDescription> device(String id) {
    return devices.stream().filter(d -> d.id().equals(id)).findFirst();
  }

  public long memoryBytes() {
    return memory.stream().mapToLong(MemoryRange::size).sum();
  }
}
