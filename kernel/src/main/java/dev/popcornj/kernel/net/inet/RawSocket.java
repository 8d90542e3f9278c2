package dev.popcornj.kernel.net.inet;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Poll;
import dev.popcornj.kernel.abi.SocketConstants;
import dev.popcornj.kernel.fs.PollTable;
import dev.popcornj.kernel.fs.PollWaitQueue;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * A raw ICMP socket (SOCK_RAW, IPPROTO_ICMP; Linux's raw_sock), what ping uses: a send is an ICMP
 * message the stack puts an IPv4 header on (the program computes the ICMP checksum), and every ICMP
 * packet this kernel receives is queued whole, IPv4 header first, on every raw socket whose bound
 * address and connected peer it matches, as raw_v4_input hands it over before ICMP handles it.
 *
 * <p>Owned by one kernel's {@link InetStack}; used only on its simulation thread.
 */
public final class RawSocket implements InetSocket {
  private record Packet(int fromAddr, byte[] data) {}

  private final InetStack stack;
  private final PollWaitQueue wait;
  private final SocketOptions options;
  private final ArrayDeque<Packet> queue = new ArrayDeque<>();
  private int queuedBytes;
  private int localAddr;
  private int remoteAddr;
  private boolean connected;
  private int shutdown;
  private boolean released;

  RawSocket(InetStack stack, SocketOptions options) {
    this.stack = stack;
    this.wait = new PollWaitQueue(stack.sleeper());
    this.options = options;
  }

  @Override
  public int type() {
    return SocketConstants.SOCK_RAW;
  }

  @Override
  public int protocol() {
    return Ipv4.PROTO_ICMP;
  }

  @Override
  public SocketOptions options() {
    return options;
  }

  @Override
  public int localAddress() {
    return localAddr;
  }

  @Override
  public int localPort() {
    return 0;
  }

  @Override
  public int[] peer() {
    return connected ? new int[] {remoteAddr, 0} : null;
  }

  @Override
  public InetStack stack() {
    return stack;
  }

  @Override
  public int takeError() {
    return 0;
  }

  @Override
  public void wakeWriters() {
    wait.wakeAll();
  }

  @Override
  public int inputQueued() {
    return queue.isEmpty() ? 0 : queue.peek().data().length;
  }

  /** bind(2): raw_bind takes only an address, which must be this kernel's (or any). */
  @Override
  public long bind(int addr, int port) {
    if (addr != 0 && !stack.isLocal(addr)) {
      return -Errno.EADDRNOTAVAIL;
    }
    localAddr = addr;
    return 0;
  }

  /** connect(2): sends without an address go to addr, and only its packets arrive. */
  public long connect(int addr) {
    if (!stack.reachable(addr == 0 ? 0x7f000001 : addr)) {
      return -Errno.ENETUNREACH;
    }
    remoteAddr = addr == 0 ? 0x7f000001 : addr;
    connected = true;
    return 0;
  }

  /** connect(2) to AF_UNSPEC. */
  public long disconnect() {
    connected = false;
    remoteAddr = 0;
    return 0;
  }

  @Override
  public long shutdown(int how) {
    if (!connected) {
      return -Errno.ENOTCONN;
    }
    shutdown |= how;
    wait.wakeAll();
    return 0;
  }

  @Override
  public long send(byte[] data, int flags, boolean nonBlocking, int toAddr, int toPort) {
    if ((shutdown & SEND_SHUTDOWN) != 0) {
      return -Errno.EPIPE;
    }
    int dst = toPort == -1 ? remoteAddr : toAddr;
    if (toPort == -1 && !connected) {
      return -Errno.EDESTADDRREQ;
    }
    if (data.length > Ipv4.MAX_PAYLOAD) {
      return -Errno.EMSGSIZE;
    }
    int src = localAddr != 0 ? localAddr : stack.sourceFor(dst);
    if (src == 0) {
      return -Errno.ENETUNREACH;
    }
    stack.rawTransmit(src, dst, data);
    return data.length;
  }

  /** A received ICMP packet (whole, header first): queued if it is for this socket. */
  void onPacket(int src, int dst, byte[] packet) {
    if (released
        || (localAddr != 0 && localAddr != dst)
        || (connected && remoteAddr != src)
        || (shutdown & RCV_SHUTDOWN) != 0) {
      return;
    }
    if (queuedBytes + packet.length > options.rcvbuf) {
      return; // a full receive queue drops it, as sock_queue_rcv_skb does
    }
    queue.add(new Packet(src, packet));
    queuedBytes += packet.length;
    wait.wakeAll();
  }

  @Override
  public Received receive(int length, int flags, boolean nonBlocking) {
    long deadline = Waits.deadline(stack, options.rcvTimeoutPs);
    while (queue.isEmpty()) {
      if ((shutdown & RCV_SHUTDOWN) != 0) {
        return new Received(0, new byte[0], 0, 0, 0);
      }
      if (nonBlocking) {
        return Received.error(Errno.EAGAIN);
      }
      int r = Waits.block(wait, () -> !queue.isEmpty() || (shutdown & RCV_SHUTDOWN) != 0, deadline);
      if (r <= 0) {
        return Received.error(Waits.error(r, options.rcvTimeoutPs));
      }
    }
    Packet p = queue.peek();
    int size = Math.min(length, p.data().length);
    int msgFlags = size < p.data().length ? SocketConstants.MSG_TRUNC : 0;
    if ((flags & SocketConstants.MSG_PEEK) == 0) {
      queue.poll();
      queuedBytes -= p.data().length;
    }
    long result = (flags & SocketConstants.MSG_TRUNC) != 0 ? p.data().length : size;
    return new Received(result, Arrays.copyOf(p.data(), size), p.fromAddr(), 0, msgFlags);
  }

  @Override
  public int poll(PollTable table) {
    if (table != null) {
      table.pollWait(wait);
    }
    int mask = Poll.POLLOUT | Poll.POLLWRNORM | Poll.POLLWRBAND;
    if ((shutdown & RCV_SHUTDOWN) != 0) {
      mask |= Poll.POLLRDHUP | Poll.POLLIN | Poll.POLLRDNORM;
    }
    if (!queue.isEmpty()) {
      mask |= Poll.POLLIN | Poll.POLLRDNORM;
    }
    return mask;
  }

  @Override
  public void release() {
    released = true;
    stack.rawUnbind(this);
    queue.clear();
    queuedBytes = 0;
    wait.wakeAll();
  }
}
