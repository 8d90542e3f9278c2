package dev.popcornj.kernel.msg;

import dev.popcornj.machine.Machine;
import dev.popcornj.machine.desc.MachineFiles;
import dev.popcornj.machine.irq.InterruptController;
import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.Region;
import dev.popcornj.machine.sim.Simulation;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Test harness: a real default machine with n kernel endpoints, each with its own MemoryView (its
 * partition plus the messaging window), IPIs routed through the machine's interrupt controller to
 * the receiver's onInterrupt, and deferred work as simulation events. Only the endpoints' own
 * objects hold state; they meet only in simulated memory.
 *
 * <pre>
 *   dram0 0x8000_0000  kernel 0 | kernel 1 | kernel 2 | kernel 3   (128 MiB each)
 *   dram1 0xa000_0000  messaging window (1 MiB)
 *   kernel k runs on harts 2k and 2k+1; hart 2k takes its message interrupt
 * </pre>
 */
public final class MsgCluster {
  static final long WINDOW_BASE = 0xa000_0000L;
  static final long WINDOW_SIZE = 1 << 20;
  static final long PARTITION_BASE = 0x8000_0000L;
  static final long PARTITION_SIZE = 0x0800_0000L;

  public final Machine machine;
  public final Simulation sim;
  final List<Endpoint> endpoints = new ArrayList<>();
  final List<MemoryView> views = new ArrayList<>();

  MsgCluster(long seed, int kernels, int ringSlots, int pollBudget) {
    try {
      machine =
          new Machine(
              MachineFiles.load("default"),
              Machine.Options.defaults(OutputStream.nullOutputStream()).withSeed(seed));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    sim = machine.simulation();
    Region window = new Region(WINDOW_BASE, WINDOW_SIZE);
    InterruptController irq = machine.interrupts();
    for (int k = 0; k < kernels; k++) {
      Region part = new Region(PARTITION_BASE + k * PARTITION_SIZE, PARTITION_SIZE);
      views.add(machine.memoryView("kernel" + k, List.of(part, window)));
    }
    MessageWindow.format(views.get(0), WINDOW_BASE, WINDOW_SIZE, 8, ringSlots);
    for (int k = 0; k < kernels; k++) {
      int me = k;
      int hart = 2 * k;
      MemoryView view = views.get(k);
      MessageWindow w = new MessageWindow(view, WINDOW_BASE, WINDOW_SIZE);
      KernelIdentity id =
          new KernelIdentity(k, hart, PARTITION_BASE + k * PARTITION_SIZE, PARTITION_SIZE);
      // The IPI goes to the first hart the receiver published in the info table.
      IpiSender ipi = (to, at) -> irq.sendIpi(hart, w.identity(to).firstHart(), at);
      Deferrer later = (at, action) -> sim.events().schedule(at, now -> action.run());
      Endpoint e = new Endpoint(id, w, sim::now, ipi, later, pollBudget);
      e.register("test", TestBlob.TYPE, null);
      endpoints.add(e);
      irq.setListener(
          hart,
          (h, bits) -> {
            if ((bits & (1L << InterruptController.SOFTWARE)) != 0) {
              irq.clear(h, InterruptController.SOFTWARE);
              endpoints.get(me).onInterrupt();
            }
          });
    }
  }

  public MsgCluster(long seed, int kernels) {
    this(seed, kernels, MsgParams.DEFAULT_RING_SLOTS, MsgParams.POLL_BUDGET);
  }

  public Endpoint get(int k) {
    return endpoints.get(k);
  }

  public void checkInAll() {
    for (Endpoint e : endpoints) {
      e.checkIn();
      runUntilIdle();
    }
  }

  /** Virtual time after which a run that has not gone idle counts as stuck (10 ms). */
  static final long STUCK_PS = 10_000_000_000L;

  /** Runs the machine until no event is left (no harts run here); fails if that takes too long. */
  void runUntilIdle() {
    Simulation.StopReason r = sim.run(sim.now() + STUCK_PS, Long.MAX_VALUE);
    if (r != Simulation.StopReason.ALL_IDLE) {
      throw new AssertionError("LIVENESS: still busy at " + sim.now() + " ps (" + r + ")");
    }
  }

  /** Schedules action at virtual time t. */
  public void at(long t, Runnable action) {
    sim.events().schedule(t, now -> action.run());
  }

  /** The test's Waiter: run the simulation event by event until the reply is done. */
  Waiter waiter() {
    return reply -> {
      while (!reply.isDone() && !sim.events().isEmpty()) {
        sim.run(sim.events().nextTime(), Long.MAX_VALUE);
      }
    };
  }
}
