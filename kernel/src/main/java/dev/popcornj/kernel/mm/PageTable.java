package dev.popcornj.kernel.mm;

import java.util.Arrays;

/**
 * The page map of one address space: virtual page number to page-table entry, where an entry is the
 * frame's physical address with the page's {@link Prot} bits in its low (offset) bits.
 *
 * <p>An open-addressing hash table with linear probing on primitive longs, since it is consulted on
 * every TLB miss. It starts small and doubles as pages come in, so a process that maps few pages
 * (most of a fork bomb's) costs the host little; {@link #clear()} gives the room back. Owned by its
 * {@link AddressSpace}.
 */
final class PageTable {
  static final long ABSENT = -1;

  private static final long EMPTY = -1;

  /** Slots of an empty table: a power of two, room for 24 pages before the first doubling. */
  private static final int INITIAL_SLOTS = 32;

  private long[] keys;
  private long[] values;
  private int size;
  private int mask;

  PageTable() {
    clear();
  }

  /** Empties the table and shrinks it to its initial size. */
  void clear() {
    keys = new long[INITIAL_SLOTS];
    values = new long[INITIAL_SLOTS];
    Arrays.fill(keys, EMPTY);
    mask = keys.length - 1;
    size = 0;
  }

  static long entry(long frame, int prot) {
    return frame | prot;
  }

  static long frameOf(long entry) {
    return entry & ~MemoryLayout.PAGE_MASK;
  }

  static int protOf(long entry) {
    return (int) (entry & Prot.ALL);
  }

  private static int hash(long vpn) {
    long h = vpn * 0x9e3779b97f4a7c15L;
    return (int) (h ^ (h >>> 29));
  }

  /** The entry for vpn, or {@link #ABSENT}. */
  long get(long vpn) {
    for (int i = hash(vpn) & mask; ; i = (i + 1) & mask) {
      long k = keys[i];
      if (k == vpn) {
        return values[i];
      }
      if (k == EMPTY) {
        return ABSENT;
      }
    }
  }

  void put(long vpn, long entry) {
    if ((size + 1) * 4L > keys.length * 3L) {
      grow();
    }
    int i = hash(vpn) & mask;
    while (keys[i] != EMPTY && keys[i] != vpn) {
      i = (i + 1) & mask;
    }
    if (keys[i] == EMPTY) {
      size++;
    }
    keys[i] = vpn;
    values[i] = entry;
  }

  /** Removes vpn and returns its entry, or {@link #ABSENT}. */
  long remove(long vpn) {
    int i = hash(vpn) & mask;
    while (keys[i] != vpn) {
      if (keys[i] == EMPTY) {
        return ABSENT;
      }
      i = (i + 1) & mask;
    }
    long old = values[i];
    size--;
    // Backward-shift deletion: move later members of the probe run into the hole so that no
    // lookup stops early at it.
    int hole = i;
    for (int j = (i + 1) & mask; keys[j] != EMPTY; j = (j + 1) & mask) {
      int home = hash(keys[j]) & mask;
      boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        keys[hole] = keys[j];
        values[hole] = values[j];
        hole = j;
      }
    }
    keys[hole] = EMPTY;
    return old;
  }

  int size() {
    return size;
  }

  /** The page numbers present in [fromVpn, toVpn), in no particular order. */
  long[] keysInRange(long fromVpn, long toVpn) {
    long[] out = new long[Math.min(size, 16)];
    int n = 0;
    if (toVpn - fromVpn <= keys.length) {
      // A short range is cheaper to probe page by page than to scan the whole table.
      for (long vpn = fromVpn; vpn < toVpn; vpn++) {
        if (get(vpn) != ABSENT) {
          if (n == out.length) {
            out = Arrays.copyOf(out, n * 2 + 1);
          }
          out[n++] = vpn;
        }
      }
    } else {
      for (long k : keys) {
        if (k != EMPTY && k >= fromVpn && k < toVpn) {
          if (n == out.length) {
            out = Arrays.copyOf(out, n * 2 + 1);
          }
          out[n++] = k;
        }
      }
    }
    return Arrays.copyOf(out, n);
  }

  private void grow() {
    long[] oldKeys = keys;
    long[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new long[oldKeys.length * 2];
    Arrays.fill(keys, EMPTY);
    mask = keys.length - 1;
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != EMPTY) {
        put(oldKeys[i], oldValues[i]);
      }
    }
  }
}
