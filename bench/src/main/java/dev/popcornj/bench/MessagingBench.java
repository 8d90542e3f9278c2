package dev.popcornj.bench;

import dev.popcornj.kernel.msg.Endpoint;
import dev.popcornj.kernel.msg.KernelIdentity;
import dev.popcornj.kernel.msg.LayerMessage;
import dev.popcornj.kernel.msg.MessageWindow;
import dev.popcornj.kernel.msg.MsgTracer;
import dev.popcornj.kernel.msg.PendingReply;
import dev.popcornj.kernel.msg.Priority;
import dev.popcornj.machine.Machine;
import dev.popcornj.machine.desc.MachineFiles;
import dev.popcornj.machine.irq.InterruptController;
import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.Region;
import dev.popcornj.machine.sim.Simulation;
import java.io.OutputStream;
import java.util.List;

/**
 * End-to-end benchmark of the messaging layer between two kernels on the default machine (two NUMA
 * nodes of four harts): request/response round trips on the same node (harts 0 and 2) and across
 * nodes (harts 0 and 4), in virtual time and in host time per message; and one-way streams under
 * light load (one message, then idle) and heavy load (bursts), counting IPIs per message to show
 * the NAPI-style mitigation.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.popcornj.bench.MessagingBench}. Host
 * figures vary with the machine; virtual figures do not.
 */
public final class MessagingBench {
  private static final long WINDOW = 0x9fc0_0000L;
  private static final long WINDOW_SIZE = 4L << 20;

  private final Simulation sim;
  private final Endpoint a;
  private final Endpoint b;
  // The stamp of each kernel's last poll that took something: when its reader had the lines.
  private final long[] lastPollPs = new long[2];

  private MessagingBench(int hartA, int hartB) throws Exception {
    Machine m =
        new Machine(
            MachineFiles.load("default"),
            Machine.Options.defaults(OutputStream.nullOutputStream()));
    sim = m.simulation();
    InterruptController irq = m.interrupts();
    Region window = new Region(WINDOW, WINDOW_SIZE);
    MemoryView va = m.memoryView("a", List.of(new Region(0x8000_0000L, 64L << 20), window));
    MemoryView vb = m.memoryView("b", List.of(new Region(0xa000_0000L, 64L << 20), window));
    MessageWindow.format(va, WINDOW, WINDOW_SIZE, 2);
    a = endpoint(m, irq, va, 0, hartA, 0x8000_0000L);
    b = endpoint(m, irq, vb, 1, hartB, 0xa000_0000L);
    a.checkIn();
    drain();
    b.checkIn();
    drain();
  }

  private Endpoint endpoint(
      Machine m, InterruptController irq, MemoryView view, int id, int hart, long base) {
    MessageWindow w = new MessageWindow(view, WINDOW, WINDOW_SIZE);
    Endpoint[] self = new Endpoint[1];
    self[0] =
        new Endpoint(
            new KernelIdentity(id, hart, base, 64L << 20),
            w,
            sim::now,
            (to, at) -> irq.sendIpi(hart, w.identity(to).firstHart(), at),
            (at, action) -> sim.events().schedule(at, now -> action.run()),
            dev.popcornj.kernel.msg.MsgParams.POLL_BUDGET);
    self[0].setLineCost(
        (from, to) ->
            m.options()
                .cost()
                .lineLatencyPs(
                    m.nodeOf(w.identity(from).firstHart()), m.nodeOf(w.identity(to).firstHart())));
    self[0].setTracer(
        new MsgTracer() {
          @Override
          public void onPoll(int batch, long timePs) {
            if (batch > 0) {
              lastPollPs[id] = timePs;
            }
          }
        });
    irq.setListener(
        hart,
        (h, bits) -> {
          if ((bits & (1L << InterruptController.SOFTWARE)) != 0) {
            irq.clear(h, InterruptController.SOFTWARE);
            self[0].onInterrupt();
          }
        });
    return self[0];
  }

  private void drain() {
    sim.run(Long.MAX_VALUE, Long.MAX_VALUE);
  }

  /**
   * Round trips a -> b -> a, each from its send to the poll on a that has read the reply's line;
   * returns {virtual ps per round trip, host ns per round trip}.
   */
  private double[] roundTrips(int n) {
    long virtual = 0;
    long h0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long sent = sim.now();
      PendingReply r = a.request(1, Priority.NORMAL, new LayerMessage.Ping(i));
      while (!r.isDone() && !sim.events().isEmpty()) {
        sim.run(sim.events().nextTime(), Long.MAX_VALUE);
      }
      virtual += lastPollPs[0] - sent;
    }
    return new double[] {virtual / (double) n, (System.nanoTime() - h0) / (double) n};
  }

  /** n one-way messages in bursts of burst, a pause between bursts; IPIs a sent per message. */
  private double ipisPerMessage(int n, int burst) {
    long before = a.counters().totalIpisSent();
    for (int sent = 0; sent < n; ) {
      for (int i = 0; i < burst && sent < n; i++, sent++) {
        a.post(1, Priority.NORMAL, new LayerMessage.Ping(sent));
      }
      drain();
    }
    return (a.counters().totalIpisSent() - before) / (double) n;
  }

  /**
   * One-way streaming in bursts of 64: returns {virtual ns per message, from each burst's send to
   * the poll on b that read its last line; host ns per message}.
   */
  private double[] throughput(int n) {
    long virtual = 0;
    long h0 = System.nanoTime();
    for (int sent = 0; sent < n; ) {
      long start = sim.now();
      for (int i = 0; i < 64 && sent < n; i++, sent++) {
        a.post(1, Priority.NORMAL, new LayerMessage.Ping(sent));
      }
      drain();
      virtual += lastPollPs[1] - start;
    }
    return new double[] {virtual / 1000.0 / n, (System.nanoTime() - h0) / (double) n};
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    for (int[] pair : new int[][] {{0, 2}, {0, 4}}) {
      String where = pair[1] < 4 ? "same node " : "cross node";
      MessagingBench warm = new MessagingBench(pair[0], pair[1]);
      warm.roundTrips(n);
      MessagingBench bench = new MessagingBench(pair[0], pair[1]);
      double[] rt = bench.roundTrips(n);
      double light = bench.ipisPerMessage(2000, 1);
      double heavy = bench.ipisPerMessage(20_000, 64);
      double[] tput = bench.throughput(n * 5);
      System.out.printf(
          "%s (harts %d->%d): round trip %.0f ns virtual, %.0f ns host; IPIs/message light %.2f,"
              + " heavy %.3f; streaming %.1f ns virtual and %.0f ns host per message%n",
          where, pair[0], pair[1], rt[0] / 1000, rt[1], light, heavy, tput[0], tput[1]);
    }
  }
}
