package dev.popcornj.machine.desc;

import dev.popcornj.machine.mem.Region;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A device of a described machine.
 *
 * @param id the device's unique name, such as {@code uart0}
 * @param instance tells apart devices with the same vendor:device id (ttyS0 and ttyS1)
 * @param mmio the device's register window, if it has one
 * @param irq its interrupt line, if it interrupts
 * @param irqHarts the harts its interrupt is routed to; empty when it has no interrupt line
 */
public record DeviceDescription(
    String id,
    DeviceKind kind,
    DeviceId deviceId,
    int instance,
    Optional<Region> mmio,
    OptionalInt irq,
    List<Integer> irqHarts) {
  public DeviceDescription {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(mmio, "mmio");
    Objects.requireNonNull(irq, "irq");
    irqHarts = List.copyOf(irqHarts);
    if (irq.isEmpty() && !irqHarts.isEmpty()) {
      throw new IllegalArgumentException("device " + id + " routes no interrupt to harts");
    }
  }
}
