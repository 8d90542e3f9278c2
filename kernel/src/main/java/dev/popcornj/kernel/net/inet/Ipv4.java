package dev.popcornj.kernel.net.inet;

/**
 * The IPv4 header (RFC 791) as bytes, network byte order, no options on output:
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------+-------+---------------+-------------------------------+
 *  |Version|  IHL  |      TOS      |          Total Length         |  0
 *  +-------+-------+---------------+-----+-------------------------+
 *  |        Identification         |Flags|     Fragment Offset     |  4
 *  +---------------+---------------+-----+-------------------------+
 *  |      TTL      |   Protocol    |        Header Checksum        |  8
 *  +---------------+---------------+-------------------------------+
 *  |                        Source Address                         | 12
 *  +---------------------------------------------------------------+
 *  |                      Destination Address                      | 16
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class Ipv4 {
  static final int HEADER = 20;
  static final int TOTAL_LENGTH = 2;
  static final int ID = 4;
  static final int FRAGMENT = 6;
  static final int TTL = 8;
  static final int PROTOCOL = 9;
  static final int CHECKSUM = 10;
  static final int SOURCE = 12;
  static final int DESTINATION = 16;

  static final int PROTO_ICMP = 1;
  static final int PROTO_TCP = 6;
  static final int PROTO_UDP = 17;

  /** DF: this stack never fragments. */
  private static final int DONT_FRAGMENT = 0x4000;

  /** MF and the offset: a fragment, which this stack does not reassemble. */
  static final int FRAGMENT_BITS = 0x3fff;

  /** Linux's default TTL (net.ipv4.ip_default_ttl). */
  static final int DEFAULT_TTL = 64;

  /** The largest payload one packet carries. */
  static final int MAX_PAYLOAD = 65535 - HEADER;

  private Ipv4() {}

  /** A packet of payloadLength bytes, header filled in, the payload left for the caller. */
  static byte[] packet(int src, int dst, int protocol, int id, int payloadLength) {
    byte[] p = new byte[HEADER + payloadLength];
    p[0] = 0x45;
    put16(p, TOTAL_LENGTH, p.length);
    put16(p, ID, id);
    put16(p, FRAGMENT, DONT_FRAGMENT);
    p[TTL] = DEFAULT_TTL;
    p[PROTOCOL] = (byte) protocol;
    put32(p, SOURCE, src);
    put32(p, DESTINATION, dst);
    put16(p, CHECKSUM, Checksum.finish(Checksum.add(0, p, 0, HEADER)));
    return p;
  }

  /** The header length of a packet whose first byte was checked to say version 4. */
  static int headerLength(byte[] p) {
    return (p[0] & 0x0f) * 4;
  }

  static int get16(byte[] b, int off) {
    return (b[off] & 0xff) << 8 | (b[off + 1] & 0xff);
  }

  static int get32(byte[] b, int off) {
    return (b[off] & 0xff) << 24
        | (b[off + 1] & 0xff) << 16
        | (b[off + 2] & 0xff) << 8
        | (b[off + 3] & 0xff);
  }

  static void put16(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 8);
    b[off + 1] = (byte) v;
  }

  static void put32(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  /** Dotted quad of a host-order address. */
  static String dotted(int a) {
    return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
  }
}
