package dev.popcornj.kernel.services.vnet;

import dev.popcornj.kernel.msg.Endpoint;
import dev.popcornj.kernel.msg.Incoming;
import dev.popcornj.kernel.msg.KernelState;
import dev.popcornj.kernel.msg.Priority;
import dev.popcornj.kernel.msg.SendResult;
import dev.popcornj.kernel.net.inet.InetStack;
import dev.popcornj.kernel.services.PopcornService;
import dev.popcornj.kernel.services.ServiceContext;

/**
 * The virtual network between the kernels: each kernel's IPv4 stack gets {@code vnet0} ({@link
 * VnetDevice}), 10.1.2.(N+1)/24 on kernel N, and its packets travel as messages ({@link
 * VnetMessage}).
 *
 * <pre>
 *   kernel A: TCP ── InetStack ── vnet0.transmit ── Packet ──▶ kernel B's poll ── vnet0.deliver
 *                                                                ── B's InetStack ── TCP
 * </pre>
 *
 * <p>A kernel that goes down: packets to it are dropped (counted), and this kernel's connections to
 * it are reset at once, as if a reset had come. Boot parameter {@value #DROP_PARAM}=PERMILLE drops
 * that many of every thousand packets sent, chosen from the run's seed.
 *
 * <p>Owned by one kernel instance; its handlers run in that kernel's poll.
 */
public final class VnetService implements PopcornService {
  /** The fault-injection knob: packets dropped per thousand sent, 0 to 1000. */
  public static final String DROP_PARAM = "popcorn_vnet_drop";

  private final InetStack inet;
  private final long seed;
  private Endpoint endpoint;
  private VnetDevice device;

  /**
   * @param inet the kernel's IPv4 stack, which gets vnet0
   * @param seed the run's seed (for the fault injection)
   */
  public VnetService(InetStack inet, long seed) {
    this.inet = inet;
    this.seed = seed;
  }

  @Override
  public String name() {
    return "vnet";
  }

  @Override
  public void start(ServiceContext context) {
    endpoint = context.endpoint().orElse(null);
    if (endpoint == null) {
      return; // alone: no one to talk to
    }
    int drop = dropPermille(context.param(DROP_PARAM).orElse("0"));
    int kernels = Math.min(endpoint.window().maxKernels(), VnetDevice.MAX_KERNELS);
    device =
        new VnetDevice(
            context.kernelId(),
            kernels,
            new VnetDevice.Link() {
              @Override
              public boolean up(int k) {
                return endpoint.peer(k).map(p -> p.state() == KernelState.ONLINE).orElse(false);
              }

              @Override
              public boolean send(int k, byte[] packet) {
                return endpoint.post(k, Priority.NORMAL, new VnetMessage.Packet(packet))
                    == SendResult.SENT;
              }
            },
            drop,
            seed);
    context.message(VnetMessage.PACKET_TYPE, this::onPacket);
    inet.addDevice(device);
    context.counter("vnet_tx_packets", () -> device.counters().txPackets);
    context.counter("vnet_rx_packets", () -> device.counters().rxPackets);
    context.counter("vnet_dropped_down", device::droppedDown);
    context.counter("vnet_dropped_fault", device::droppedFault);
    context.counter("vnet_malformed", device::malformed);
    context.procFile("vnet", this::render);
    context.log().log(
        "vnet: vnet0 "
            + dotted(device.address())
            + "/24"
            + (drop > 0 ? ", dropping " + drop + " per mille" : ""));
  }

  private static int dropPermille(String value) {
    try {
      int d = Integer.parseInt(value);
      if (d >= 0 && d <= 1000) {
        return d;
      }
    } catch (NumberFormatException e) {
      // falls through
    }
    throw new IllegalArgumentException(DROP_PARAM + "=" + value + " is not 0..1000");
  }

  /** The device, or null when the kernel runs alone. */
  public VnetDevice device() {
    return device;
  }

  private void onPacket(Incoming in) {
    if (in.message() instanceof VnetMessage.Packet(byte[] data)) {
      device.deliver(in.from(), data);
    }
  }

  @Override
  public void onPeerGone(int k, KernelState state) {
    if (device != null) {
      inet.resetConnectionsTo(VnetDevice.addressOf(k));
    }
  }

  /** /etc/hosts for a system of kernels kernels: localhost, then each kernel's name. */
  public static String hosts(int kernels) {
    StringBuilder b = new StringBuilder("127.0.0.1\tlocalhost\n");
    for (int k = 0; k < Math.min(kernels, VnetDevice.MAX_KERNELS); k++) {
      b.append(dotted(VnetDevice.addressOf(k))).append("\tkernel").append(k).append('\n');
    }
    return b.toString();
  }

  /** The number of kernels the network has room for, or 0 alone. */
  public int kernels() {
    return endpoint == null ? 0 : Math.min(endpoint.window().maxKernels(), VnetDevice.MAX_KERNELS);
  }

  static String dotted(int a) {
    return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
  }

  /** /proc/popcorn/vnet: the address and the drops by cause. */
  private String render() {
    return "address "
        + dotted(device.address())
        + "/24\n"
        + "dropped_down "
        + device.droppedDown()
        + "\ndropped_fault "
        + device.droppedFault()
        + "\nmalformed "
        + device.malformed()
        + "\n";
  }
}
