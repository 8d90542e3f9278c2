package dev.popcornj.kernel.net.inet;

import java.util.Arrays;

/**
 * One UDP datagram (RFC 768) in the payload of an IPv4 packet:
 *
 * <pre>
 *  +-------------------------------+-------------------------------+
 *  |          Source Port          |       Destination Port        |  0
 *  +-------------------------------+-------------------------------+
 *  |            Length             |           Checksum            |  4
 *  +-------------------------------+-------------------------------+
 * </pre>
 *
 * A checksum of zero means none was computed (RFC 768); one computed as zero is sent as 0xffff.
 */
record UdpDatagram(int srcPort, int dstPort, byte[] data) {
  static final int HEADER = 8;

  /** The largest payload: an IPv4 packet's less the UDP header. */
  static final int MAX_DATA = Ipv4.MAX_PAYLOAD - HEADER;

  byte[] toPacket(int src, int dst, int id) {
    int length = HEADER + data.length;
    byte[] p = Ipv4.packet(src, dst, Ipv4.PROTO_UDP, id, length);
    int o = Ipv4.HEADER;
    Ipv4.put16(p, o, srcPort);
    Ipv4.put16(p, o + 2, dstPort);
    Ipv4.put16(p, o + 4, length);
    System.arraycopy(data, 0, p, o + HEADER, data.length);
    long sum = Checksum.pseudo(src, dst, Ipv4.PROTO_UDP, length);
    int c = Checksum.finish(Checksum.add(sum, p, o, length));
    Ipv4.put16(p, o + 6, c == 0 ? 0xffff : c);
    return p;
  }

  /** The datagram at off of p, or null when its length field or checksum is wrong. */
  static UdpDatagram parse(byte[] p, int off, int length, int src, int dst) {
    if (length < HEADER) {
      return null;
    }
    int udpLength = Ipv4.get16(p, off + 4);
    if (udpLength < HEADER || udpLength > length) {
      return null;
    }
    if (Ipv4.get16(p, off + 6) != 0) {
      long sum = Checksum.pseudo(src, dst, Ipv4.PROTO_UDP, udpLength);
      if (Checksum.finish(Checksum.add(sum, p, off, udpLength)) != 0) {
        return null;
      }
    }
    return new UdpDatagram(
        Ipv4.get16(p, off),
        Ipv4.get16(p, off + 2),
        Arrays.copyOfRange(p, off + HEADER, off + udpLength));
  }
}
