package dev.popcornj.kernel.net.inet;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Poll;
import dev.popcornj.kernel.abi.SocketConstants;
import dev.popcornj.kernel.fs.PollTable;
import dev.popcornj.kernel.fs.PollWaitQueue;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * A UDP socket (RFC 768, Linux's udp_sock): a bound port, perhaps a connected peer that filters
 * what arrives and is where sends without an address go, and a queue of received datagrams, each
 * with its sender, bounded by the receive buffer (what does not fit is counted and dropped).
 *
 * <p>Owned by one kernel's {@link InetStack}; used only on its simulation thread.
 */
public final class UdpSocket implements InetSocket {
  private record Datagram(int fromAddr, int fromPort, byte[] data) {}

  private final InetStack stack;
  private final PollWaitQueue wait;
  private final SocketOptions options;
  private final ArrayDeque<Datagram> queue = new ArrayDeque<>();
  private int queuedBytes;
  int localAddr;
  int localPort;
  private int remoteAddr;
  private int remotePort;
  private int error;
  private int shutdown;

  UdpSocket(InetStack stack, SocketOptions options) {
    this.stack = stack;
    this.wait = new PollWaitQueue(stack.sleeper());
    this.options = options;
  }

  @Override
  public int type() {
    return SocketConstants.SOCK_DGRAM;
  }

  @Override
  public int protocol() {
    return 17;
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
    return localPort;
  }

  @Override
  public int[] peer() {
    return remotePort == 0 ? null : new int[] {remoteAddr, remotePort};
  }

  public boolean connected() {
    return remotePort != 0;
  }

  /** Bytes waiting to be read (/proc/net/udp's rx_queue). */
  public int receiveQueued() {
    return queuedBytes;
  }

  @Override
  public int inputQueued() {
    return queue.isEmpty() ? 0 : queue.peek().data().length;
  }

  @Override
  public InetStack stack() {
    return stack;
  }

  @Override
  public int takeError() {
    int e = error;
    error = 0;
    return e;
  }

  @Override
  public void wakeWriters() {
    wait.wakeAll();
  }

  @Override
  public long bind(int addr, int port) {
    if (localPort != 0) {
      return -Errno.EINVAL;
    }
    return stack.udpBind(this, addr, port);
  }

  /** connect(2): sends go to addr:port and only its datagrams arrive; port 0 is refused. */
  public long connect(int addr, int port) {
    if (addr == 0) {
      addr = 0x7f000001;
    }
    if (!stack.reachable(addr)) {
      return -Errno.ENETUNREACH;
    }
    if (localPort == 0) {
      int r = stack.udpAutobind(this);
      if (r != 0) {
        return r;
      }
    }
    if (localAddr == 0) {
      localAddr = stack.sourceFor(addr);
    }
    remoteAddr = addr;
    remotePort = port;
    return 0;
  }

  /** connect(2) with AF_UNSPEC: forgets the peer. */
  public long disconnect() {
    remoteAddr = 0;
    remotePort = 0;
    return 0;
  }

  /** How well this socket matches a datagram to dst from src:srcPort; -1 when it does not. */
  int matchScore(int dst, int src, int srcPort) {
    int score = 0;
    if (localAddr != 0) {
      if (localAddr != dst) {
        return -1;
      }
      score += 2;
    }
    if (remotePort != 0) {
      if (remoteAddr != src || remotePort != srcPort) {
        return -1;
      }
      score += 4;
    }
    return score;
  }

  /**
   * A destination-unreachable message about a datagram from src to dst:port (__udp4_lib_err): a
   * socket connected to dst:port takes errno (ECONNREFUSED for a closed port, EHOSTUNREACH for a
   * host that cannot be reached) as its pending error (an unconnected one ignores it, as Linux does
   * without IP_RECVERR). True when this socket sent the datagram.
   */
  boolean onUnreachable(int src, int dst, int port, int errno) {
    if (localAddr != 0 && localAddr != src) {
      return false;
    }
    if (remotePort != 0 && (remoteAddr != dst || remotePort != port)) {
      return false;
    }
    if (remotePort != 0) {
      error = errno;
      wait.wakeAll();
    }
    return true;
  }

  void onDatagram(int fromAddr, int fromPort, byte[] data) {
    if (queuedBytes + data.length > options.rcvbuf) {
      stack.counters().udpRcvbufErrors++;
      return;
    }
    queue.add(new Datagram(fromAddr, fromPort, data));
    queuedBytes += data.length;
    wait.wakeAll();
  }

  @Override
  public long shutdown(int how) {
    shutdown |= how + 1;
    wait.wakeAll();
    return remotePort == 0 ? -Errno.ENOTCONN : 0;
  }

  @Override
  public long send(byte[] data, int flags, boolean nonBlocking, int toAddr, int toPort) {
    if ((flags & SocketConstants.MSG_OOB) != 0) {
      return -Errno.EOPNOTSUPP;
    }
    if ((shutdown & SEND_SHUTDOWN) != 0) {
      return -Errno.EPIPE;
    }
    int dst = toAddr;
    int port = toPort;
    if (port < 0) {
      if (remotePort == 0) {
        return -Errno.EDESTADDRREQ;
      }
      dst = remoteAddr;
      port = remotePort;
    } else if (port == 0) {
      return -Errno.EINVAL;
    }
    if (data.length > UdpDatagram.MAX_DATA) {
      return -Errno.EMSGSIZE;
    }
    if (dst == 0) {
      dst = 0x7f000001;
    }
    if (!stack.reachable(dst)) {
      return -Errno.ENETUNREACH;
    }
    if (localPort == 0) {
      int r = stack.udpAutobind(this);
      if (r != 0) {
        return r;
      }
    }
    int pending = takeError(); // sock_alloc_send_skb reports an error an ICMP message left
    if (pending != 0) {
      return -pending;
    }
    int src = localAddr != 0 ? localAddr : stack.sourceFor(dst);
    stack.udpTransmit(src, dst, new UdpDatagram(localPort, port, data));
    return data.length;
  }

  @Override
  public Received receive(int length, int flags, boolean nonBlocking) {
    if ((flags & SocketConstants.MSG_OOB) != 0) {
      return Received.error(Errno.EOPNOTSUPP);
    }
    long deadline = Waits.deadline(stack, options.rcvTimeoutPs);
    while (queue.isEmpty()) {
      int e = takeError();
      if (e != 0) {
        return Received.error(e);
      }
      if ((shutdown & RCV_SHUTDOWN) != 0) {
        return new Received(0, new byte[0], 0, 0, 0);
      }
      if (nonBlocking) {
        return Received.error(Errno.EAGAIN);
      }
      int r =
          Waits.block(
              wait,
              () -> !queue.isEmpty() || error != 0 || (shutdown & RCV_SHUTDOWN) != 0,
              deadline);
      if (r <= 0) {
        return Received.error(Waits.error(r, options.rcvTimeoutPs));
      }
    }
    Datagram d = queue.peek();
    int size = Math.min(length, d.data().length);
    int msgFlags = size < d.data().length ? SocketConstants.MSG_TRUNC : 0;
    if ((flags & SocketConstants.MSG_PEEK) == 0) {
      queue.poll();
      queuedBytes -= d.data().length;
    }
    long result = (flags & SocketConstants.MSG_TRUNC) != 0 ? d.data().length : size;
    return new Received(
        result, Arrays.copyOf(d.data(), size), d.fromAddr(), d.fromPort(), msgFlags);
  }

  @Override
  public int poll(PollTable table) {
    if (table != null) {
      table.pollWait(wait);
    }
    int mask = Poll.POLLOUT | Poll.POLLWRNORM | Poll.POLLWRBAND;
    if (error != 0) {
      mask |= Poll.POLLERR;
    }
    if ((shutdown & RCV_SHUTDOWN) != 0) {
      mask |= Poll.POLLRDHUP | Poll.POLLIN | Poll.POLLRDNORM;
    }
    if (shutdown == SHUTDOWN_MASK) {
      mask |= Poll.POLLHUP;
    }
    if (!queue.isEmpty()) {
      mask |= Poll.POLLIN | Poll.POLLRDNORM;
    }
    return mask;
  }

  @Override
  public void release() {
    stack.udpUnbind(this);
    queue.clear();
    queuedBytes = 0;
    wait.wakeAll();
  }
}
