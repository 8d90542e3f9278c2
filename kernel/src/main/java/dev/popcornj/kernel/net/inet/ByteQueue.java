package dev.popcornj.kernel.net.inet;

/** A growable ring of bytes: a socket's send or receive queue. */
final class ByteQueue {
  private byte[] ring = new byte[1024];
  private int head;
  private int size;

  int size() {
    return size;
  }

  void append(byte[] b, int off, int length) {
    if (size + length > ring.length) {
      int capacity = ring.length;
      while (capacity < size + length) {
        capacity *= 2;
      }
      byte[] grown = new byte[capacity];
      copy(0, grown, 0, size);
      ring = grown;
      head = 0;
    }
    int tail = (head + size) % ring.length;
    int first = Math.min(length, ring.length - tail);
    System.arraycopy(b, off, ring, tail, first);
    System.arraycopy(b, off + first, ring, 0, length - first);
    size += length;
  }

  /** Copies length bytes starting offset bytes past the head. */
  void copy(int offset, byte[] dst, int dstOff, int length) {
    int from = (head + offset) % ring.length;
    int first = Math.min(length, ring.length - from);
    System.arraycopy(ring, from, dst, dstOff, first);
    System.arraycopy(ring, 0, dst, dstOff + first, length - first);
  }

  byte[] copy(int offset, int length) {
    byte[] b = new byte[length];
    copy(offset, b, 0, length);
    return b;
  }

  void drop(int length) {
    head = (head + length) % ring.length;
    size -= length;
    if (size == 0) {
      head = 0;
    }
  }
}
