package dev.popcornj.kernel.mm;

import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.PhysicalMemory;
import dev.popcornj.machine.mem.Region;
import java.util.Arrays;

/**
 * Hands out the 4 KiB physical frames of one region of a kernel's partition and counts who holds
 * each: never-used frames come from a bump pointer (they are still untouched, hence zero and free
 * of host memory), then frames whose last holder let go, which are zeroed again before reuse.
 *
 * <p>At most a given number of frames are in use at once (boot parameter frames_max: what the host
 * heap can back, since every touched frame takes 4 KiB of it); beyond that the allocator fails as
 * if the region were exhausted.
 *
 * <p>A frame's reference count is the number of holders: one per page-table entry that maps it in
 * any address space, plus one per page cache that keeps it as a file page. Copy-on-write and shared
 * mappings are what make counts above one.
 *
 * <p>Owned by one kernel instance; used only on its simulation thread.
 */
public final class FrameAllocator {
  /** Returned by {@link #allocate()} when the region is exhausted. */
  public static final long NO_FRAME = -1;

  private final MemoryView view;
  private final Region region;
  private Region reserved;
  private final long maxInUse;
  private long nextFresh;
  private long[] recycled = new long[64];
  private int recycledCount;
  private long inUse;
  private int[] refs = new int[64]; // by frame index from the region base; grows with nextFresh

  public FrameAllocator(MemoryView view, Region region) {
    this(view, region, Long.MAX_VALUE);
  }

  /** An allocator of region's frames that has at most maxInUse of them in use at once. */
  public FrameAllocator(MemoryView view, Region region, long maxInUse) {
    if (maxInUse < 1) {
      throw new IllegalArgumentException("frame limit " + maxInUse);
    }
    if ((region.base() & PhysicalMemory.FRAME_MASK) != 0
        || (region.size() & PhysicalMemory.FRAME_MASK) != 0) {
      throw new IllegalArgumentException("frame region not frame aligned: " + region);
    }
    if (!view.isGranted(region.base(), region.size())) {
      throw new IllegalArgumentException(view.accessor() + " was not granted " + region);
    }
    this.view = view;
    this.region = region;
    this.maxInUse = maxInUse;
    this.nextFresh = region.base();
  }

  /**
   * Over region, except the frames of held (the initramfs archive, until it is unpacked): they are
   * not handed out until {@link #releaseHeld()} gives them to the pool, as Linux frees initrd
   * memory after unpacking it.
   */
  public FrameAllocator(MemoryView view, Region region, long maxInUse, Region held) {
    this(view, region, maxInUse);
    if ((held.base() & PhysicalMemory.FRAME_MASK) != 0
        || (held.size() & PhysicalMemory.FRAME_MASK) != 0
        || held.base() < region.base()
        || held.end() > region.end()) {
      throw new IllegalArgumentException("held frames " + held + " not whole frames of " + region);
    }
    this.reserved = held;
    if (held.base() == region.base()) {
      nextFresh = held.end();
      coverRefsBelow(nextFresh);
    }
  }

  /** Makes refs long enough for every frame below end (held frames skipped included). */
  private void coverRefsBelow(long end) {
    int need = index(end);
    if (need > refs.length) {
      refs = Arrays.copyOf(refs, Math.max(need, refs.length * 2));
    }
  }

  /**
   * The held frames join the pool (the archive they hold has been read); returns how many. Their
   * host memory goes back at once: no hart has mapped them, and a frame is zeroed before reuse
   * anyway, so the model's footprint does not keep a second copy of every unpacked file.
   */
  public long releaseHeld() {
    if (reserved == null) {
      return 0;
    }
    Region held = reserved;
    reserved = null;
    long n = held.size() / PhysicalMemory.FRAME_SIZE;
    for (long f = held.base(); f < held.end(); f += PhysicalMemory.FRAME_SIZE) {
      view.discardFrame(f);
    }
    if (nextFresh <= held.base()) {
      // Not reached yet: the bump pointer simply goes through them.
      return n;
    }
    while (recycledCount + n > recycled.length) {
      recycled = Arrays.copyOf(recycled, recycled.length * 2);
    }
    coverRefsBelow(held.end());
    // Highest first, so that they are handed out lowest first (recycled frames go last in, first
    // out).
    for (long f = held.end() - PhysicalMemory.FRAME_SIZE;
        f >= held.base();
        f -= PhysicalMemory.FRAME_SIZE) {
      recycled[recycledCount++] = f;
    }
    return n;
  }

  /** A zero-filled frame's physical address with a reference count of one, or {@link #NO_FRAME}. */
  public long allocate() {
    long frame;
    if (inUse >= maxInUse) {
      return NO_FRAME;
    }
    if (recycledCount > 0) {
      frame = recycled[--recycledCount];
      // Zeroed in place, or left without host memory when it has none (a discarded frame, such
      // as the initramfs archive's): its first write allocates it zeroed.
      view.clearFrame(frame);
    } else if (nextFresh < region.end()) {
      frame = nextFresh;
      nextFresh += PhysicalMemory.FRAME_SIZE;
      if (reserved != null && nextFresh == reserved.base()) {
        nextFresh = reserved.end();
        coverRefsBelow(nextFresh);
      }
      // Never handed out by this allocator, but a kernel that ran here before (kexec after a
      // panic) may have left data in it.
      view.clearFrame(frame);
      int index = index(frame);
      if (index >= refs.length) {
        refs = Arrays.copyOf(refs, Math.max(index + 1, refs.length * 2));
      }
    } else {
      return NO_FRAME;
    }
    refs[index(frame)] = 1;
    inUse++;
    return frame;
  }

  /**
   * n contiguous frames never handed out before, each with a reference count of one, for a window
   * of memory shared with other kernels ({@link AddressSpace.Window}); the base address, or {@link
   * #NO_FRAME} when the untouched part of the region has no such run (recycled frames are
   * scattered, so they are not used). The frames are zero.
   */
  public long allocateRun(int n) {
    if (n < 1 || inUse + n > maxInUse) {
      return NO_FRAME;
    }
    long base = nextFresh;
    long end = base + (long) n * PhysicalMemory.FRAME_SIZE;
    if (reserved != null && base < reserved.end() && end > reserved.base()) {
      return NO_FRAME; // would run into the held archive
    }
    if (end > region.end()) {
      return NO_FRAME;
    }
    nextFresh = end;
    coverRefsBelow(end);
    for (long f = base; f < end; f += PhysicalMemory.FRAME_SIZE) {
      view.clearFrame(f);
      refs[index(f)] = 1;
    }
    inUse += n;
    return base;
  }

  /** Adds a holder to an allocated frame. */
  public void retain(long frame) {
    refs[checkHeld(frame)]++;
  }

  /** Drops a holder; the frame goes back to the pool when it was the last. */
  public void release(long frame) {
    int i = checkHeld(frame);
    if (--refs[i] > 0) {
      return;
    }
    if (recycledCount == recycled.length) {
      recycled = Arrays.copyOf(recycled, recycled.length * 2);
    }
    recycled[recycledCount++] = frame;
    inUse--;
  }

  /** Gives back a frame that has a single holder: {@link #release(long)} by its older name. */
  public void free(long frame) {
    release(frame);
  }

  /** The number of holders of frame; zero for a frame that is free or not this allocator's. */
  public int refCount(long frame) {
    if (!isFrameOfRegion(frame) || frame >= nextFresh) {
      return 0;
    }
    return refs[index(frame)];
  }

  /** Frames handed out with at least one holder. */
  public long framesInUse() {
    return inUse;
  }

  /** Frames that can still be allocated. */
  public long framesFree() {
    long fresh = (region.end() - nextFresh) / PhysicalMemory.FRAME_SIZE;
    if (reserved != null && nextFresh <= reserved.base()) {
      fresh -= reserved.size() / PhysicalMemory.FRAME_SIZE;
    }
    return Math.min(fresh + recycledCount, maxInUse - inUse);
  }

  public MemoryView view() {
    return view;
  }

  /** Every frame with a holder, in address order: what {@link FrameAccounting} checks. */
  long[] heldFrames() {
    long[] out = new long[(int) inUse];
    int n = 0;
    for (long f = region.base(); f < nextFresh; f += PhysicalMemory.FRAME_SIZE) {
      if (refs[index(f)] > 0) {
        out[n++] = f;
      }
    }
    return out;
  }

  private boolean isFrameOfRegion(long frame) {
    return region.contains(frame, PhysicalMemory.FRAME_SIZE)
        && (frame & PhysicalMemory.FRAME_MASK) == 0;
  }

  private int index(long frame) {
    return (int) ((frame - region.base()) >>> PhysicalMemory.FRAME_SHIFT);
  }

  private int checkHeld(long frame) {
    if (!isFrameOfRegion(frame) || frame >= nextFresh || refs[index(frame)] <= 0) {
      throw new IllegalArgumentException("not an allocated frame: " + Region.hex(frame));
    }
    return index(frame);
  }
}
