package dev.popcornj.kernel.net.inet;

import java.util.function.Consumer;

/**
 * A network interface of one kernel's IPv4 stack (Linux's struct net_device, reduced to what the
 * stack and the interface ioctls use): its name and index, its IFF_* flags, its MTU, its one IPv4
 * address with netmask, a way to transmit a packet, and its counters.
 *
 * <p>The contract between a device and the {@link InetStack}:
 *
 * <ul>
 *   <li>{@link #transmit} takes one whole IPv4 packet (header first, network byte order, at most
 *       {@link #mtu()} bytes) that the device now owns. It never calls back into the stack
 *       synchronously: a packet that comes back (loopback) or arrives from elsewhere (a virtual
 *       link between kernels) is handed up later, from the kernel's deferred-callback path, in
 *       virtual time. It counts what it sent or dropped in {@link #counters()}.
 *   <li>The stack installs its receive path with {@link #attach}; the device calls it once per
 *       received packet, with bytes the stack may keep. The device counts received packets; the
 *       stack counts and drops malformed ones itself.
 *   <li>A device belongs to one kernel instance and is used only on its simulation thread.
 * </ul>
 */
public interface NetDevice {
  /** IFF_UP. */
  int IFF_UP = 0x1;

  /** IFF_BROADCAST. */
  int IFF_BROADCAST = 0x2;

  /** IFF_LOOPBACK. */
  int IFF_LOOPBACK = 0x8;

  /** IFF_RUNNING. */
  int IFF_RUNNING = 0x40;

  /** The interface name ("lo", "eth0"); at most 15 bytes (IFNAMSIZ less the terminator). */
  String name();

  /** The interface index, from 1. */
  int ifindex();

  /** IFF_* flags. */
  int flags();

  int mtu();

  /** The IPv4 address in host order (127.0.0.1 is 0x7f000001). */
  int address();

  /** The netmask in host order (a /8 is 0xff000000). */
  int netmask();

  /** ARPHRD_* hardware type (ARPHRD_LOOPBACK 772, ARPHRD_ETHER 1). */
  int hardwareType();

  /** The hardware address (six bytes; all zero for loopback). */
  byte[] hardwareAddress();

  /** Sends packet (see the class's contract); never fails with an exception. */
  void transmit(byte[] packet);

  /** Installs the stack's receive path. */
  void attach(Consumer<byte[]> receive);

  /**
   * Installs where the device reports a packet it could not send because its destination host is
   * unreachable (Linux's neighbour resolution failing, which makes the stack send itself an ICMP
   * host unreachable). The stack handles the report later, from the deferred-callback path. A
   * device that never learns such a thing ignores it.
   */
  default void attachUnreachable(Consumer<byte[]> unreachable) {}

  DeviceCounters counters();
}
