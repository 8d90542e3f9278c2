package dev.popcornj.kernel.mm;

import dev.popcornj.machine.hart.AddressTranslator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A process's user address space: its areas ({@link Vma}), the page map that backs them with frames
 * on first touch, and the program break. It is the {@link AddressTranslator} bound to the hart that
 * runs the process.
 *
 * <p>Owned by the kernel instance that runs the process; used only on its simulation thread. Every
 * change that can invalidate a translation handed out before (unmap, permission change, move) is
 * followed by a {@link TlbShootdown}.
 */
public final class AddressSpace implements AddressTranslator {
  /** Told when translations given out before may be stale, so harts drop their cached copies. */
  @FunctionalInterface
  public interface TlbShootdown {
    void flush();
  }

  private final FrameAllocator frames;
  private final TlbShootdown shootdown;
  private final PageTable pages = new PageTable();
  private final TreeMap<Long, Vma> areas = new TreeMap<>();
  private long heapStart = -1;
  private long brk;
  private long heapLimit;
  private long pageFaults;

  public AddressSpace(FrameAllocator frames, TlbShootdown shootdown) {
    this.frames = frames;
    this.shootdown = shootdown;
  }

  @Override
  public long translate(long vaddr, int access) {
    if (Long.compareUnsigned(vaddr, MemoryLayout.USER_TOP) >= 0) {
      return NO_MAPPING;
    }
    long e = pages.get(vaddr >>> MemoryLayout.PAGE_SHIFT);
    if (e == PageTable.ABSENT || !Prot.allows(PageTable.protOf(e), access)) {
      return NO_MAPPING;
    }
    return PageTable.frameOf(e) | (vaddr & MemoryLayout.PAGE_MASK);
  }

  /** The area containing vaddr, or null. */
  public Vma areaAt(long vaddr) {
    Map.Entry<Long, Vma> e = areas.floorEntry(vaddr);
    return e != null && e.getValue().contains(vaddr) ? e.getValue() : null;
  }

  public List<Vma> areas() {
    return List.copyOf(areas.values());
  }

  /**
   * Handles a page fault of the given access kind at vaddr: backs the page with a zeroed frame when
   * an area allows the access. Returns false when it does not (the process gets SIGSEGV).
   *
   * @throws OutOfFramesException when no frame is left
   */
  public boolean handleFault(long vaddr, int access) {
    if (Long.compareUnsigned(vaddr, MemoryLayout.USER_TOP) >= 0) {
      return false;
    }
    long vpn = vaddr >>> MemoryLayout.PAGE_SHIFT;
    long e = pages.get(vpn);
    if (e != PageTable.ABSENT) {
      // Present: a protection fault, unless a stale translation made the hart ask again.
      return Prot.allows(PageTable.protOf(e), access);
    }
    Vma a = areaAt(vaddr);
    if (a == null || !Prot.allows(a.prot(), access)) {
      return false;
    }
    back(vpn, a.prot());
    pageFaults++;
    return true;
  }

  /**
   * The physical address of vaddr for a kernel access on the process's behalf (copy to or from
   * user), backing the page if its area allows the access.
   *
   * @throws BadAddressException when the process could not make this access itself
   */
  public long resolve(long vaddr, int access) {
    if (Long.compareUnsigned(vaddr, MemoryLayout.USER_TOP) >= 0) {
      throw new BadAddressException(vaddr);
    }
    long vpn = vaddr >>> MemoryLayout.PAGE_SHIFT;
    long e = pages.get(vpn);
    if (e == PageTable.ABSENT) {
      Vma a = areaAt(vaddr);
      if (a == null || !Prot.allows(a.prot(), access)) {
        throw new BadAddressException(vaddr);
      }
      e = PageTable.entry(back(vpn, a.prot()), a.prot());
      pageFaults++;
    } else if (!Prot.allows(PageTable.protOf(e), access)) {
      throw new BadAddressException(vaddr);
    }
    return PageTable.frameOf(e) | (vaddr & MemoryLayout.PAGE_MASK);
  }

  /**
   * The physical address of vaddr regardless of the area's permissions, backing the page if needed:
   * how the loader writes a program's bytes into pages the program may not write.
   */
  public long populate(long vaddr) {
    Vma a = areaAt(vaddr);
    if (a == null) {
      throw new BadAddressException(vaddr);
    }
    long vpn = vaddr >>> MemoryLayout.PAGE_SHIFT;
    long e = pages.get(vpn);
    long frame = e == PageTable.ABSENT ? back(vpn, a.prot()) : PageTable.frameOf(e);
    return frame | (vaddr & MemoryLayout.PAGE_MASK);
  }

  private long back(long vpn, int prot) {
    long frame = frames.allocate();
    if (frame == FrameAllocator.NO_FRAME) {
      throw new OutOfFramesException(vpn << MemoryLayout.PAGE_SHIFT);
    }
    pages.put(vpn, PageTable.entry(frame, prot));
    return frame;
  }

  /**
   * Creates an area over [start, start+length), replacing whatever was mapped there. Start and
   * length must be page aligned and inside user space.
   */
  public void map(long start, long length, int prot, Vma.Kind kind) {
    checkRange(start, length);
    unmap(start, length);
    areas.put(start, new Vma(start, start + length, Prot.normalize(prot), kind));
    mergeAcross(start, start + length);
  }

  /**
   * Joins neighbouring areas with the same permissions and kind whose boundaries lie in [from, to],
   * as Linux merges compatible VMAs, so that mremap and mprotect see one area where the program
   * sees one mapping.
   */
  private void mergeAcross(long from, long to) {
    for (long boundary : List.copyOf(areas.subMap(from, true, to, true).keySet())) {
      Vma right = areas.get(boundary);
      Map.Entry<Long, Vma> before = areas.lowerEntry(boundary);
      if (right == null || before == null) {
        continue;
      }
      Vma left = before.getValue();
      if (left.end() == boundary && left.prot() == right.prot() && left.kind() == right.kind()) {
        areas.remove(boundary);
        areas.put(left.start(), left.withRange(left.start(), right.end()));
      }
    }
  }

  /** Removes every area and page in [start, start+length); holes are allowed. */
  public void unmap(long start, long length) {
    checkRange(start, length);
    if (carve(start, start + length, true)) {
      shootdown.flush();
    }
  }

  /**
   * Takes [start, end) out of the areas, splitting those that straddle its ends; frees the pages
   * inside it when freePages is set. Returns whether anything was there.
   */
  private boolean carve(long start, long end, boolean freePages) {
    List<Vma> hit = overlapping(start, end);
    for (Vma a : hit) {
      areas.remove(a.start());
      if (a.start() < start) {
        areas.put(a.start(), a.withRange(a.start(), start));
      }
      if (a.end() > end) {
        areas.put(end, a.withRange(end, a.end()));
      }
      if (freePages) {
        freePages(Math.max(a.start(), start), Math.min(a.end(), end));
      }
    }
    return !hit.isEmpty();
  }

  private void freePages(long start, long end) {
    for (long vpn :
        pages.keysInRange(start >>> MemoryLayout.PAGE_SHIFT, end >>> MemoryLayout.PAGE_SHIFT)) {
      frames.free(PageTable.frameOf(pages.remove(vpn)));
    }
  }

  private List<Vma> overlapping(long start, long end) {
    List<Vma> out = new ArrayList<>();
    Map.Entry<Long, Vma> before = areas.lowerEntry(start);
    if (before != null && before.getValue().end() > start) {
      out.add(before.getValue());
    }
    out.addAll(areas.subMap(start, true, end, false).values());
    return out;
  }

  /**
   * Sets the permissions of [start, start+length). Returns false, changing nothing, when part of
   * the range is not mapped (mprotect's ENOMEM).
   */
  public boolean protect(long start, long length, int prot) {
    checkRange(start, length);
    long end = start + length;
    if (!isCovered(start, end)) {
      return false;
    }
    int p = Prot.normalize(prot);
    for (Vma a : overlapping(start, end)) {
      areas.remove(a.start());
      long from = Math.max(a.start(), start);
      long to = Math.min(a.end(), end);
      if (a.start() < from) {
        areas.put(a.start(), a.withRange(a.start(), from));
      }
      areas.put(from, new Vma(from, to, p, a.kind()));
      if (a.end() > to) {
        areas.put(to, a.withRange(to, a.end()));
      }
    }
    for (long vpn :
        pages.keysInRange(start >>> MemoryLayout.PAGE_SHIFT, end >>> MemoryLayout.PAGE_SHIFT)) {
      pages.put(vpn, PageTable.entry(PageTable.frameOf(pages.get(vpn)), p));
    }
    mergeAcross(start, end);
    shootdown.flush();
    return true;
  }

  /** True when every page of [start, end) lies in some area. */
  public boolean isCovered(long start, long end) {
    long at = start;
    while (at < end) {
      Vma a = areaAt(at);
      if (a == null) {
        return false;
      }
      at = a.end();
    }
    return true;
  }

  /** True when no area overlaps [start, start+length) and the range is inside user space. */
  public boolean isFree(long start, long length) {
    return start >= MemoryLayout.MMAP_MIN
        && MemoryLayout.isUserRange(start, length)
        && overlapping(start, start + length).isEmpty();
  }

  /**
   * The highest free, page-aligned range of length bytes below {@link MemoryLayout#MMAP_TOP}, as
   * Linux's top-down mmap layout picks it, or -1 when none is left.
   */
  public long findFree(long length) {
    long top = MemoryLayout.MMAP_TOP;
    for (Vma a : areas.descendingMap().values()) {
      if (a.start() >= top) {
        continue;
      }
      if (a.end() <= top && top - a.end() >= length) {
        return top - length;
      }
      top = Math.min(top, a.start());
    }
    return top - MemoryLayout.MMAP_MIN >= length ? top - length : -1;
  }

  /**
   * Frees the pages of [start, start+length) so they read as zero on next touch (MADV_DONTNEED).
   */
  public void discard(long start, long length) {
    checkRange(start, length);
    freePages(start, start + length);
    shootdown.flush();
  }

  /**
   * Moves the pages and area of [from, from+oldLength) to [to, to+newLength) without copying; the
   * destination must be free. The part beyond oldLength is new, zero-filled memory.
   */
  public void move(long from, long oldLength, long to, long newLength) {
    checkRange(from, oldLength);
    checkRange(to, newLength);
    Vma a = areaAt(from);
    long[] present =
        pages.keysInRange(
            from >>> MemoryLayout.PAGE_SHIFT, (from + oldLength) >>> MemoryLayout.PAGE_SHIFT);
    long[] entries = new long[present.length];
    for (int i = 0; i < present.length; i++) {
      entries[i] = pages.remove(present[i]);
    }
    carve(from, from + oldLength, false);
    long shift = (to - from) >> MemoryLayout.PAGE_SHIFT;
    for (int i = 0; i < present.length; i++) {
      pages.put(present[i] + shift, entries[i]);
    }
    areas.put(to, new Vma(to, to + newLength, a.prot(), a.kind()));
    mergeAcross(to, to + newLength);
    shootdown.flush();
  }

  /**
   * Places the program break at start (page aligned, just above the program image); the heap may
   * grow up to limit (RLIMIT_DATA's role) and as long as it runs into no other area.
   */
  public void initHeap(long start, long limit) {
    if (!MemoryLayout.isPageAligned(start) || limit < start) {
      throw new IllegalArgumentException("bad heap start 0x" + Long.toHexString(start));
    }
    heapStart = start;
    heapLimit = limit;
    brk = start;
  }

  public long brk() {
    return brk;
  }

  public long heapStart() {
    return heapStart;
  }

  /**
   * The brk system call: moves the break to requested when it stays above the heap start, below the
   * heap limit and clear of other areas; returns the break in force afterwards.
   */
  public long setBrk(long requested) {
    if (requested < heapStart || requested > heapLimit) {
      return brk;
    }
    long oldTop = MemoryLayout.pageUp(brk);
    long newTop = MemoryLayout.pageUp(requested);
    if (newTop > oldTop) {
      if (!isFree(oldTop, newTop - oldTop)) {
        return brk;
      }
      areas.put(oldTop, new Vma(oldTop, newTop, Prot.RW, Vma.Kind.HEAP));
      mergeAcross(oldTop, newTop);
    } else if (newTop < oldTop) {
      unmap(newTop, oldTop - newTop);
    }
    brk = requested;
    return brk;
  }

  /** Pages brought in by faults (by the hart or by kernel accesses) since creation. */
  public long pageFaults() {
    return pageFaults;
  }

  /** Pages backed by a frame now. */
  public long residentPages() {
    return pages.size();
  }

  /** Gives every frame back; the address space is empty afterwards. */
  public void release() {
    freePages(0, MemoryLayout.USER_TOP);
    areas.clear();
    shootdown.flush();
  }

  private static void checkRange(long start, long length) {
    if (!MemoryLayout.isPageAligned(start)
        || !MemoryLayout.isPageAligned(length)
        || !MemoryLayout.isUserRange(start, length)) {
      throw new IllegalArgumentException(
          "bad range 0x" + Long.toHexString(start) + "+0x" + Long.toHexString(length));
    }
  }

  /** A fork child's heap bookkeeping: the same start, break and limit as the parent's. */
  public void copyHeapFrom(AddressSpace parent) {
    heapStart = parent.heapStart;
    heapLimit = parent.heapLimit;
    brk = parent.brk;
  }

  /** True when vaddr lies in a mapping shared with other spaces (MAP_SHARED). */
  public boolean isSharedAt(long vaddr) {
    return false;
  }
}
