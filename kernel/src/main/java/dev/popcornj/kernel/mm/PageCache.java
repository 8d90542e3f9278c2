package dev.popcornj.kernel.mm;

import dev.popcornj.machine.mem.MemoryView;
import dev.popcornj.machine.mem.PhysicalMemory;
import dev.popcornj.machine.mem.ReadOnlyBytes;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contents of one in-memory file, held in physical frames of the kernel's partition: what read
 * and write copy from and to, and what a file mapping maps, so that a shared mapping and write(2)
 * see the same bytes. Pages never written are holes that read as zero.
 *
 * <p>The cache holds one reference on each of its frames ({@link FrameAllocator#retain}); a mapping
 * that maps a frame takes its own, so a frame dropped by {@link #truncate} or {@link #release}
 * lives on while a process still maps it.
 *
 * <p>A file made from read-only bytes ({@link #fill}, the initramfs) takes its frames at once, as
 * writing them would, but a page's bytes reach its frame only when the frame itself is needed (a
 * write, a mapping); until then reads copy them from the read-only source, so the host keeps one
 * copy of the archive rather than one per kernel. The guest cannot tell: the frames, their
 * accounting and every byte read are the same.
 *
 * <p>Owned by the kernel whose file system holds the file.
 */
public final class PageCache {
  private static final int PAGE = (int) PhysicalMemory.FRAME_SIZE;

  /**
   * Where the pages of a file that lives outside memory come from and go back to (a host file): a
   * page is loaded the first time it is needed, and {@link #writeBack()} stores the pages held.
   */
  public interface Backing {
    /** Fills page (PAGE bytes, zeroed) with the bytes of page index; past the end stays zero. */
    void load(long index, byte[] page);

    /** Stores the first length bytes of page at page index. */
    void store(long index, byte[] page, int length);

    /** The last mapping of the file went away. */
    default void onUnmapped() {}
  }

  private final FrameAllocator frames;
  private final MemoryView view;
  private final Backing backing; // null: the cache is the file (tmpfs, shared anonymous memory)
  private long[] pages = new long[0]; // physical frame per page index, 0 for a hole
  private long size;
  private boolean released;
  // Address spaces with areas over this file, and how many areas each; insertion order keeps the
  // order of shootdowns deterministic.
  private final Map<AddressSpace, Integer> mappers = new LinkedHashMap<>();
  // Of those areas, the ones holding a program's loaded segments (Vma.Kind.IMAGE): while any is
  // left the file is a running program's, and opening it for writing is ETXTBSY.
  private int images;
  private boolean releaseWhenUnmapped;
  // Pages whose frame is taken but still zero, their bytes being source[sourceOffset + index *
  // PAGE ..] up to sourceLength (see fill); null when every page holds its bytes.
  private BitSet unfilled;
  private ReadOnlyBytes source;
  private int sourceOffset;
  private int sourceLength;
  // Replicate mode: copies of this object's pages that threads on other kernels hold (null: none
  // ever did).
  private SharedCopies remote;

  public PageCache(FrameAllocator frames) {
    this(frames, null, 0);
  }

  /** A cache over backing, whose file is size bytes long now; pages are loaded on first use. */
  public PageCache(FrameAllocator frames, Backing backing, long size) {
    this.frames = frames;
    this.view = frames.view();
    this.backing = backing;
    this.size = size;
  }

  /** The file's length in bytes. */
  public long size() {
    return size;
  }

  /**
   * Reads up to length bytes at offset into dst[off..]; returns the count, 0 at or past the end.
   */
  public int read(long offset, byte[] dst, int off, int length) {
    if (offset >= size || length <= 0) {
      return 0;
    }
    int n = (int) Math.min(length, size - offset);
    int done = 0;
    while (done < n) {
      long pos = offset + done;
      int index = (int) (pos / PAGE);
      int inPage = (int) (pos % PAGE);
      int chunk = Math.min(n - done, PAGE - inPage);
      if (remote != null) {
        remote.before(this, index, false); // a writer elsewhere sends its contents first
      }
      long frame = index < pages.length ? pages[index] : 0;
      if (frame == 0 && backing != null) {
        frame = frame(index);
      }
      if (frame == 0) {
        Arrays.fill(dst, off + done, off + done + chunk, (byte) 0);
      } else if (isUnfilled(index)) {
        readSource(index, inPage, dst, off + done, chunk);
      } else {
        view.readBytes(frame + inPage, dst, off + done, chunk);
      }
      done += chunk;
    }
    return n;
  }

  /**
   * Makes this empty file length bytes of source from offset: every frame is taken now, in the
   * order {@link #write} would take them, and filled when first needed.
   *
   * @throws OutOfFramesException when the partition has no frame left; the frames taken so far stay
   *     held, as after a failed write
   */
  public void fill(ReadOnlyBytes source, int offset, int length) {
    if (size != 0 || backing != null) {
      throw new IllegalStateException("fill needs an empty file without backing");
    }
    int count = (length + PAGE - 1) / PAGE;
    for (int i = 0; i < count; i++) {
      frame(i);
    }
    if (count > 0) {
      this.unfilled = new BitSet(count);
      unfilled.set(0, count);
      this.source = source;
      this.sourceOffset = offset;
      this.sourceLength = length;
    }
    size = length;
  }

  private boolean isUnfilled(long index) {
    return unfilled != null && index < Integer.MAX_VALUE && unfilled.get((int) index);
  }

  /** Copies length bytes of unfilled page index from inPage out of the source; zero past it. */
  private void readSource(int index, int inPage, byte[] dst, int off, int length) {
    long from = (long) index * PAGE + inPage;
    int have = (int) Math.max(0, Math.min(length, sourceLength - from));
    if (have > 0) {
      source.copyTo(sourceOffset + (int) from, dst, off, have);
    }
    Arrays.fill(dst, off + have, off + length, (byte) 0);
  }

  /** Puts the bytes of unfilled page index into its frame. */
  private void fillPage(int index) {
    byte[] page = new byte[PAGE];
    readSource(index, 0, page, 0, PAGE);
    view.writeBytes(pages[index], page, 0, PAGE);
    forgetUnfilled(index);
  }

  private void forgetUnfilled(int index) {
    unfilled.clear(index);
    if (unfilled.isEmpty()) {
      unfilled = null;
      source = null;
    }
  }

  /**
   * Writes src[off..off+length) at offset, growing the file when it ends past its size.
   *
   * @throws OutOfFramesException when the partition has no frame left; nothing past the pages
   *     already written is changed
   */
  public int write(long offset, byte[] src, int off, int length) {
    int done = 0;
    while (done < length) {
      long pos = offset + done;
      int inPage = (int) (pos % PAGE);
      int chunk = Math.min(length - done, PAGE - inPage);
      if (remote != null) {
        remote.before(this, pos / PAGE, true); // copies elsewhere go first
      }
      long frame = frame(pos / PAGE);
      view.writeBytes(frame + inPage, src, off + done, chunk);
      done += chunk;
      size = Math.max(size, pos + chunk);
    }
    return length;
  }

  /** Sets the length; pages wholly past the new end are given back, the tail of the last zeroed. */
  public void truncate(long newSize) {
    if (newSize < size) {
      if (remote != null) {
        // Copies elsewhere of the pages that go, or whose tail is zeroed, come back first.
        for (long index : List.copyOf(remote.all().keySet())) {
          if (index >= newSize / PAGE) {
            remote.before(this, index, true, true);
          }
        }
      }
      int keep = (int) ((newSize + PAGE - 1) / PAGE);
      for (AddressSpace space : List.copyOf(mappers.keySet())) {
        space.onFileShrunk(this, (long) keep * PAGE);
      }
      for (int i = keep; i < pages.length; i++) {
        if (isUnfilled(i)) {
          forgetUnfilled(i);
        }
        if (pages[i] != 0) {
          frames.release(pages[i]);
          pages[i] = 0;
        }
      }
      int tail = (int) (newSize % PAGE);
      if (tail != 0 && keep - 1 < pages.length && pages[keep - 1] != 0) {
        if (isUnfilled(keep - 1)) {
          fillPage(keep - 1);
        }
        byte[] zeros = new byte[PAGE - tail];
        view.writeBytes(pages[keep - 1] + tail, zeros, 0, zeros.length);
      }
    }
    size = newSize;
  }

  /**
   * The physical frame holding page index, allocating a zero-filled one for a hole: what a file
   * mapping maps. Does not change the file's size.
   *
   * @throws OutOfFramesException when the partition has no frame left
   */
  public long frame(long index) {
    if (index < 0 || index > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("page index " + index);
    }
    if (index >= pages.length) {
      pages = Arrays.copyOf(pages, (int) Math.max(index + 1, pages.length * 2L));
    }
    long frame = pages[(int) index];
    if (frame == 0) {
      frame = frames.allocate();
      if (frame == FrameAllocator.NO_FRAME) {
        throw new OutOfFramesException("no frame left for a file page");
      }
      pages[(int) index] = frame;
      if (backing != null && index * PAGE < size) {
        byte[] page = new byte[PAGE];
        backing.load(index, page);
        view.writeBytes(frame, page, 0, PAGE);
      }
    } else if (isUnfilled(index)) {
      fillPage((int) index);
    }
    return frame;
  }

  /** Stores every page held, up to the file's end, to the backing (msync, the last unmap). */
  public void writeBack() {
    if (backing == null) {
      return;
    }
    if (remote != null) {
      for (long index : List.copyOf(remote.all().keySet())) {
        remote.before(this, index, false); // a writer's contents come home first
      }
    }
    byte[] page = new byte[PAGE];
    for (int i = 0; i < pages.length && (long) i * PAGE < size; i++) {
      if (pages[i] != 0) {
        view.readBytes(pages[i], page, 0, PAGE);
        backing.store(i, page, (int) Math.min(PAGE, size - (long) i * PAGE));
      }
    }
  }

  /** The frame of page index when it holds one, without taking one for a hole; 0 otherwise. */
  public long residentFrame(long index) {
    return index >= 0 && index < pages.length ? pages[(int) index] : 0;
  }

  /**
   * mincore's residency of a file page: it holds a frame, or it is a page of the backing file (a
   * host file) before its end, which a first touch loads without any I/O time in the model, as a
   * recently written file's pages are found in Linux's page cache. A hole of a file without backing
   * (tmpfs) is not resident.
   */
  public boolean isResident(long index) {
    if (index >= 0 && index < pages.length && pages[(int) index] != 0) {
      return true;
    }
    return backing != null && index >= 0 && index * PAGE < size;
  }

  /** Pages that hold a frame. */
  public long residentPages() {
    long n = 0;
    for (long p : pages) {
      if (p != 0) {
        n++;
      }
    }
    return n;
  }

  /** Copies of this object's pages held on other kernels, or null when there never were any. */
  public SharedCopies remote() {
    return remote;
  }

  /** The record of copies held elsewhere, made on first use; recaller takes them back. */
  SharedCopies remoteCopies(SharedCopies.Recaller recaller) {
    if (remote == null) {
      remote = new SharedCopies(this, recaller);
    } else {
      remote.setRecaller(recaller);
    }
    return remote;
  }

  /** A writer elsewhere sent page index back: its contents replace the frame's. */
  void restore(long index, byte[] contents) {
    long frame = frame(index);
    view.writeBytes(frame, contents, 0, PAGE);
  }

  /**
   * Page index (its frame) is lent to another kernel: every address space here that maps it gives
   * it up (a writer elsewhere) or maps it read-only (readers elsewhere).
   */
  void lentAway(long index, long frame, boolean writer) {
    for (AddressSpace space : List.copyOf(mappers.keySet())) {
      space.objectPageLent(this, index, frame, writer);
    }
  }

  void addMapper(AddressSpace space, boolean image) {
    mappers.merge(space, 1, Integer::sum);
    images += image ? 1 : 0;
  }

  void removeMapper(AddressSpace space, boolean image) {
    mappers.computeIfPresent(space, (k, n) -> n == 1 ? null : n - 1);
    images -= image ? 1 : 0;
    if (mappers.isEmpty() && backing != null) {
      backing.onUnmapped();
    }
    if (mappers.isEmpty() && releaseWhenUnmapped) {
      releaseWhenUnmapped = false;
      release();
    }
  }

  /** True while some address space has an area over this file. */
  public boolean isMapped() {
    return !mappers.isEmpty();
  }

  /**
   * True while a process runs this file as its program or interpreter: some address space maps it
   * as a loaded segment. Linux then refuses to open it for writing (ETXTBSY).
   */
  public boolean isRunning() {
    return images > 0;
  }

  /**
   * Gives every frame back now, or, while the file is mapped, when its last mapping goes: what the
   * file system calls when an unlinked file's last descriptor closes, since a mapping keeps the
   * contents alive as it keeps a Linux inode alive.
   */
  public void releaseWhenUnmapped() {
    if (mappers.isEmpty()) {
      release();
    } else {
      releaseWhenUnmapped = true;
    }
  }

  /** The frames this cache holds a reference on, for {@link FrameAccounting}. */
  long[] heldFrames() {
    return Arrays.stream(pages).filter(p -> p != 0).toArray();
  }

  /** Gives every frame back: the file is gone. */
  public void release() {
    truncate(0);
    pages = new long[0];
    released = true;
  }

  /** True once {@link #release()} gave the frames back for good. */
  public boolean isReleased() {
    return released;
  }
}
