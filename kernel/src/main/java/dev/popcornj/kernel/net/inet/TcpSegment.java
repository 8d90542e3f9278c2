package dev.popcornj.kernel.net.inet;

import java.util.Arrays;

/**
 * One TCP segment (RFC 793), parsed from or written to the payload of an IPv4 packet:
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |          Source Port          |       Destination Port        |  0
 *  +-------------------------------+-------------------------------+
 *  |                        Sequence Number                        |  4
 *  +---------------------------------------------------------------+
 *  |                    Acknowledgment Number                      |  8
 *  +-------+-----------+-----------+-------------------------------+
 *  |  Data |           |C|E|U|A|P|R|S|F|                            |
 *  | Offset| Reserved  |W|C|R|C|S|S|Y|I|            Window         | 12
 *  +-------+-----------+-----------+-------------------------------+
 *  |           Checksum            |         Urgent Pointer        | 16
 *  +-------------------------------+-------------------------------+
 *  |                    Options (MSS only)                         | 20
 * </pre>
 *
 * <p>Only the MSS option is written (in SYNs) and read; other options are skipped.
 */
record TcpSegment(
    int srcPort, int dstPort, int seq, int ack, int flags, int window, int mss, byte[] data) {
  static final int HEADER = 20;
  static final int FIN = 0x01;
  static final int SYN = 0x02;
  static final int RST = 0x04;
  static final int PSH = 0x08;
  static final int ACK = 0x10;

  private static final int OPT_END = 0;
  private static final int OPT_NOP = 1;
  private static final int OPT_MSS = 2;

  boolean has(int flag) {
    return (flags & flag) != 0;
  }

  /** The sequence space the segment occupies: its data, plus one each for SYN and FIN. */
  int length() {
    return data.length + (has(SYN) ? 1 : 0) + (has(FIN) ? 1 : 0);
  }

  /** The IPv4 packet carrying this segment from src to dst. */
  byte[] toPacket(int src, int dst, int id) {
    int optLength = mss > 0 ? 4 : 0;
    int header = HEADER + optLength;
    byte[] p = Ipv4.packet(src, dst, Ipv4.PROTO_TCP, id, header + data.length);
    int o = Ipv4.HEADER;
    Ipv4.put16(p, o, srcPort);
    Ipv4.put16(p, o + 2, dstPort);
    Ipv4.put32(p, o + 4, seq);
    Ipv4.put32(p, o + 8, ack);
    p[o + 12] = (byte) ((header / 4) << 4);
    p[o + 13] = (byte) flags;
    Ipv4.put16(p, o + 14, window);
    if (mss > 0) {
      p[o + 20] = OPT_MSS;
      p[o + 21] = 4;
      Ipv4.put16(p, o + 22, mss);
    }
    System.arraycopy(data, 0, p, o + header, data.length);
    int length = header + data.length;
    long sum = Checksum.pseudo(src, dst, Ipv4.PROTO_TCP, length);
    Ipv4.put16(p, o + 16, Checksum.finish(Checksum.add(sum, p, o, length)));
    return p;
  }

  /**
   * The segment at off..off+length of packet p from src to dst, or null when it is malformed:
   * shorter than its header, a data offset out of bounds, a bad option length, or a checksum that
   * does not verify.
   */
  static TcpSegment parse(byte[] p, int off, int length, int src, int dst) {
    if (length < HEADER) {
      return null;
    }
    int header = ((p[off + 12] & 0xff) >>> 4) * 4;
    if (header < HEADER || header > length) {
      return null;
    }
    long sum = Checksum.pseudo(src, dst, Ipv4.PROTO_TCP, length);
    if (Checksum.finish(Checksum.add(sum, p, off, length)) != 0) {
      return null;
    }
    int mss = 0;
    for (int i = off + HEADER; i < off + header; ) {
      int kind = p[i] & 0xff;
      if (kind == OPT_END) {
        break;
      }
      if (kind == OPT_NOP) {
        i++;
        continue;
      }
      if (i + 1 >= off + header) {
        return null;
      }
      int len = p[i + 1] & 0xff;
      if (len < 2 || i + len > off + header) {
        return null;
      }
      if (kind == OPT_MSS && len == 4) {
        mss = Ipv4.get16(p, i + 2);
      }
      i += len;
    }
    return new TcpSegment(
        Ipv4.get16(p, off),
        Ipv4.get16(p, off + 2),
        Ipv4.get32(p, off + 4),
        Ipv4.get32(p, off + 8),
        p[off + 13] & 0x3f,
        Ipv4.get16(p, off + 14),
        mss,
        Arrays.copyOfRange(p, off + header, off + length));
  }
}
