package dev.popcornj.kernel.platform;

import dev.popcornj.machine.desc.DeviceDescription;
import dev.popcornj.machine.desc.DeviceKind;
import dev.popcornj.machine.mem.Region;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The share of the machine one kernel instance owns, worked out from its {@link PartitionParams}
 * and checked against the machine and the kernels already running: what a kernel is booted with.
 *
 * @param kernelId its Popcorn kernel id, 0 for the primary
 * @param harts its CPUs, machine hart ids in {@code present_mask} order
 * @param memory its usable RAM, sorted by address, non-overlapping, each a multiple of 4 KiB
 * @param devices the machine devices it may drive, in machine order
 * @param messageWindow the shared messaging window, which lies outside {@code memory}
 * @param vtyOffset the index of its virtual TTY
 */
public record Partition(
    int kernelId,
    List<Integer> harts,
    List<Region> memory,
    List<DeviceDescription> devices,
    Optional<Region> messageWindow,
    int vtyOffset) {
  public Partition {
    Objects.requireNonNull(messageWindow, "messageWindow");
    harts = List.copyOf(harts);
    memory = List.copyOf(memory);
    devices = List.copyOf(devices);
    if (harts.isEmpty() || memory.isEmpty()) {
      throw new IllegalArgumentException("a partition needs at least one hart and some memory");
    }
  }

  public long memoryBytes() {
    return memory.stream().mapToLong(Region::size).sum();
  }

  /** Whether it may drive a device of this kind, such as the console UART. */
  public boolean owns(DeviceKind kind) {
    return devices.stream().anyMatch(d -> d.kind() == kind);
  }
}
