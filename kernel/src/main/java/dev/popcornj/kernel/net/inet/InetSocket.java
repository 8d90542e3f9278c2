package dev.popcornj.kernel.net.inet;

import dev.popcornj.kernel.fs.PollTable;

/**
 * An AF_INET socket of one kernel's {@link InetStack}, TCP, UDP or raw ICMP: what the socket system
 * calls and the socket's open file use. Results are values or negative errno values, as Linux's.
 */
public sealed interface InetSocket permits TcpSocket, UdpSocket, RawSocket {
  int RCV_SHUTDOWN = 1;
  int SEND_SHUTDOWN = 2;
  int SHUTDOWN_MASK = 3;

  /** What a receive got: the count (or -errno), the bytes, and the sender (datagrams). */
  record Received(long result, byte[] data, int fromAddr, int fromPort, int msgFlags) {
    static Received error(int errno) {
      return new Received(-errno, new byte[0], 0, 0, 0);
    }
  }

  /** SOCK_STREAM, SOCK_DGRAM or SOCK_RAW. */
  int type();

  /** IPPROTO_TCP, IPPROTO_UDP or IPPROTO_ICMP. */
  int protocol();

  SocketOptions options();

  /** bind(2) to addr:port (host order; 0 for any, 0 for an ephemeral port). */
  long bind(int addr, int port);

  int localAddress();

  int localPort();

  /** The peer's address and port, or null when there is none (ENOTCONN). */
  int[] peer();

  long shutdown(int how);

  /**
   * Sends data; toAddr/toPort name a destination (datagrams) or toPort is -1 for none. -EPIPE on a
   * stream means SIGPIPE is due unless MSG_NOSIGNAL; the caller sends it.
   */
  long send(byte[] data, int flags, boolean nonBlocking, int toAddr, int toPort);

  Received receive(int length, int flags, boolean nonBlocking);

  int poll(PollTable table);

  /** SO_ERROR: the pending error, cleared by reading it. */
  int takeError();

  /** The socket's buffers changed size: writers waiting for room look again. */
  void wakeWriters();

  /** SIOCINQ: bytes a read would get now (a stream's queue, the next datagram's length). */
  int inputQueued();

  /** The stack the socket belongs to. */
  InetStack stack();

  /** The last file on the socket closed. */
  void release();
}
