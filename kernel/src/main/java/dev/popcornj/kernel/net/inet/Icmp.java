package dev.popcornj.kernel.net.inet;

import java.util.Arrays;

/**
 * The ICMP messages this stack sends and takes (RFC 792): destination unreachable, port
 * unreachable, for a UDP datagram no socket wanted (its body quotes the offending packet's IP
 * header and first eight bytes, so the sender's stack can find the socket that sent it), and the
 * echo reply that answers an echo request (ping).
 *
 * <pre>
 *  +---------------+---------------+-------------------------------+
 *  |   Type (3)    |   Code (3)    |           Checksum            |  0
 *  +---------------+---------------+-------------------------------+
 *  |                            unused                             |  4
 *  +---------------------------------------------------------------+
 *  |    the original IP header and the first 8 bytes of its data    |  8
 * </pre>
 */
final class Icmp {
  static final int HEADER = 8;
  static final int ECHO_REPLY = 0;
  static final int DEST_UNREACHABLE = 3;
  static final int PORT_UNREACHABLE = 3;
  static final int ECHO_REQUEST = 8;

  private Icmp() {}

  /** The port-unreachable packet from src to dst about the packet original. */
  static byte[] portUnreachable(int src, int dst, int id, byte[] original) {
    int quoted = Math.min(original.length, Ipv4.headerLength(original) + 8);
    byte[] p = Ipv4.packet(src, dst, Ipv4.PROTO_ICMP, id, HEADER + quoted);
    int o = Ipv4.HEADER;
    p[o] = DEST_UNREACHABLE;
    p[o + 1] = PORT_UNREACHABLE;
    System.arraycopy(original, 0, p, o + HEADER, quoted);
    Ipv4.put16(p, o + 2, Checksum.finish(Checksum.add(0, p, o, HEADER + quoted)));
    return p;
  }

  /**
   * The echo reply from src to dst answering the echo request at off of request (length bytes): the
   * same identifier, sequence number and data, type 0 (icmp_echo).
   */
  static byte[] echoReply(int src, int dst, int id, byte[] request, int off, int length) {
    byte[] p = Ipv4.packet(src, dst, Ipv4.PROTO_ICMP, id, length);
    int o = Ipv4.HEADER;
    System.arraycopy(request, off, p, o, length);
    p[o] = ECHO_REPLY;
    p[o + 1] = 0;
    Ipv4.put16(p, o + 2, 0);
    Ipv4.put16(p, o + 2, Checksum.finish(Checksum.add(0, p, o, length)));
    return p;
  }

  /** What a port-unreachable message quotes: the UDP datagram's addresses and ports. */
  record Quoted(int src, int dst, int srcPort, int dstPort) {}

  /**
   * The quoted UDP datagram of a port-unreachable message at off of p, or null when the message is
   * another kind, malformed, or fails its checksum.
   */
  static Quoted parsePortUnreachable(byte[] p, int off, int length) {
    if (length < HEADER + Ipv4.HEADER + 8
        || Checksum.finish(Checksum.add(0, p, off, length)) != 0
        || p[off] != DEST_UNREACHABLE
        || p[off + 1] != PORT_UNREACHABLE) {
      return null;
    }
    byte[] inner = Arrays.copyOfRange(p, off + HEADER, off + length);
    if ((inner[0] & 0xf0) != 0x40) {
      return null;
    }
    int ihl = Ipv4.headerLength(inner);
    if (ihl < Ipv4.HEADER || ihl + 8 > inner.length || inner[Ipv4.PROTOCOL] != Ipv4.PROTO_UDP) {
      return null;
    }
    return new Quoted(
        Ipv4.get32(inner, Ipv4.SOURCE),
        Ipv4.get32(inner, Ipv4.DESTINATION),
        Ipv4.get16(inner, ihl),
        Ipv4.get16(inner, ihl + 2));
  }
}
