package dev.popcornj.machine;

import dev.popcornj.machine.cost.CostModel;
import dev.popcornj.machine.desc.DeviceDescription;
import dev.popcornj.machine.desc.DeviceKind;
import dev.popcornj.machine.desc.HartDescription;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.desc.MemoryRange;
import dev.popcornj.machine.dev.Device;
import dev.popcornj.machine.dev.Uart;
import dev.popcornj.machine.hart.Hart;
import dev.popcornj.machine.irq.InterruptController;
import dev.popcornj.machine.mem.ContentPool;
import dev.popcornj.machine.mem.MemoryAudit;
import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.PhysicalMemory;
import dev.popcornj.machine.mem.Region;
import dev.popcornj.machine.sim.Simulation;
import dev.popcornj.machine.trace.Trace;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One simulated machine built from its description: harts, physical memory, interrupt controller,
 * devices and the simulation loop that drives them. Kernels reach it only through the harts they
 * are given, memory views of their partitions, and the devices they own.
 *
 * <pre>
 *   Simulation ── events, virtual time, quanta
 *      │
 *   harts[0..n) ─── InterruptController ─── devices (uart, ...)
 *      │                    │
 *   MemoryView per accessor ── PhysicalMemory (sparse frames)
 * </pre>
 */
public final class Machine {
  /**
   * How a machine is run: seed, quantum, costs, trace, where the console's output goes, and an
   * optional audit of every memory view's frame lookups (null: none).
   */
  public record Options(
      long seed,
      long quantumPs,
      CostModel cost,
      Trace trace,
      OutputStream consoleOut,
      MemoryAudit audit) {
    public static final long DEFAULT_QUANTUM_PS = 10_000_000L;

    public Options(
        long seed, long quantumPs, CostModel cost, Trace trace, OutputStream consoleOut) {
      this(seed, quantumPs, cost, trace, consoleOut, null);
    }

    public static Options defaults(OutputStream consoleOut) {
      return new Options(0, DEFAULT_QUANTUM_PS, CostModel.defaults(), Trace.off(), consoleOut);
    }

    public Options withTrace(Trace t) {
      return new Options(seed, quantumPs, cost, t, consoleOut, audit);
    }

    public Options withSeed(long s) {
      return new Options(s, quantumPs, cost, trace, consoleOut, audit);
    }

    public Options withAudit(MemoryAudit a) {
      return new Options(seed, quantumPs, cost, trace, consoleOut, a);
    }
  }

  private final MachineDescription description;
  private final Options options;
  private final Simulation simulation;
  private final PhysicalMemory memory = new PhysicalMemory();
  private final ContentPool contents = new ContentPool();
  private final List<Hart> harts = new ArrayList<>();
  private final InterruptController interrupts;
  private final Map<String, Device> devices = new LinkedHashMap<>();

  public Machine(MachineDescription description, Options options) {
    this.description = description;
    this.options = options;
    this.simulation = new Simulation(options.seed(), options.quantumPs(), options.trace());
    for (MemoryRange r : description.memory()) {
      memory.addRange(r.base(), r.size());
    }
    int[] nodeOfHart = new int[description.harts().size()];
    for (HartDescription h : description.harts()) {
      if (h.id() != harts.size()) {
        throw new IllegalArgumentException("hart ids must run 0.." + (nodeOfHart.length - 1));
      }
      Hart hart = new Hart(h.id(), h.isa(), h.clockHz());
      hart.setTimebaseHz(description.timebaseHz());
      harts.add(hart);
      nodeOfHart[h.id()] = h.node();
    }
    List<int[]> routes = new ArrayList<>();
    List<DeviceDescription> withIrq = new ArrayList<>();
    for (DeviceDescription d : description.devices()) {
      if (d.irq().isPresent()) {
        withIrq.add(d);
      }
    }
    int lines = withIrq.stream().mapToInt(d -> d.irq().getAsInt() + 1).max().orElse(0);
    for (int line = 0; line < lines; line++) {
      routes.add(new int[0]);
    }
    for (DeviceDescription d : withIrq) {
      routes.set(d.irq().getAsInt(), d.irqHarts().stream().mapToInt(Integer::intValue).toArray());
    }
    this.interrupts = new InterruptController(simulation, options.cost(), nodeOfHart, routes);
    for (DeviceDescription d : description.devices()) {
      if (d.kind() == DeviceKind.UART) {
        devices.put(
            d.id(),
            new Uart(d.id(), simulation, interrupts, d.irq().orElse(-1), options.consoleOut()));
      }
    }
  }

  public MachineDescription description() {
    return description;
  }

  public Options options() {
    return options;
  }

  public Simulation simulation() {
    return simulation;
  }

  public InterruptController interrupts() {
    return interrupts;
  }

  public List<Hart> harts() {
    return List.copyOf(harts);
  }

  public Hart hart(int id) {
    return harts.get(id);
  }

  /** NUMA node of a hart. */
  public int nodeOf(int hartId) {
    return description.harts().get(hartId).node();
  }

  /** A view of physical memory that allows exactly the given regions: a partition guard. */
  /** The host's single copies of read-only contents the kernels load (initramfs archives). */
  public ContentPool contents() {
    return contents;
  }

  public MemoryView memoryView(String accessor, List<Region> grants) {
    return new MemoryView(accessor, memory, grants, options.audit());
  }

  /** Frames that hold host memory now. */
  public long touchedFrames() {
    return memory.touchedFrames();
  }

  public Optional<Device> device(String id) {
    return Optional.ofNullable(devices.get(id));
  }

  /** The first UART of the machine: the console. */
  public Optional<Uart> console() {
    return devices.values().stream()
        .filter(Uart.class::isInstance)
        .map(Uart.class::cast)
        .findFirst();
  }
}
