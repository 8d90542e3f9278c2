package dev.popcornj.kernel.services.vtty;

/**
 * What a secondary's console wrote and nobody on the primary has read yet, bounded as a terminal's
 * scroll-back is: past {@link #CAPACITY} bytes the oldest go, and the loss is counted. A secondary
 * writing to a console nobody watches can never make the primary's memory grow without end.
 *
 * <p>Owned by the primary kernel; one per secondary.
 */
final class ConsoleBacklog {
  /**
   * Bytes kept for one console: a few screens of a binary file's echo. The ring grows to it only as
   * output waits, so an idle console costs a page.
   */
  static final int CAPACITY = 2 * 1024 * 1024;

  private final int capacity;
  private byte[] ring = new byte[4096];
  private int start;
  private int size;
  private long dropped;

  ConsoleBacklog() {
    this(CAPACITY);
  }

  ConsoleBacklog(int capacity) {
    this.capacity = capacity;
  }

  void append(byte[] data) {
    int from = 0;
    if (data.length > capacity) {
      from = data.length - capacity;
      dropped += from;
    }
    while (size + (data.length - from) > ring.length && ring.length < capacity) {
      byte[] bigger = new byte[Math.min(capacity, ring.length * 2)];
      for (int i = 0; i < size; i++) {
        bigger[i] = ring[(start + i) % ring.length];
      }
      ring = bigger;
      start = 0;
    }
    for (int i = from; i < data.length; i++) {
      if (size == ring.length) {
        start = (start + 1) % ring.length;
        size--;
        dropped++;
      }
      ring[(start + size) % ring.length] = data[i];
      size++;
    }
  }

  /** Takes up to max bytes from the oldest. */
  byte[] take(int max) {
    int n = Math.min(max, size);
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = ring[(start + i) % ring.length];
    }
    start = (start + n) % ring.length;
    size -= n;
    return out;
  }

  int size() {
    return size;
  }

  /** Bytes lost because nobody read them in time. */
  long dropped() {
    return dropped;
  }
}
