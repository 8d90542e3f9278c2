package dev.popcornj.kernel.boot;

import dev.popcornj.kernel.msg.Endpoint;
import dev.popcornj.kernel.msg.Incoming;
import dev.popcornj.kernel.msg.KernelIdentity;
import dev.popcornj.kernel.msg.KernelMessage;
import dev.popcornj.kernel.msg.KernelState;
import dev.popcornj.kernel.msg.Peer;
import dev.popcornj.kernel.msg.Priority;
import dev.popcornj.machine.Machine;
import dev.popcornj.machine.mem.Region;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * A kernel's end of the messaging layer and the services it runs over it: check-in with every
 * kernel that is up, a heartbeat and a watchdog that marks a silent peer down, and the virtual TTYs
 * (a secondary's console output goes to the primary; the primary's /dev/vttyN input goes to kernel
 * N).
 *
 * <p>Owned by one kernel instance.
 */
public final class Messaging {
  /** Blob tags of the virtual TTY service. */
  static final int VTTY_OUTPUT = 1;

  static final int VTTY_INPUT = 2;

  /** A secondary running `popcorn run --on` asks the primary to power off with a status. */
  static final int POWER_OFF = 3;

  /** Heartbeat period, and how many silent periods make a peer down. */
  static final long HEARTBEAT_PS = 10_000_000_000L;

  static final int MISSED_BEATS = 3;

  private final Kernel kernel;
  private final Endpoint endpoint;
  private final Map<Integer, long[]> lastBeat = new HashMap<>();
  private final Map<Integer, ByteArrayOutputStream> vttyOutput = new HashMap<>();
  private boolean stopped;

  Messaging(Kernel kernel, Machine machine, Region window, Region partition) {
    this.kernel = kernel;
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
              machine.interrupts().sendIpi(firstHart, hart, sendPs);
            },
            (timePs, action) ->
                machine.simulation().events().schedule(timePs, now -> action.run()));
    endpoint.register(KernelMessage.BLOB, this::onBlob);
    // A slot's line travels from the sender's node to this kernel's messaging hart's node.
    var info = endpoint.window();
    var cost = machine.options().cost();
    endpoint.setLineCost(
        (from, to) ->
            cost.lineLatencyPs(
                nodeOf(machine, info.identity(from).firstHart()),
                nodeOf(machine, info.identity(to).firstHart())));
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
  private static int nodeOf(Machine machine, int hart) {
    return hart >= 0 && hart < machine.harts().size() ? machine.nodeOf(hart) : 0;
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
  void checkIn(Machine machine) {
    endpoint.checkIn();
    VirtualConsole vc = kernel.virtualConsole();
    if (vc != null) {
      vc.setOnOutput(
          () -> {
            byte[] out = vc.takeOutput();
            if (out.length > 0 && !stopped) {
              endpoint.post(0, Priority.NORMAL, new KernelMessage.Blob(VTTY_OUTPUT, out));
            }
          });
    }
    tick(machine);
  }

  private void tick(Machine machine) {
    if (stopped) {
      return;
    }
    long now = machine.simulation().now();
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
    machine
        .simulation()
        .events()
        .schedule(now + HEARTBEAT_PS, t -> kernel.contained(() -> tick(machine)));
  }

  /**
   * This kernel stops: it says so in the info table (DOWN after a panic, OFFLINE after reboot(2))
   * and stops talking.
   */
  void stop(KernelState state) {
    endpoint.window().setState(kernel.config().kernelId(), state);
    stopped = true;
  }

  private void onBlob(Incoming in) {
    if (!(in.message() instanceof KernelMessage.Blob b)) {
      return;
    }
    if (b.tag() == VTTY_OUTPUT) {
      vttyOutput.computeIfAbsent(in.from(), k -> new ByteArrayOutputStream()).writeBytes(b.data());
      kernel.onVttyOutput(in.from());
    } else if (b.tag() == VTTY_INPUT && kernel.virtualConsole() != null) {
      kernel.virtualConsole().receive(b.data());
    } else if (b.tag() == POWER_OFF && kernel.config().kernelId() == 0 && b.data().length == 1) {
      kernel.powerOff(b.data()[0] & 0xff);
    }
  }

  /** Output kernel k's console sent and nobody read yet. */
  byte[] takeVttyOutput(int k) {
    ByteArrayOutputStream o = vttyOutput.get(k);
    if (o == null) {
      return new byte[0];
    }
    byte[] b = o.toByteArray();
    o.reset();
    return b;
  }

  /** Asks the primary to power the machine off with status (run mode of a secondary). */
  void requestPowerOff(int status) {
    endpoint.post(
        0, Priority.NORMAL, new KernelMessage.Blob(POWER_OFF, new byte[] {(byte) status}));
  }

  /** Types bytes into kernel k's console. */
  boolean sendVttyInput(int k, byte[] data) {
    return endpoint.post(k, Priority.HIGH, new KernelMessage.Blob(VTTY_INPUT, data))
        == dev.popcornj.kernel.msg.SendResult.SENT;
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
        k == kernel.config().kernelId()
            ? kernel.config().hartIds()
            : kernel.syscalls() == null ? null : kernel.syscalls().bootedHarts(k);
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
