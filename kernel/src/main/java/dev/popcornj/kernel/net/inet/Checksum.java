package dev.popcornj.kernel.net.inet;

/** The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum. */
final class Checksum {
  private Checksum() {}

  /** Adds length bytes of b from off, as 16-bit big-endian words, to a running 32-bit sum. */
  static long add(long sum, byte[] b, int off, int length) {
    int i = off;
    int end = off + length;
    for (; i + 1 < end; i += 2) {
      sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }
    if (i < end) {
      sum += (b[i] & 0xff) << 8;
    }
    return sum;
  }

  /** Folds a running sum to 16 bits and complements it. */
  static int finish(long sum) {
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) (~sum & 0xffff);
  }

  /** The pseudo-header sum of TCP and UDP: addresses, protocol and the segment's length. */
  static long pseudo(int src, int dst, int protocol, int length) {
    return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
  }
}
