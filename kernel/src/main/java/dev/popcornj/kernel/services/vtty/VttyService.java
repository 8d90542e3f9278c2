package dev.popcornj.kernel.services.vtty;

import dev.popcornj.kernel.msg.Endpoint;
import dev.popcornj.kernel.msg.Incoming;
import dev.popcornj.kernel.msg.Priority;
import dev.popcornj.kernel.msg.SendResult;
import dev.popcornj.kernel.sched.Scheduler;
import dev.popcornj.kernel.services.PopcornService;
import dev.popcornj.kernel.services.ServiceContext;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * Popcorn's virtual TTYs. On a secondary, the kernel's console is a {@link VirtualConsole} whose
 * output goes to the primary and whose input comes from it. On the primary (the host side), output
 * from kernel N waits in a bounded backlog for /dev/vttyN or for the UART console while it is
 * switched to N (Ctrl-A N), and bytes written there go to N as keys.
 *
 * <pre>
 *   secondary N                                   primary
 *   VirtualConsole ── vtty.output ──────────────▶ backlog[N] ──▶ /dev/vttyN read, console Ctrl-A N
 *   VirtualConsole ◀─ vtty.input (HIGH) ───────── /dev/vttyN write, console keys
 * </pre>
 *
 * <p>Owned by one kernel instance.
 */
public final class VttyService implements PopcornService {
  private final VirtualConsole console;
  private final Scheduler scheduler;
  private final Map<Integer, ConsoleBacklog> backlogs = new TreeMap<>();
  private final Map<Integer, VttyDevice> devices = new TreeMap<>();
  private Endpoint endpoint;
  private IntConsumer onOutput = k -> {};

  private VttyService(VirtualConsole console, Scheduler scheduler) {
    this.console = console;
    this.scheduler = scheduler;
  }

  /** The host side, on the primary: /dev/vtty1..N-1 for the other kernels' consoles. */
  public static VttyService host(Scheduler scheduler) {
    return new VttyService(null, scheduler);
  }

  /** The console side, on a secondary: console's output goes to the primary. */
  public static VttyService console(VirtualConsole console) {
    return new VttyService(console, null);
  }

  @Override
  public String name() {
    return "vtty";
  }

  @Override
  public void start(ServiceContext context) {
    endpoint = context.endpoint().orElse(null);
    if (endpoint == null) {
      return;
    }
    if (console == null) {
      context.message(VttyMessage.OUTPUT_TYPE, this::onOutput);
      context.message(VttyMessage.INPUT_TYPE, null);
      for (int k = 1; k < endpoint.window().maxKernels(); k++) {
        VttyDevice d = new VttyDevice(this, k, scheduler);
        devices.put(k, d);
        backlogs.put(k, new ConsoleBacklog());
        context.device("vtty" + k, d);
      }
      context.procFile("vtty", this::render);
    } else {
      context.message(VttyMessage.OUTPUT_TYPE, null);
      context.message(VttyMessage.INPUT_TYPE, this::onInput);
      console.setOnOutput(this::sendOutput);
    }
  }

  // --- the host side

  /** Told of every kernel whose console output arrived (the UART console shows it). */
  public void setOnOutput(IntConsumer l) {
    onOutput = l;
  }

  private void onOutput(Incoming in) {
    ConsoleBacklog b = backlogs.get(in.from());
    if (b == null || !(in.message() instanceof VttyMessage.Output out)) {
      return;
    }
    b.append(out.data());
    VttyDevice d = devices.get(in.from());
    if (d != null) {
      d.onOutput();
    }
    onOutput.accept(in.from());
  }

  /** Bytes kernel k's console wrote that wait to be read here. */
  public int waiting(int k) {
    ConsoleBacklog b = backlogs.get(k);
    return b == null ? 0 : b.size();
  }

  /** Takes up to max bytes of kernel k's console output. */
  public byte[] takeOutput(int k, int max) {
    ConsoleBacklog b = backlogs.get(k);
    return b == null ? new byte[0] : b.take(max);
  }

  /** Types bytes into kernel k's console; false when they cannot go now (retry later). */
  public boolean sendInput(int k, byte[] data) {
    if (endpoint == null) {
      return false;
    }
    for (int off = 0; off < data.length; off += VttyDescriptor.MAX_LENGTH) {
      byte[] part =
          Arrays.copyOfRange(data, off, Math.min(data.length, off + VttyDescriptor.MAX_LENGTH));
      if (endpoint.post(k, Priority.HIGH, new VttyMessage.Input(part)) != SendResult.SENT) {
        return false;
      }
    }
    return true;
  }

  /** /proc/popcorn/vtty: per console, the bytes waiting and the bytes lost. */
  private String render() {
    StringBuilder b = new StringBuilder("KERNEL  WAITING  DROPPED\n");
    for (var e : backlogs.entrySet()) {
      b.append(
          String.format("%-7d %-8d %d%n", e.getKey(), e.getValue().size(), e.getValue().dropped()));
    }
    return b.toString();
  }

  // --- the console side

  private void onInput(Incoming in) {
    if (in.message() instanceof VttyMessage.Input keys) {
      console.receive(keys.data());
    }
  }

  private void sendOutput() {
    byte[] out = console.takeOutput();
    for (int off = 0; off < out.length; off += VttyDescriptor.MAX_LENGTH) {
      byte[] part =
          Arrays.copyOfRange(out, off, Math.min(out.length, off + VttyDescriptor.MAX_LENGTH));
      endpoint.post(0, Priority.NORMAL, new VttyMessage.Output(part));
    }
  }

  /** Sends on whatever the console still holds (before the kernel stops). */
  public void flush() {
    if (console != null && endpoint != null) {
      sendOutput();
    }
  }
}
