package dev.popcornj.kernel.boot;

import dev.popcornj.kernel.msg.Endpoint;
import dev.popcornj.kernel.msg.KernelIdentity;
import dev.popcornj.kernel.msg.KernelState;
import dev.popcornj.kernel.msg.Peer;
import dev.popcornj.kernel.msg.Priority;
import dev.popcornj.kernel.platform.Platform;
import dev.popcornj.machine.mem.Region;
import dev.popcornj.machine.sim.Simulation;
import java.util.HashMap;
import java.util.Map;

/**
 * A kernel's end of the messaging layer as the kernel wires it: the endpoint over the shared
 * window, with IPIs, the cost of reading a line from another node and tracing; check-in with every
 * kernel that is up; and a heartbeat with a watchdog that marks a silent peer down. Services bring
 * their own messages ({@link dev.popcornj.kernel.services.PopcornService}).
 *
 * <p>Owned by one kernel instance.
 */
public final class Messaging {
  /** Heartbeat period, and how many silent periods make a peer down. */
  static final long HEARTBEAT_PS = 10_000_000_000L;

  static final int MISSED_BEATS = 3;

  private final Kernel kernel;
  private final Endpoint endpoint;
  private final Simulation sim;
  private final Map<Integer, long[]> lastBeat = new HashMap<>();
  private boolean stopped;

  Messaging(Kernel kernel, Platform platform, Region window, Region partition) {
    this.kernel = kernel;
    this.sim = platform.simulation();
    int firstHart = kernel.harts().getFirst().id();
    this.endpoint =
        new Endpoint(
            new KernelIdentity(
                kernel.config().kernelId(), firstHart, partition.base(), partition.size()),
            kernel.view(),
            window.base(),
            window.size(),
            () -> kernel.scheduler().now(),
            (to, sendPs) -> {
              int hart = endpoint().window().identity(to).firstHart();
              platform.interrupts().sendIpi(firstHart, hart, sendPs);
            },
            (timePs, action) ->
                platform.simulation().events().schedule(timePs, now -> action.run()));
    // A slot's line travels from the sender's node to this kernel's messaging hart's node.
    var info = endpoint.window();
    var cost = platform.cost();
    endpoint.setLineCost(
        (from, to) ->
            cost.lineLatencyPs(
                nodeOf(platform, info.identity(from).firstHart()),
                nodeOf(platform, info.identity(to).firstHart())));
    var trace = kernel.trace();
    if (trace.enabled()) {
      int id = kernel.config().kernelId();
      endpoint.setTracer(
          new dev.popcornj.kernel.msg.MsgTracer() {
            @Override
            public void onSent(int to, Priority priority, int type, int bytes, long timePs) {
              trace.instant(
                  "msg",
                  "send",
                  id,
                  firstHart,
                  timePs,
                  "\"to\":"
                      + to
                      + ",\"type\":"
                      + type
                      + ",\"bytes\":"
                      + bytes
                      + ",\"priority\":\""
                      + priority
                      + "\"");
            }

            @Override
            public void onIpi(int to, long timePs) {
              trace.instant("msg", "ipi", id, firstHart, timePs, "\"to\":" + to);
            }

            @Override
            public void onPoll(int batch, long timePs) {
              trace.instant("msg", "poll", id, firstHart, timePs, "\"batch\":" + batch);
            }
          });
      trace.nameProcess(id, "kernel " + id);
    }
  }

  /** The node of a hart named in the info table; a hart the machine lacks counts as node 0. */
  private static int nodeOf(Platform platform, int hart) {
    try {
      return platform.nodeOfHart().applyAsInt(hart);
    } catch (RuntimeException e) {
      return 0;
    }
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** The message interrupt (an IPI) arrived on one of this kernel's harts. */
  void onInterrupt() {
    if (!stopped) {
      endpoint.onInterrupt();
    }
  }

  /** Announces this kernel to every kernel that is up, and starts the heartbeat and watchdog. */
  void checkIn() {
    endpoint.checkIn();
    tick();
  }

  private void tick() {
    if (stopped) {
      return;
    }
    long now = sim.now();
    endpoint.heartbeat();
    for (Peer p : endpoint.peers()) {
      int k = p.identity().kernelId();
      if (k == kernel.config().kernelId() || p.state() != KernelState.ONLINE) {
        continue;
      }
      if (endpoint.window().state(k) == KernelState.OFFLINE) {
        endpoint.markHalted(k);
        kernel.log().log("popcorn: kernel " + k + " halted");
        continue;
      }
      long beat = endpoint.window().heartbeat(k);
      long[] seen = lastBeat.computeIfAbsent(k, x -> new long[] {beat, now});
      if (beat != seen[0]) {
        seen[0] = beat;
        seen[1] = now;
      } else if (now - seen[1] >= MISSED_BEATS * HEARTBEAT_PS) {
        endpoint.markDown(k);
        kernel.log().log("popcorn: kernel " + k + " is down (no heartbeat)");
      }
    }
    sim.events().schedule(now + HEARTBEAT_PS, t -> kernel.contained(this::tick));
  }

  /**
   * This kernel stops: it says so in the info table (DOWN after a panic, OFFLINE after reboot(2))
   * and stops talking.
   */
  void stop(KernelState state) {
    endpoint.window().setState(kernel.config().kernelId(), state);
    stopped = true;
  }

  /**
   * /proc/popcorn/kernels: every kernel of the info table with its state, CPUs, partition and image
   * kind (full or light; - for a kernel this one neither is nor booted).
   */
  public String kernelsText() {
    StringBuilder b = new StringBuilder("ID  STATE    CPUS      MEMORY          IMAGE\n");
    var w = endpoint.window();
    for (int k = 0; k < w.maxKernels(); k++) {
      KernelState s = w.state(k);
      if (s == KernelState.OFFLINE) {
        continue;
      }
      KernelIdentity id = w.identity(k);
      b.append(
          String.format(
              "%-3d %-8s %-9s %-15s %s%n",
              k,
              s.name().toLowerCase(java.util.Locale.ROOT),
              cpus(k, id.firstHart()),
              String.format("0x%x+%dM", id.partitionBase(), id.partitionSize() >> 20),
              kernel.imageOf(k).map(i -> i.kind().label()).orElse("-")));
    }
    return b.toString();
  }

  /** A kernel's CPUs as a list such as 2-3: known for itself and the kernels it booted. */
  private String cpus(int k, int firstHart) {
    java.util.List<Integer> harts =
        k == kernel.config().kernelId() ? kernel.config().hartIds() : kernel.bootedHarts(k);
    if (harts == null || harts.isEmpty()) {
      return Integer.toString(firstHart);
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < harts.size()) {
      int j = i;
      while (j + 1 < harts.size() && harts.get(j + 1) == harts.get(j) + 1) {
        j++;
      }
      out.append(out.length() == 0 ? "" : ",").append(harts.get(i));
      if (j > i) {
        out.append('-').append(harts.get(j));
      }
      i = j + 1;
    }
    return out.toString();
  }
}
