package dev.popcornj.kernel.net.inet;

import dev.popcornj.kernel.msg.Deferrer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The loopback interface {@code lo}, 127.0.0.1/8: every packet it transmits is received again by
 * the same stack, not at once but from the kernel's deferred-callback path {@link #deliveryPs} of
 * virtual time later, as Linux's loopback_xmit hands its skb to the receive softirq.
 *
 * <p>Cost: {@value #PACKET_PS} ps a packet plus {@value #BYTE_PS} ps a byte, an estimate of one
 * pass through a loopback softirq (a few microseconds per small packet, memory-copy speed per
 * byte); the cost model's other terms (system calls, wake-ups) are charged elsewhere.
 *
 * <p>Owned by one kernel instance; used only on its simulation thread.
 */
public final class Loopback implements NetDevice {
  /** Virtual time one packet takes through the loopback receive path. */
  public static final long PACKET_PS = 2_000_000;

  /** Virtual time per byte of a looped packet (about 20 GB/s). */
  public static final long BYTE_PS = 50;

  /** lo's MTU on Linux. */
  public static final int MTU = 65536;

  private final LongSupplier clockPs;
  private final Deferrer deferrer;
  private final DeviceCounters counters = new DeviceCounters();
  private Consumer<byte[]> receive = p -> {};
  private Runnable onIdle = () -> {};
  private int inFlight;

  public Loopback(LongSupplier clockPs, Deferrer deferrer) {
    this.clockPs = clockPs;
    this.deferrer = deferrer;
  }

  /** When a packet of length bytes sent at nowPs is received. */
  public static long deliveryPs(long nowPs, int length) {
    return nowPs + PACKET_PS + BYTE_PS * length;
  }

  @Override
  public String name() {
    return "lo";
  }

  @Override
  public int ifindex() {
    return 1;
  }

  @Override
  public int flags() {
    return IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
  }

  @Override
  public int mtu() {
    return MTU;
  }

  @Override
  public int address() {
    return 0x7f000001;
  }

  @Override
  public int netmask() {
    return 0xff000000;
  }

  @Override
  public int hardwareType() {
    return 772;
  }

  @Override
  public byte[] hardwareAddress() {
    return new byte[6];
  }

  @Override
  public void transmit(byte[] packet) {
    counters.sent(packet.length);
    inFlight++;
    deferrer.callAt(
        deliveryPs(clockPs.getAsLong(), packet.length),
        () -> {
          inFlight--;
          counters.received(packet.length);
          receive.accept(packet);
          if (inFlight == 0) {
            onIdle.run();
          }
        });
  }

  /** Packets sent and not yet received. */
  public int inFlight() {
    return inFlight;
  }

  /** Runs action whenever the last packet in flight has been received (and its answers too). */
  public void setIdleListener(Runnable action) {
    onIdle = action;
  }

  @Override
  public void attach(Consumer<byte[]> receive) {
    this.receive = receive;
  }

  @Override
  public DeviceCounters counters() {
    return counters;
  }
}
