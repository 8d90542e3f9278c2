package dev.popcornj.kernel.tty;

import java.util.Arrays;

/** A growable first-in first-out queue of bytes that can also be edited at its tail. */
final class ByteQueue {
  private byte[] data = new byte[64];
  private int head;
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void add(int b) {
    if (size == data.length) {
      byte[] bigger = new byte[data.length * 2];
      for (int i = 0; i < size; i++) {
        bigger[i] = data[(head + i) % data.length];
      }
      data = bigger;
      head = 0;
    }
    data[(head + size) % data.length] = (byte) b;
    size++;
  }

  void addAll(byte[] b, int off, int len) {
    for (int i = 0; i < len; i++) {
      add(b[off + i]);
    }
  }

  /** The i-th byte from the head, unsigned. */
  int get(int i) {
    return data[(head + i) % data.length] & 0xff;
  }

  int last() {
    return get(size - 1);
  }

  int removeLast() {
    int b = last();
    size--;
    return b;
  }

  /** Moves up to len bytes from the head into dst[off..]; returns how many. */
  int poll(byte[] dst, int off, int len) {
    int n = Math.min(len, size);
    for (int i = 0; i < n; i++) {
      dst[off + i] = data[(head + i) % data.length];
    }
    head = (head + n) % data.length;
    size -= n;
    return n;
  }

  byte[] toArray() {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) get(i);
    }
    return b;
  }

  void clear() {
    head = 0;
    size = 0;
    Arrays.fill(data, (byte) 0);
  }
}
