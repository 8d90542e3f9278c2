package dev.popcornj.kernel.services.vnet;

import dev.popcornj.kernel.net.inet.DeviceCounters;
import dev.popcornj.kernel.net.inet.NetDevice;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * {@code vnet0}, the virtual network interface of one kernel: kernel N is 10.1.2.(N+1)/24, and a
 * packet to 10.1.2.(M+1) goes as one message to kernel M through a {@link Link} (the messaging
 * layer). A packet to a kernel that is not up (down, not booted, or beyond the system's kernels),
 * or that the link refuses, is dropped and counted (tx_dropped) and reported to the stack as
 * unreachable, so a connect to it fails at once with EHOSTUNREACH; a received packet that is not an
 * IPv4 packet from its sender's address to this kernel's is dropped and counted (rx_errors). With a
 * drop fraction (fault injection), a seeded choice drops that many of the packets sent, per mille.
 *
 * <p>Owned by one kernel instance; used only on its simulation thread.
 */
public final class VnetDevice implements NetDevice {
  /** The MTU: Ethernet's, so a TCP segment carries 1460 bytes. */
  public static final int MTU = 1500;

  /** 10.1.2.0, the virtual network's prefix; /24. */
  public static final int NETWORK = 0x0a010200;

  public static final int NETMASK = 0xffffff00;

  /** The most kernels the /24 numbers (10.1.2.1 to 10.1.2.254). */
  public static final int MAX_KERNELS = 254;

  /** Where packets go: the messaging layer, seen from this kernel. */
  public interface Link {
    /** Whether kernel k is up (checked in and not gone). */
    boolean up(int k);

    /** Sends packet to kernel k as one message; false when it could not (k went down). */
    boolean send(int k, byte[] packet);
  }

  private final int kernelId;
  private final int kernels;
  private final Link link;
  private final int dropPermille;
  private final SplittableRandom faults;
  private final DeviceCounters counters = new DeviceCounters();
  private Consumer<byte[]> receive = p -> {};
  private Consumer<byte[]> unreachable = p -> {};
  private long droppedDown;
  private long droppedFault;
  private long malformed;

  /**
   * @param kernelId this kernel
   * @param kernels how many kernels the system has room for (the messaging window's)
   * @param dropPermille packets to drop per thousand sent (fault injection); 0 for none
   * @param seed the run's seed, from which the drops are chosen
   */
  public VnetDevice(int kernelId, int kernels, Link link, int dropPermille, long seed) {
    if (kernelId < 0 || kernelId >= MAX_KERNELS || kernels > MAX_KERNELS) {
      throw new IllegalArgumentException("kernel " + kernelId + " of " + kernels);
    }
    if (dropPermille < 0 || dropPermille > 1000) {
      throw new IllegalArgumentException("drop " + dropPermille + " per mille");
    }
    this.kernelId = kernelId;
    this.kernels = kernels;
    this.link = link;
    this.dropPermille = dropPermille;
    // Each kernel draws its own sequence from the run's seed, so kernels stay independent.
    this.faults = new SplittableRandom(seed ^ (0x9e3779b97f4a7c15L * (kernelId + 1)));
  }

  /** Kernel k's address on the virtual network, 10.1.2.(k+1), in host order. */
  public static int addressOf(int k) {
    return NETWORK | (k + 1);
  }

  /** The kernel whose address addr is, or -1 when addr names none. */
  public static int kernelOf(int addr) {
    int host = addr & ~NETMASK;
    return (addr & NETMASK) == NETWORK && host >= 1 && host <= MAX_KERNELS ? host - 1 : -1;
  }

  @Override
  public String name() {
    return "vnet0";
  }

  @Override
  public int ifindex() {
    return 2;
  }

  @Override
  public int flags() {
    return IFF_UP | IFF_BROADCAST | IFF_RUNNING;
  }

  @Override
  public int mtu() {
    return MTU;
  }

  @Override
  public int address() {
    return addressOf(kernelId);
  }

  @Override
  public int netmask() {
    return NETMASK;
  }

  @Override
  public int hardwareType() {
    return 1; // ARPHRD_ETHER
  }

  @Override
  public byte[] hardwareAddress() {
    // A locally administered address that names the kernel: 02:00:0a:01:02:(N+1).
    return new byte[] {2, 0, 10, 1, 2, (byte) (kernelId + 1)};
  }

  @Override
  public void transmit(byte[] packet) {
    int to = packet.length >= 20 ? kernelOf(readInt(packet, 16)) : -1;
    if (to < 0 || to == kernelId || packet.length > MTU) {
      counters.txErrors++;
      return;
    }
    if (to >= kernels || !link.up(to)) {
      counters.txDropped++;
      droppedDown++;
      unreachable.accept(packet);
      return;
    }
    if (dropPermille > 0 && faults.nextInt(1000) < dropPermille) {
      counters.txDropped++;
      droppedFault++;
      return;
    }
    if (!link.send(to, packet)) {
      counters.txDropped++;
      droppedDown++;
      unreachable.accept(packet);
      return;
    }
    counters.txPackets++;
    counters.txBytes += packet.length;
  }

  /** A packet kernel from sent: checked, counted, handed to the stack or dropped. */
  public void deliver(int from, byte[] packet) {
    if (!wellFormed(from, packet)) {
      counters.rxErrors++;
      malformed++;
      return;
    }
    counters.rxPackets++;
    counters.rxBytes += packet.length;
    receive.accept(packet);
  }

  /**
   * An IPv4 header (version 4, a header length that fits, a total length equal to what came) from
   * the sender's address to this kernel's. The stack checks the rest (checksums, protocols).
   */
  private boolean wellFormed(int from, byte[] p) {
    if (p.length < 20 || p.length > MTU || (p[0] & 0xf0) != 0x40) {
      return false;
    }
    int headerLength = (p[0] & 0x0f) * 4;
    int total = ((p[2] & 0xff) << 8) | (p[3] & 0xff);
    return headerLength >= 20
        && headerLength <= p.length
        && total == p.length
        && readInt(p, 12) == addressOf(from)
        && readInt(p, 16) == address();
  }

  private static int readInt(byte[] p, int at) {
    return ((p[at] & 0xff) << 24)
        | ((p[at + 1] & 0xff) << 16)
        | ((p[at + 2] & 0xff) << 8)
        | (p[at + 3] & 0xff);
  }

  @Override
  public void attach(Consumer<byte[]> receive) {
    this.receive = receive;
  }

  @Override
  public void attachUnreachable(Consumer<byte[]> unreachable) {
    this.unreachable = unreachable;
  }

  @Override
  public DeviceCounters counters() {
    return counters;
  }

  /** Packets not sent because their kernel was not up. */
  public long droppedDown() {
    return droppedDown;
  }

  /** Packets the fault injection dropped. */
  public long droppedFault() {
    return droppedFault;
  }

  /** Received packets dropped as malformed. */
  public long malformed() {
    return malformed;
  }
}
