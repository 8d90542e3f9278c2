package dev.popcornj.machine.mem;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The machine's physical memory: a set of non-overlapping RAM regions made of 4 KiB frames that
 * take host memory only once touched.
 *
 * <p>Nobody outside the machine reaches it directly: every kernel, hart and device goes through a
 * {@link MemoryView} that holds the regions granted to it. Owned by the machine; all access happens
 * on the simulation thread.
 */
public final class PhysicalMemory {
  public static final int FRAME_SHIFT = 12;
  public static final int FRAME_SIZE = 1 << FRAME_SHIFT;
  public static final long FRAME_MASK = FRAME_SIZE - 1;

  private final List<Bank> banks = new ArrayList<>();
  private long touchedFrames;
  private final List<CodeWriteListener> codeWriteListeners = new ArrayList<>();

  /** Receives the frame number of a frame holding decoded code that has just been written. */
  public interface CodeWriteListener {
    void onCodeFrameWritten(long frameNumber);

    /**
     * A frame has just been marked as code: a hart that caches the frame for stores must drop that
     * entry, so that its next store to it goes through {@link MemoryView#frameForWrite}.
     */
    default void onFrameBecameCode(long frameNumber) {}
  }

  /** One contiguous RAM range with its lazily allocated frames. */
  private static final class Bank {
    final long base;
    final long size;
    final byte[][] frames;
    final boolean[] code;

    Bank(long base, long size) {
      this.base = base;
      this.size = size;
      this.frames = new byte[Math.toIntExact(size >>> FRAME_SHIFT)][];
      this.code = new boolean[frames.length];
    }

    boolean contains(long paddr) {
      return Long.compareUnsigned(paddr - base, size) < 0;
    }
  }

  /**
   * Adds a RAM range. Base and size must be frame aligned and the range must not overlap another.
   */
  public void addRange(long base, long size) {
    if ((base & FRAME_MASK) != 0 || (size & FRAME_MASK) != 0 || size <= 0) {
      throw new IllegalArgumentException("memory range not frame aligned: " + Region.hex(base));
    }
    for (Bank b : banks) {
      if (base < b.base + b.size && b.base < base + size) {
        throw new IllegalArgumentException("memory ranges overlap at " + Region.hex(base));
      }
    }
    banks.add(new Bank(base, size));
  }

  public List<Region> ranges() {
    List<Region> out = new ArrayList<>();
    for (Bank b : banks) {
      out.add(new Region(b.base, b.size));
    }
    return Collections.unmodifiableList(out);
  }

  /** True when every byte of [paddr, paddr+length) is RAM. */
  public boolean isRam(long paddr, long length) {
    for (Bank b : banks) {
      if (b.contains(paddr) && length <= b.base + b.size - paddr) {
        return true;
      }
    }
    return false;
  }

  /** Frames that hold host memory now: a measure of the model's real footprint. */
  public long touchedFrames() {
    return touchedFrames;
  }

  /**
   * The host array that backs the frame holding {@code paddr}, allocated (zeroed) on first touch;
   * null when paddr is not RAM. Callers that are not the machine go through a {@link MemoryView}.
   */
  byte[] frame(long paddr) {
    for (int i = 0, n = banks.size(); i < n; i++) {
      Bank b = banks.get(i);
      if (b.contains(paddr)) {
        int index = (int) ((paddr - b.base) >>> FRAME_SHIFT);
        byte[] f = b.frames[index];
        if (f == null) {
          f = new byte[FRAME_SIZE];
          b.frames[index] = f;
          touchedFrames++;
        }
        return f;
      }
    }
    return null;
  }

  /**
   * Zeroes the frame holding paddr if it was ever touched (an untouched frame is zero already and
   * stays without host memory); decoded copies of its code are invalidated.
   */
  void clear(long paddr) {
    for (int i = 0, n = banks.size(); i < n; i++) {
      Bank b = banks.get(i);
      if (b.contains(paddr)) {
        byte[] f = b.frames[(int) ((paddr - b.base) >>> FRAME_SHIFT)];
        if (f != null) {
          codeWritten(paddr);
          java.util.Arrays.fill(f, (byte) 0);
        }
        return;
      }
    }
  }

  /**
   * Gives the host memory of the frame holding paddr back, so that it reads as zero again and takes
   * no host memory until touched: what a page allocator does with frames whose contents are dead
   * (the initramfs archive once unpacked). The caller guarantees that no hart caches the frame for
   * loads or stores; decoded copies of its code are invalidated.
   */
  void discard(long paddr) {
    for (int i = 0, n = banks.size(); i < n; i++) {
      Bank b = banks.get(i);
      if (b.contains(paddr)) {
        int index = (int) ((paddr - b.base) >>> FRAME_SHIFT);
        if (b.frames[index] != null) {
          codeWritten(paddr);
          b.frames[index] = null;
          touchedFrames--;
        }
        return;
      }
    }
  }

  /** Marks the frame holding paddr as holding decoded instructions. */
  void markCode(long paddr) {
    for (Bank b : banks) {
      if (b.contains(paddr)) {
        int i = (int) ((paddr - b.base) >>> FRAME_SHIFT);
        if (!b.code[i]) {
          b.code[i] = true;
          long frameNumber = paddr >>> FRAME_SHIFT;
          for (CodeWriteListener l : codeWriteListeners) {
            l.onFrameBecameCode(frameNumber);
          }
        }
        return;
      }
    }
  }

  /** True when the frame holding paddr holds decoded instructions that a write must invalidate. */
  boolean isCode(long paddr) {
    for (Bank b : banks) {
      if (b.contains(paddr)) {
        return b.code[(int) ((paddr - b.base) >>> FRAME_SHIFT)];
      }
    }
    return false;
  }

  /** Called on a write to a frame marked as code: clears the mark and tells every listener. */
  void codeWritten(long paddr) {
    for (Bank b : banks) {
      if (b.contains(paddr)) {
        int i = (int) ((paddr - b.base) >>> FRAME_SHIFT);
        if (b.code[i]) {
          b.code[i] = false;
          long frameNumber = paddr >>> FRAME_SHIFT;
          for (CodeWriteListener l : codeWriteListeners) {
            l.onCodeFrameWritten(frameNumber);
          }
        }
        return;
      }
    }
  }

  public void addCodeWriteListener(CodeWriteListener listener) {
    codeWriteListeners.add(listener);
  }
}
