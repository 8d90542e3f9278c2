package dev.popcornj.kernel.mm;

import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.PhysicalMemory;
import dev.popcornj.machine.mem.Region;
import java.util.Arrays;

/**
 * Hands out the 4 KiB physical frames of one region of a kernel's partition: never-used frames from
 * a bump pointer (they are still untouched, hence zero and free of host memory), then frames given
 * back, which are zeroed again before reuse.
 *
 * <p>Owned by one kernel instance; used only on its simulation thread.
 */
public final class FrameAllocator {
  /** Returned by {@link #allocate()} when the region is exhausted. */
  public static final long NO_FRAME = -1;

  private final MemoryView view;
  private final Region region;
  private long nextFresh;
  private long[] recycled = new long[64];
  private int recycledCount;
  private long inUse;

  public FrameAllocator(MemoryView view, Region region) {
    if ((region.base() & PhysicalMemory.FRAME_MASK) != 0
        || (region.size() & PhysicalMemory.FRAME_MASK) != 0) {
      throw new IllegalArgumentException("frame region not frame aligned: " + region);
    }
    if (!view.isGranted(region.base(), region.size())) {
      throw new IllegalArgumentException(view.accessor() + " was not granted " + region);
    }
    this.view = view;
    this.region = region;
    this.nextFresh = region.base();
  }

  /** A zero-filled frame's physical address, or {@link #NO_FRAME}. */
  public long allocate() {
    long frame;
    if (recycledCount > 0) {
      frame = recycled[--recycledCount];
      Arrays.fill(view.frameForWrite(frame), (byte) 0);
    } else if (nextFresh < region.end()) {
      frame = nextFresh;
      nextFresh += PhysicalMemory.FRAME_SIZE;
    } else {
      return NO_FRAME;
    }
    inUse++;
    return frame;
  }

  /** Gives a frame back; it must have come from this allocator and not be freed twice. */
  public void free(long frame) {
    if (!region.contains(frame, PhysicalMemory.FRAME_SIZE)
        || (frame & PhysicalMemory.FRAME_MASK) != 0
        || frame >= nextFresh) {
      throw new IllegalArgumentException("not an allocated frame: " + Region.hex(frame));
    }
    if (recycledCount == recycled.length) {
      recycled = Arrays.copyOf(recycled, recycled.length * 2);
    }
    recycled[recycledCount++] = frame;
    inUse--;
  }

  /** Frames handed out and not given back. */
  public long framesInUse() {
    return inUse;
  }

  /** Frames that can still be allocated. */
  public long framesFree() {
    return (region.end() - nextFresh) / PhysicalMemory.FRAME_SIZE + recycledCount;
  }

  public MemoryView view() {
    return view;
  }
}
