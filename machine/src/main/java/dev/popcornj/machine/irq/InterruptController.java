package dev.popcornj.machine.irq;

import dev.popcornj.machine.cost.CostModel;
import dev.popcornj.machine.sim.EventQueue;
import dev.popcornj.machine.sim.Simulation;
import dev.popcornj.machine.trace.Trace;
import java.util.List;

/**
 * Per-hart pending interrupts, inter-processor interrupts with modelled latency, a timer compare
 * per hart, and routing of device interrupt lines to harts. Bits follow the supervisor interrupt
 * numbering of the privileged specification (software 1, timer 5, external 9).
 *
 * <p>Every change of a hart's pending bits becomes visible to its driver at that hart's next slice
 * boundary: the controller raises the bit at the event's due time and tells the hart's {@link
 * Listener}, which typically stops the hart's current slice.
 */
public final class InterruptController {
  public static final int SOFTWARE = 1;
  public static final int TIMER = 5;
  public static final int EXTERNAL = 9;

  /** Told when a hart gets a newly pending interrupt; set by the kernel that owns the hart. */
  @FunctionalInterface
  public interface Listener {
    void onInterruptPending(int hart, long pendingBits);
  }

  private final Simulation sim;
  private final CostModel cost;
  private final int[] nodeOfHart;
  private final long[] pending;
  private final Listener[] listeners;
  private final EventQueue.Handle[] timers;
  private final int[][] routes;
  private final long[] ipisSent;
  private long nextFlowId = 1;

  /**
   * @param nodeOfHart NUMA node of each hart, indexed by hart id
   * @param routes for each device interrupt line, the harts it is delivered to
   */
  public InterruptController(Simulation sim, CostModel cost, int[] nodeOfHart, List<int[]> routes) {
    this.sim = sim;
    this.cost = cost;
    this.nodeOfHart = nodeOfHart.clone();
    this.pending = new long[nodeOfHart.length];
    this.listeners = new Listener[nodeOfHart.length];
    this.timers = new EventQueue.Handle[nodeOfHart.length];
    this.ipisSent = new long[nodeOfHart.length];
    this.routes = new int[routes.size()][];
    for (int i = 0; i < routes.size(); i++) {
      this.routes[i] = routes.get(i).clone();
    }
  }

  public int harts() {
    return pending.length;
  }

  public void setListener(int hart, Listener listener) {
    listeners[hart] = listener;
  }

  public long pending(int hart) {
    return pending[hart];
  }

  /** Clears the given interrupt bit of a hart (the handler has taken it). */
  public void clear(int hart, int bit) {
    pending[hart] &= ~(1L << bit);
  }

  public long ipisSent(int hart) {
    return ipisSent[hart];
  }

  /**
   * Sends an IPI from one hart, at its local time sendPs, to another. It becomes pending on the
   * receiver after the latency between their nodes.
   */
  public void sendIpi(int from, int to, long sendPs) {
    long due = sendPs + cost.ipiLatencyPs(nodeOfHart[from], nodeOfHart[to]);
    ipisSent[from]++;
    long flow = nextFlowId++;
    Trace trace = sim.trace();
    if (trace.enabled()) {
      trace.flow("irq", "ipi", flow, -1, from, sendPs, -1, to, due);
    }
    sim.events().schedule(due, now -> raise(to, SOFTWARE, now, "ipi"));
  }

  /** Arms hart's timer to fire at deadlinePs (replacing an earlier deadline), or disarms it. */
  public void setTimer(int hart, long deadlinePs) {
    if (timers[hart] != null) {
      timers[hart].cancel();
    }
    timers[hart] = sim.events().schedule(deadlinePs, now -> raise(hart, TIMER, now, "timer"));
  }

  public void cancelTimer(int hart) {
    if (timers[hart] != null) {
      timers[hart].cancel();
      timers[hart] = null;
    }
  }

  /** A device raises its interrupt line at timePs; every hart the line is routed to sees it. */
  public void raiseLine(int line, long timePs) {
    if (line < 0 || line >= routes.length) {
      throw new IllegalArgumentException("no interrupt line " + line);
    }
    sim.events()
        .schedule(
            timePs,
            now -> {
              for (int h : routes[line]) {
                raise(h, EXTERNAL, now, "irq" + line);
              }
            });
  }

  private void raise(int hart, int bit, long now, String what) {
    pending[hart] |= 1L << bit;
    Trace trace = sim.trace();
    if (trace.enabled()) {
      trace.instant("irq", what, -1, hart, now, null);
    }
    Listener l = listeners[hart];
    if (l != null) {
      l.onInterruptPending(hart, pending[hart]);
    }
  }
}
