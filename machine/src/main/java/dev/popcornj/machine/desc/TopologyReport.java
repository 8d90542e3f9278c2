package dev.popcornj.machine.desc;

import dev.popcornj.machine.mem.Region;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Prints a machine description for a human: harts, NUMA nodes, the physical memory map, devices
 * with their interrupt routing, and the boot command line. One hart per line, so a reader can grep
 * for one. Names from the file are printed escaped ({@link Printable}).
 */
public final class TopologyReport {
  private TopologyReport() {}

  public static String render(MachineDescription m) {
    StringBuilder b = new StringBuilder();
    b.append("machine ")
        .append(Printable.escape(m.name()))
        .append(" (")
        .append(Printable.escape(m.source()))
        .append(")\n");

    b.append("harts (").append(m.harts().size()).append("):\n");
    int idWidth = String.valueOf(m.harts().getLast().id()).length();
    int isaWidth = m.harts().stream().mapToInt(h -> h.isa().text().length()).max().orElse(0);
    for (HartDescription h : m.harts()) {
      b.append(
          String.format(
              "  hart %-" + idWidth + "d  %-" + isaWidth + "s  %s  node %d%n",
              h.id(),
              h.isa().text(),
              Quantities.formatFrequency(h.clockHz()),
              h.node()));
    }

    b.append("numa nodes (").append(m.nodes().size()).append("):\n");
    for (NumaNode n : m.nodes()) {
      String ranges =
          n.memory().isEmpty()
              ? "none"
              : n.memory().stream()
                  .map(r -> Printable.escape(r.name()))
                  .collect(Collectors.joining(", "));
      b.append(
          String.format(
              "  node %d  harts %s  memory %s (%s)%n",
              n.id(), CpuList.format(n.harts()), Quantities.formatSize(n.memoryBytes()), ranges));
    }

    b.append("memory map:\n");
    record Entry(Region region, String what) {}
    List<Entry> map = new ArrayList<>();
    for (MemoryRange r : m.memory()) {
      map.add(new Entry(r.region(), "ram " + Printable.escape(r.name()) + ", node " + r.node()));
    }
    for (DeviceDescription d : m.devices()) {
      d.mmio()
          .ifPresent(
              r -> map.add(new Entry(r, "mmio " + d.id() + " (" + d.kind().fileName() + ")")));
    }
    map.sort(Comparator.comparingLong(e -> e.region().base()));
    for (Entry e : map) {
      b.append(
          String.format(
              "  0x%012x-0x%012x  %9s  %s%n",
              e.region().base(),
              e.region().end() - 1,
              Quantities.formatSize(e.region().size()),
              e.what()));
    }

    b.append("devices (").append(m.devices().size()).append("):\n");
    int nameWidth = m.devices().stream().mapToInt(d -> d.id().length()).max().orElse(0);
    for (DeviceDescription d : m.devices()) {
      String irq =
          d.irq().isPresent()
              ? "irq " + d.irq().getAsInt() + " -> harts " + CpuList.format(d.irqHarts())
              : "no irq";
      String mmio = d.mmio().map(r -> "mmio " + Region.hex(r.base())).orElse("no mmio");
      b.append(
          String.format(
              "  %-" + nameWidth + "s  %-5s  %s #%d  %s  %s%n",
              d.id(),
              d.kind().fileName(),
              d.deviceId(),
              d.instance(),
              mmio,
              irq));
    }

    b.append("timebase: ").append(Quantities.formatFrequency(m.timebaseHz())).append('\n');
    b.append("boot command line: ").append(Printable.escape(m.bootCommandLine())).append('\n');
    return b.toString();
  }
}
