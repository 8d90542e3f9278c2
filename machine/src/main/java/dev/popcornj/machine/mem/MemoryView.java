package dev.popcornj.machine.mem;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One accessor's window on physical memory: a kernel's partition plus the shared windows granted to
 * it. Every access outside the granted regions is refused with a {@link MemoryFault}; this is the
 * partition guard that the replicated kernels rely on.
 *
 * <p>Harts use the frame methods to fill their TLBs and then access the host arrays directly;
 * kernels use the typed accessors. Little-endian throughout, as RISC-V is.
 */
public final class MemoryView {
  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final String accessor;
  private final PhysicalMemory memory;
  private final List<Region> grants = new ArrayList<>();
  private final MemoryAudit audit;

  public MemoryView(String accessor, PhysicalMemory memory, List<Region> grants) {
    this(accessor, memory, grants, null);
  }

  /** A view whose every frame lookup is also reported to audit (null: none). */
  public MemoryView(
      String accessor, PhysicalMemory memory, List<Region> grants, MemoryAudit audit) {
    this.accessor = accessor;
    this.memory = memory;
    this.audit = audit;
    for (Region r : grants) {
      grant(r);
    }
  }

  /** Adds a region to this view; it must be RAM. */
  void grant(Region r) {
    if (!memory.isRam(r.base(), r.size())) {
      throw new IllegalArgumentException(accessor + ": " + r + " is not RAM");
    }
    grants.add(r);
  }

  /** Removes a region granted before (for instance a shared window that is torn down). */
  void revoke(Region r) {
    grants.remove(r);
  }

  /**
   * Grants a window of another accessor's memory (a shared window the firmware opens between
   * kernels). Only the firmware calls this: a kernel never widens its own view.
   */
  public void grantWindow(Region r) {
    grant(r);
  }

  /** Revokes a window granted by {@link #grantWindow}; the caller flushes the harts' TLBs. */
  public void revokeWindow(Region r) {
    revoke(r);
  }

  public List<Region> grants() {
    return List.copyOf(grants);
  }

  public String accessor() {
    return accessor;
  }

  public PhysicalMemory memory() {
    return memory;
  }

  public boolean isGranted(long paddr, long length) {
    for (int i = 0, n = grants.size(); i < n; i++) {
      if (grants.get(i).contains(paddr, length)) {
        return true;
      }
    }
    return false;
  }

  /** Reports the access to the audit and refuses it outside the granted regions. */
  private void check(long paddr) {
    if (audit != null) {
      audit.reached(accessor, paddr);
    }
    if (!isGranted(paddr, 1)) {
      throw new MemoryFault(accessor, paddr);
    }
  }

  private byte[] checkedFrame(long paddr) {
    check(paddr);
    return nonNull(memory.frame(paddr), paddr);
  }

  private byte[] nonNull(byte[] frame, long paddr) {
    if (frame == null) {
      throw new MemoryFault(accessor, paddr);
    }
    return frame;
  }

  /**
   * Zeroes the frame holding paddr without giving it host memory if it has none: how a page
   * allocator hands out a frame that a previous kernel on the same memory may have used.
   */
  public void clearFrame(long paddr) {
    check(paddr);
    memory.clear(paddr);
  }

  /**
   * Gives back the host memory of the frame holding paddr (it reads as zero again), as {@link
   * #clearFrame} zeroes it: for frames whose contents are dead and that no hart has cached since it
   * was bound to this view (the initramfs archive of a kernel, once unpacked).
   */
  public void discardFrame(long paddr) {
    check(paddr);
    memory.discard(paddr);
  }

  /**
   * Makes the frames from paddr (frame aligned) hold content, zero past its end to the end of its
   * last frame, as writing it there would, but without copying it into frames nobody has touched:
   * each takes its bytes from content when first touched. How a loader puts a large read-only
   * content (an initramfs archive) in memory; {@link ContentPool#intern(MemoryView, long, int)}
   * then finds it there without reading it.
   *
   * @throws MemoryFault when a byte of the frames is not granted
   */
  public void place(long paddr, ReadOnlyBytes content) {
    if ((paddr & PhysicalMemory.FRAME_MASK) != 0) {
      throw new IllegalArgumentException("placement not frame aligned: " + Region.hex(paddr));
    }
    long span = ((long) content.length() + PhysicalMemory.FRAME_MASK) & ~PhysicalMemory.FRAME_MASK;
    for (long at = paddr; at < paddr + span; at += PhysicalMemory.FRAME_SIZE) {
      check(at);
      if (!memory.isRam(at, PhysicalMemory.FRAME_SIZE)) {
        throw new MemoryFault(accessor, at);
      }
    }
    memory.place(paddr, content);
  }

  /**
   * The content the length bytes at paddr were placed from ({@link #place}), when they are all of
   * it and none of their frames was touched since; else null.
   */
  ReadOnlyBytes placed(long paddr, int length) {
    return isGranted(paddr, Math.max(1, length)) ? memory.placed(paddr, length) : null;
  }

  /** The frame holding paddr, for reading. */
  public byte[] frameForRead(long paddr) {
    return checkedFrame(paddr);
  }

  /**
   * The frame holding paddr, for writing. If the frame held decoded code, every decoded copy is
   * invalidated first, so a hart that caches this array for stores sees self-modifying code.
   */
  public byte[] frameForWrite(long paddr) {
    check(paddr);
    return nonNull(memory.frameForWrite(paddr), paddr);
  }

  /**
   * The frame holding paddr, for instruction fetch: the frame is marked as code, so the next write
   * through {@link #frameForWrite} invalidates decoded instructions. A hart that caches a frame for
   * stores must drop that entry when it marks the frame as code.
   */
  public byte[] frameForExecute(long paddr) {
    byte[] f = checkedFrame(paddr);
    memory.markCode(paddr);
    return f;
  }

  /** True when a write to this frame must go through {@link #frameForWrite} each time. */
  public boolean isCode(long paddr) {
    return memory.isCode(paddr);
  }

  public byte read8(long paddr) {
    return checkedFrame(paddr)[(int) (paddr & PhysicalMemory.FRAME_MASK)];
  }

  public short read16(long paddr) {
    if ((paddr & PhysicalMemory.FRAME_MASK) > PhysicalMemory.FRAME_SIZE - 2) {
      return (short) readBytesLe(paddr, 2);
    }
    return (short) SHORT.get(checkedFrame(paddr), (int) (paddr & PhysicalMemory.FRAME_MASK));
  }

  public int read32(long paddr) {
    if ((paddr & PhysicalMemory.FRAME_MASK) > PhysicalMemory.FRAME_SIZE - 4) {
      return (int) readBytesLe(paddr, 4);
    }
    return (int) INT.get(checkedFrame(paddr), (int) (paddr & PhysicalMemory.FRAME_MASK));
  }

  public long read64(long paddr) {
    if ((paddr & PhysicalMemory.FRAME_MASK) > PhysicalMemory.FRAME_SIZE - 8) {
      return readBytesLe(paddr, 8);
    }
    return (long) LONG.get(checkedFrame(paddr), (int) (paddr & PhysicalMemory.FRAME_MASK));
  }

  public void write8(long paddr, byte v) {
    frameForWrite(paddr)[(int) (paddr & PhysicalMemory.FRAME_MASK)] = v;
  }

  public void write16(long paddr, short v) {
    if ((paddr & PhysicalMemory.FRAME_MASK) > PhysicalMemory.FRAME_SIZE - 2) {
      writeBytesLe(paddr, v, 2);
      return;
    }
    SHORT.set(frameForWrite(paddr), (int) (paddr & PhysicalMemory.FRAME_MASK), v);
  }

  public void write32(long paddr, int v) {
    if ((paddr & PhysicalMemory.FRAME_MASK) > PhysicalMemory.FRAME_SIZE - 4) {
      writeBytesLe(paddr, v, 4);
      return;
    }
    INT.set(frameForWrite(paddr), (int) (paddr & PhysicalMemory.FRAME_MASK), v);
  }

  public void write64(long paddr, long v) {
    if ((paddr & PhysicalMemory.FRAME_MASK) > PhysicalMemory.FRAME_SIZE - 8) {
      writeBytesLe(paddr, v, 8);
      return;
    }
    LONG.set(frameForWrite(paddr), (int) (paddr & PhysicalMemory.FRAME_MASK), v);
  }

  /** Copies length bytes from physical memory into dst[off..]. */
  public void readBytes(long paddr, byte[] dst, int off, int length) {
    while (length > 0) {
      int in = (int) (paddr & PhysicalMemory.FRAME_MASK);
      int n = Math.min(length, PhysicalMemory.FRAME_SIZE - in);
      System.arraycopy(checkedFrame(paddr), in, dst, off, n);
      paddr += n;
      off += n;
      length -= n;
    }
  }

  /** Copies length bytes from src[off..] into physical memory. */
  public void writeBytes(long paddr, byte[] src, int off, int length) {
    while (length > 0) {
      int in = (int) (paddr & PhysicalMemory.FRAME_MASK);
      int n = Math.min(length, PhysicalMemory.FRAME_SIZE - in);
      System.arraycopy(src, off, frameForWrite(paddr), in, n);
      paddr += n;
      off += n;
      length -= n;
    }
  }

  private long readBytesLe(long paddr, int n) {
    long v = 0;
    for (int i = 0; i < n; i++) {
      v |= (read8(paddr + i) & 0xffL) << (8 * i);
    }
    return v;
  }

  private void writeBytesLe(long paddr, long v, int n) {
    for (int i = 0; i < n; i++) {
      write8(paddr + i, (byte) (v >>> (8 * i)));
    }
  }
}
