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
  // The bank of the last lookup: accesses come in runs within one bank (a copy, a kernel's
  // partition), and a machine of many banks (manycore has eight) would otherwise search them all
  // at each frame.
  private Bank lastBank;
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

  /**
   * One contiguous RAM range with its lazily allocated frames, in chunks of {@link #CHUNK} frames
   * made at the first touch of one of them: a program's machine has 16 GiB of RAM, whose flat table
   * of frames (20 MiB to zero) took 60 ms of every short run's start-up.
   */
  private static final class Bank {
    final long base;
    final long size;
    final Chunk[] chunks;

    Bank(long base, long size) {
      this.base = base;
      this.size = size;
      long frames = size >>> FRAME_SHIFT;
      this.chunks = new Chunk[Math.toIntExact((frames + CHUNK - 1) >>> CHUNK_SHIFT)];
    }

    boolean contains(long paddr) {
      return Long.compareUnsigned(paddr - base, size) < 0;
    }

    /** The chunk holding frame index, or null when none of its frames was touched. */
    Chunk peek(int index) {
      return chunks[index >>> CHUNK_SHIFT];
    }

    /** The chunk holding frame index, made if needed. */
    Chunk chunk(int index) {
      Chunk c = chunks[index >>> CHUNK_SHIFT];
      if (c == null) {
        c = new Chunk();
        chunks[index >>> CHUNK_SHIFT] = c;
      }
      return c;
    }
  }

  private static final int CHUNK_SHIFT = 10;
  private static final int CHUNK = 1 << CHUNK_SHIFT;
  private static final int IN_CHUNK = CHUNK - 1;

  /**
   * The frames of one chunk, which of them hold decoded code, and where frames placed from
   * read-only content ({@link #place}) and not touched since take their bytes from.
   */
  private static final class Chunk {
    final byte[][] frames = new byte[CHUNK][];
    final boolean[] code = new boolean[CHUNK];
    ReadOnlyBytes[] from; // made at the chunk's first placed frame
    int[] fromOffset;

    /** The content frame i was placed from while it has no host memory, else null. */
    ReadOnlyBytes source(int i) {
      return from == null ? null : from[i];
    }

    void setSource(int i, ReadOnlyBytes content, int offset) {
      if (from == null) {
        if (content == null) {
          return;
        }
        from = new ReadOnlyBytes[CHUNK];
        fromOffset = new int[CHUNK];
      }
      from[i] = content;
      fromOffset[i] = offset;
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

  /** The bank holding paddr, or null when paddr is not RAM. */
  private Bank bankOf(long paddr) {
    Bank last = lastBank;
    if (last != null && last.contains(paddr)) {
      return last;
    }
    for (int i = 0, n = banks.size(); i < n; i++) {
      Bank b = banks.get(i);
      if (b.contains(paddr)) {
        lastBank = b;
        return b;
      }
    }
    return null;
  }

  /**
   * The host array that backs the frame holding {@code paddr}, allocated (zeroed) on first touch;
   * null when paddr is not RAM. Callers that are not the machine go through a {@link MemoryView}.
   */
  byte[] frame(long paddr) {
    Bank b = bankOf(paddr);
    return b == null ? null : frameIn(b, (int) ((paddr - b.base) >>> FRAME_SHIFT));
  }

  private byte[] frameIn(Bank b, int index) {
    Chunk c = b.chunk(index);
    byte[] f = c.frames[index & IN_CHUNK];
    if (f == null) {
      f = new byte[FRAME_SIZE];
      ReadOnlyBytes content = c.source(index & IN_CHUNK);
      if (content != null) {
        int offset = c.fromOffset[index & IN_CHUNK];
        content.copyTo(offset, f, 0, Math.min(FRAME_SIZE, content.length() - offset));
        c.setSource(index & IN_CHUNK, null, 0);
      }
      c.frames[index & IN_CHUNK] = f;
      touchedFrames++;
    }
    return f;
  }

  /**
   * Makes the frames from paddr (frame aligned) hold content, zero past its end to the end of its
   * last frame: what a loader writing content there would leave. A frame with host memory gets the
   * bytes now (so that an array a hart holds stays the frame's, and decoded copies of code there
   * are invalidated); one without takes its bytes from content when first touched, and until then
   * costs no host memory. The caller checked that the range is RAM.
   */
  void place(long paddr, ReadOnlyBytes content) {
    for (int offset = 0; offset < content.length(); offset += FRAME_SIZE) {
      long at = paddr + offset;
      Bank b = bankOf(at);
      int index = (int) ((at - b.base) >>> FRAME_SHIFT);
      Chunk c = b.chunk(index);
      if (c.frames[index & IN_CHUNK] != null) {
        byte[] f = frameForWrite(at);
        int n = Math.min(FRAME_SIZE, content.length() - offset);
        content.copyTo(offset, f, 0, n);
        java.util.Arrays.fill(f, n, FRAME_SIZE, (byte) 0);
      } else {
        c.setSource(index & IN_CHUNK, content, offset);
      }
    }
  }

  /**
   * The content the length bytes at paddr were placed from ({@link #place}) when every frame of
   * them still takes its bytes from it and they are all of it, in order; else null.
   */
  ReadOnlyBytes placed(long paddr, int length) {
    if ((paddr & FRAME_MASK) != 0 || length <= 0) {
      return null;
    }
    ReadOnlyBytes found = null;
    for (int offset = 0; offset < length; offset += FRAME_SIZE) {
      long at = paddr + offset;
      Bank b = bankOf(at);
      if (b == null) {
        return null;
      }
      int index = (int) ((at - b.base) >>> FRAME_SHIFT);
      Chunk c = b.peek(index);
      ReadOnlyBytes content = c == null ? null : c.source(index & IN_CHUNK);
      if (content == null
          || (found != null && content != found)
          || c.fromOffset[index & IN_CHUNK] != offset) {
        return null;
      }
      found = content;
    }
    return found.length() == length ? found : null;
  }

  /**
   * As {@link #frame}, for a write: if the frame held decoded code, every decoded copy is
   * invalidated first ({@link #codeWritten}), with one search of the banks for both.
   */
  byte[] frameForWrite(long paddr) {
    Bank b = bankOf(paddr);
    if (b == null) {
      return null;
    }
    int index = (int) ((paddr - b.base) >>> FRAME_SHIFT);
    byte[] f = frameIn(b, index);
    if (b.peek(index).code[index & IN_CHUNK]) {
      codeWritten(b, index, paddr);
    }
    return f;
  }

  /**
   * Zeroes the frame holding paddr if it was ever touched (an untouched frame is zero already and
   * stays without host memory); decoded copies of its code are invalidated.
   */
  void clear(long paddr) {
    Bank b = bankOf(paddr);
    if (b == null) {
      return;
    }
    int index = (int) ((paddr - b.base) >>> FRAME_SHIFT);
    Chunk c = b.peek(index);
    byte[] f = c == null ? null : c.frames[index & IN_CHUNK];
    if (f != null) {
      if (c.code[index & IN_CHUNK]) {
        codeWritten(b, index, paddr);
      }
      java.util.Arrays.fill(f, (byte) 0);
    } else if (c != null) {
      c.setSource(index & IN_CHUNK, null, 0);
    }
  }

  /**
   * Gives the host memory of the frame holding paddr back, so that it reads as zero again and takes
   * no host memory until touched: what a page allocator does with frames whose contents are dead
   * (the initramfs archive once unpacked). The caller guarantees that no hart caches the frame for
   * loads or stores; decoded copies of its code are invalidated.
   */
  void discard(long paddr) {
    Bank b = bankOf(paddr);
    if (b == null) {
      return;
    }
    int index = (int) ((paddr - b.base) >>> FRAME_SHIFT);
    Chunk c = b.peek(index);
    if (c != null && c.frames[index & IN_CHUNK] != null) {
      if (c.code[index & IN_CHUNK]) {
        codeWritten(b, index, paddr);
      }
      c.frames[index & IN_CHUNK] = null;
      touchedFrames--;
    } else if (c != null) {
      c.setSource(index & IN_CHUNK, null, 0);
    }
  }

  /** Marks the frame holding paddr as holding decoded instructions. */
  void markCode(long paddr) {
    Bank b = bankOf(paddr);
    if (b == null) {
      return;
    }
    int i = (int) ((paddr - b.base) >>> FRAME_SHIFT);
    Chunk c = b.chunk(i);
    if (!c.code[i & IN_CHUNK]) {
      c.code[i & IN_CHUNK] = true;
      long frameNumber = paddr >>> FRAME_SHIFT;
      for (int k = 0, n = codeWriteListeners.size(); k < n; k++) {
        codeWriteListeners.get(k).onFrameBecameCode(frameNumber);
      }
    }
  }

  /** True when the frame holding paddr holds decoded instructions that a write must invalidate. */
  boolean isCode(long paddr) {
    Bank b = bankOf(paddr);
    if (b == null) {
      return false;
    }
    int index = (int) ((paddr - b.base) >>> FRAME_SHIFT);
    Chunk c = b.peek(index);
    return c != null && c.code[index & IN_CHUNK];
  }

  /**
   * A write reached frame index of b, which is marked as code: clears the mark and tells every
   * listener.
   */
  private void codeWritten(Bank b, int index, long paddr) {
    b.peek(index).code[index & IN_CHUNK] = false;
    long frameNumber = paddr >>> FRAME_SHIFT;
    for (int k = 0, n = codeWriteListeners.size(); k < n; k++) {
      codeWriteListeners.get(k).onCodeFrameWritten(frameNumber);
    }
  }

  public void addCodeWriteListener(CodeWriteListener listener) {
    codeWriteListeners.add(listener);
  }
}
