package dev.popcornj.kernel.mm;

import dev.popcornj.machine.hart.AddressTranslator;
import dev.popcornj.machine.mem.MemoryView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A process's user address space: its areas ({@link Vma}), the page map that backs them with frames
 * on first touch, and the program break. It is the {@link AddressTranslator} bound to the harts
 * that run the process.
 *
 * <p>Frames are reference counted ({@link FrameAllocator}): every present page-table entry holds
 * one reference on its frame. After {@link #fork} parent and child map the same frames; private
 * pages are then read-only in both, and the first write in either copies the frame (or, when the
 * writer is by then the only holder, just makes the page writable again). Shared pages stay shared
 * and writable.
 *
 * <p>A private file mapping maps the file's page-cache frame read-only on a read or execute fault
 * and copies it on the first write, as Linux does; until then it sees write(2)s to the file.
 *
 * <p>Owned by the kernel instance that runs the process; used only on its simulation thread. Every
 * change that can invalidate a translation handed out before (unmap, permission change, move,
 * copy-on-write) is followed by a {@link TlbShootdown}.
 */
public final class AddressSpace implements AddressTranslator {
  /**
   * Told when translations given out before may be stale, so every hart that runs this space drops
   * its cached copies.
   */
  @FunctionalInterface
  public interface TlbShootdown {
    void flush();

    /** Only the page holding vaddr changed; a kernel may flush just that page. */
    default void flushPage(long vaddr) {
      flush();
    }
  }

  private static final int SHIFT = MemoryLayout.PAGE_SHIFT;

  private final FrameAllocator frames;
  private final MemoryView view;
  private final TlbShootdown shootdown;
  private final PageTable pages = new PageTable();
  private final TreeMap<Long, Vma> areas = new TreeMap<>();
  private long heapStart = -1;
  private long brk;
  private long heapLimit;
  private long pageFaults;

  // --- migration. At the home of a process that runs elsewhere: the page directory (page -> the
  // kernel it is lent to) and how to reclaim. On the kernel that runs it: where areas and pages
  // come from; its areas are then a cache of the home's.
  private final TreeMap<Long, Integer> lent = new TreeMap<>();
  private Lending lending;
  private Pager pager;

  public AddressSpace(FrameAllocator frames, TlbShootdown shootdown) {
    this.frames = frames;
    this.view = frames.view();
    this.shootdown = shootdown;
  }

  /** The allocator this space's frames come from. */
  public FrameAllocator frames() {
    return frames;
  }

  @Override
  public long translate(long vaddr, int access) {
    if (Long.compareUnsigned(vaddr, MemoryLayout.USER_TOP) >= 0) {
      return NO_MAPPING;
    }
    long e = pages.get(vaddr >>> SHIFT);
    if (e == PageTable.ABSENT || !Prot.allows(PageTable.protOf(e), access)) {
      return NO_MAPPING;
    }
    return PageTable.frameOf(e) | (vaddr & MemoryLayout.PAGE_MASK);
  }

  /** The area containing vaddr, or null. */
  public Vma areaAt(long vaddr) {
    return localArea(vaddr);
  }

  private Vma localArea(long vaddr) {
    Map.Entry<Long, Vma> e = areas.floorEntry(vaddr);
    return e != null && e.getValue().contains(vaddr) ? e.getValue() : null;
  }

  public List<Vma> areas() {
    return List.copyOf(areas.values());
  }

  /** The areas that overlap [start, end), in address order. */
  public List<Vma> areasIn(long start, long end) {
    return overlapping(start, end);
  }

  // ---- faults ----

  /**
   * Handles a page fault of the given access kind (AddressTranslator.READ, WRITE or EXECUTE) at
   * vaddr: backs the page, or copies it when it is a copy-on-write page written to. Any other
   * outcome names the signal the faulting thread gets.
   *
   * @throws OutOfFramesException when no frame is left
   */
  public Fault handleFault(long vaddr, int access) {
    if (Long.compareUnsigned(vaddr, MemoryLayout.USER_TOP) >= 0) {
      return Fault.SEGV_MAPERR;
    }
    Vma a = areaAt(vaddr);
    if (a == null && pager != null) {
      a = pager.area(vaddr);
      if (a != null) {
        cacheArea(a);
      }
    }
    if (a == null) {
      return Fault.SEGV_MAPERR;
    }
    if (!Prot.allows(a.prot(), access)) {
      return Fault.SEGV_ACCERR;
    }
    long vpn = vaddr >>> SHIFT;
    long e = pages.get(vpn);
    if (e == PageTable.ABSENT && pager != null) {
      return pager.page(vaddr & ~MemoryLayout.PAGE_MASK, access);
    }
    if (e == PageTable.ABSENT && lent.containsKey(vpn)) {
      long page = vpn << SHIFT;
      lending.reclaim(page, page + MemoryLayout.PAGE_SIZE, true);
      return areaAt(vaddr) == null ? Fault.SEGV_MAPERR : handleFault(vaddr, access);
    }
    if (e == PageTable.ABSENT) {
      return back(vpn, a, access) ? Fault.RESOLVED : Fault.BUS_ADRERR;
    }
    if (!Prot.allows(PageTable.protOf(e), access)) {
      // The area allows what the entry does not: only a write to a copy-on-write page.
      makeWritable(vpn, e, a);
      pageFaults++;
    }
    // Otherwise a stale translation made the hart ask again.
    return Fault.RESOLVED;
  }

  /**
   * The physical address of vaddr for a kernel access on the process's behalf (copy to or from
   * user), faulting the page in (and breaking copy-on-write for a write) as the process's own
   * access would.
   *
   * @throws BadAddressException when the process could not make this access itself
   */
  public long resolve(long vaddr, int access) {
    long pa = translate(vaddr, access);
    if (pa != NO_MAPPING) {
      return pa;
    }
    if (!handleFault(vaddr, access).resolved()) {
      throw new BadAddressException(vaddr);
    }
    return translate(vaddr, access);
  }

  /**
   * True when a read of vaddr by the kernel may just see zeros: the page was never touched and its
   * area is readable private anonymous memory. Linux maps the shared zero page there; copying from
   * such a page must not use up a frame (a write of a huge, never-touched buffer would otherwise
   * exhaust memory).
   */
  public boolean readsAsZero(long vaddr) {
    if (Long.compareUnsigned(vaddr, MemoryLayout.USER_TOP) >= 0
        || pages.get(vaddr >>> SHIFT) != PageTable.ABSENT
        || pager != null
        || lent.containsKey(vaddr >>> SHIFT)) {
      return false;
    }
    Vma a = areaAt(vaddr);
    return a != null
        && a.file() == null
        && !a.shared()
        && Prot.allows(a.prot(), AddressTranslator.READ);
  }

  /**
   * The physical address of vaddr regardless of the area's permissions, with the page backed and
   * private to this space: how the loader writes a program's bytes into pages the program may not
   * write.
   */
  public long populate(long vaddr) {
    Vma a = areaAt(vaddr);
    if (a == null) {
      throw new BadAddressException(vaddr);
    }
    long vpn = vaddr >>> SHIFT;
    long e = pages.get(vpn);
    if (e == PageTable.ABSENT) {
      if (!back(vpn, a, AddressTranslator.WRITE)) {
        throw new BadAddressException(vaddr);
      }
      e = pages.get(vpn);
    }
    long frame = PageTable.frameOf(e);
    if (!a.shared() && frames.refCount(frame) > 1) {
      frame = makeWritable(vpn, e, a);
    }
    return frame | (vaddr & MemoryLayout.PAGE_MASK);
  }

  /**
   * Backs page vpn of area a for the given access; false when the page lies past the end of the
   * area's file (SIGBUS).
   */
  private boolean back(long vpn, Vma a, int access) {
    long page = vpn << SHIFT;
    int prot = a.prot();
    long frame;
    if (a.file() == null) {
      frame = allocateFrame(page);
    } else {
      PageCache cache = a.file().pages();
      long off = a.offsetOf(page);
      if (off >= MemoryLayout.pageUp(cache.size())) {
        return false;
      }
      long cached = cache.frame(off >>> SHIFT);
      if (a.shared()) {
        frames.retain(cached);
        frame = cached;
      } else if (access == AddressTranslator.WRITE) {
        frame = allocateFrame(page);
        copyFrame(cached, frame);
      } else {
        frames.retain(cached);
        frame = cached;
        prot &= ~Prot.W;
      }
    }
    pages.put(vpn, PageTable.entry(frame, prot));
    pageFaults++;
    return true;
  }

  /**
   * Gives page vpn (entry e, in area a) the area's full permissions, first copying its frame when a
   * private page's frame has other holders; returns the frame now mapped.
   */
  private long makeWritable(long vpn, long e, Vma a) {
    long frame = PageTable.frameOf(e);
    if (!a.shared() && frames.refCount(frame) > 1) {
      long copy = allocateFrame(vpn << SHIFT);
      copyFrame(frame, copy);
      frames.release(frame);
      frame = copy;
    }
    pages.put(vpn, PageTable.entry(frame, a.prot()));
    // The harts may still read the old frame through a cached read translation.
    shootdown.flushPage(vpn << SHIFT);
    return frame;
  }

  private long allocateFrame(long vaddr) {
    long frame = frames.allocate();
    if (frame == FrameAllocator.NO_FRAME) {
      throw new OutOfFramesException(vaddr);
    }
    return frame;
  }

  private void copyFrame(long from, long to) {
    System.arraycopy(
        view.frameForRead(from), 0, view.frameForWrite(to), 0, (int) MemoryLayout.PAGE_SIZE);
  }

  // ---- areas ----

  /**
   * Creates a private anonymous area over [start, start+length), replacing whatever was mapped
   * there. Start and length must be page aligned and inside user space.
   */
  public void map(long start, long length, int prot, Vma.Kind kind) {
    map(new Vma(start, start + length, Prot.normalize(prot), kind));
  }

  /**
   * Installs area (any backing), replacing whatever was mapped over its range; its permissions are
   * normalised ({@link Prot#normalize}).
   */
  public void map(Vma area) {
    checkRange(area.start(), area.length());
    Vma a = area.withProt(Prot.normalize(area.prot()));
    unmap(a.start(), a.length());
    insert(a);
    mergeAcross(a.start(), a.end());
  }

  /**
   * Maps a small kernel-provided page range (such as the signal-return trampoline, named {@code
   * [vdso]}) at addr with the given bytes and permissions. The bytes live in one object shared by
   * the process and its forked children; a write (after mprotect) makes a private copy.
   */
  public void mapSpecial(long addr, byte[] contents, int prot, String name) {
    long length = MemoryLayout.pageUp(Math.max(1, contents.length));
    SharedAnonymous object = new SharedAnonymous(frames, length);
    object.pages().write(0, contents, 0, contents.length);
    map(new Vma(addr, addr + length, prot, Vma.Kind.SPECIAL, object, 0, false, name));
  }

  private void insert(Vma a) {
    areas.put(a.start(), a);
    if (a.file() != null) {
      a.file().pages().addMapper(this);
    }
    if (a.file() instanceof SharedAnonymous s) {
      s.addUser();
    }
  }

  private void dropBacking(Vma a) {
    if (a.file() != null) {
      a.file().pages().removeMapper(this);
    }
    if (a.file() instanceof SharedAnonymous s) {
      s.dropUser();
    }
  }

  /**
   * Told by a page cache that its file now ends at newEnd (page aligned): pages of this space that
   * map file offsets at or past it, private copies included, are dropped, so that an access there
   * raises SIGBUS.
   */
  void onFileShrunk(PageCache cache, long newEnd) {
    boolean dropped = false;
    for (Vma a : areas.values()) {
      if (a.file() == null || a.file().pages() != cache || a.offsetOf(a.end()) <= newEnd) {
        continue;
      }
      long from = Math.max(a.start(), a.start() + (newEnd - a.offset()));
      for (long vpn : pages.keysInRange(from >>> SHIFT, a.end() >>> SHIFT)) {
        frames.release(PageTable.frameOf(pages.remove(vpn)));
        dropped = true;
      }
    }
    if (dropped) {
      shootdown.flush();
    }
  }

  /** Puts pieces where old was; the backing object never sees its user count reach zero between. */
  private void replace(Vma old, List<Vma> pieces) {
    areas.remove(old.start());
    for (Vma p : pieces) {
      insert(p);
    }
    dropBacking(old);
  }

  /**
   * Joins neighbouring areas that could be one mapping (same permissions, kind, backing and
   * continuous offsets) whose boundaries lie in [from, to], as Linux merges compatible VMAs, so
   * that mremap and mprotect see one area where the program sees one mapping.
   */
  private void mergeAcross(long from, long to) {
    for (long boundary : List.copyOf(areas.subMap(from, true, to, true).keySet())) {
      Vma right = areas.get(boundary);
      Map.Entry<Long, Vma> before = areas.lowerEntry(boundary);
      if (right == null || before == null || !before.getValue().canMergeWith(right)) {
        continue;
      }
      Vma left = before.getValue();
      insert(left.withRange(left.start(), right.end()));
      areas.remove(boundary);
      dropBacking(left);
      dropBacking(right);
    }
  }

  /** Removes every area and page in [start, start+length); holes are allowed. */
  public void unmap(long start, long length) {
    checkRange(start, length);
    reclaimIfLent(start, start + length, false);
    if (carve(start, start + length, true)) {
      shootdown.flush();
    }
  }

  /**
   * Takes [start, end) out of the areas, splitting those that straddle its ends; releases the pages
   * inside it when freePages is set. Returns whether anything was there.
   */
  private boolean carve(long start, long end, boolean freePages) {
    List<Vma> hit = overlapping(start, end);
    for (Vma a : hit) {
      List<Vma> keep = new ArrayList<>(2);
      if (a.start() < start) {
        keep.add(a.withRange(a.start(), start));
      }
      if (a.end() > end) {
        keep.add(a.withRange(end, a.end()));
      }
      replace(a, keep);
      if (freePages) {
        freePages(Math.max(a.start(), start), Math.min(a.end(), end));
      }
    }
    return !hit.isEmpty();
  }

  private void freePages(long start, long end) {
    for (long vpn : pages.keysInRange(start >>> SHIFT, end >>> SHIFT)) {
      frames.release(PageTable.frameOf(pages.remove(vpn)));
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
   * the range is not mapped (mprotect's ENOMEM). Checking that a shared file mapping may become
   * writable is the caller's (mprotect's EACCES).
   */
  public boolean protect(long start, long length, int prot) {
    checkRange(start, length);
    long end = start + length;
    if (!isCovered(start, end)) {
      return false;
    }
    reclaimIfLent(start, end, true);
    int p = Prot.normalize(prot);
    for (Vma a : overlapping(start, end)) {
      long from = Math.max(a.start(), start);
      long to = Math.min(a.end(), end);
      List<Vma> pieces = new ArrayList<>(3);
      if (a.start() < from) {
        pieces.add(a.withRange(a.start(), from));
      }
      pieces.add(a.withRange(from, to).withProt(p));
      if (a.end() > to) {
        pieces.add(a.withRange(to, a.end()));
      }
      replace(a, pieces);
    }
    for (long vpn : pages.keysInRange(start >>> SHIFT, end >>> SHIFT)) {
      long frame = PageTable.frameOf(pages.get(vpn));
      int pageProt = p;
      if (!areaAt(vpn << SHIFT).shared() && frames.refCount(frame) > 1) {
        pageProt &= ~Prot.W; // still copy-on-write
      }
      pages.put(vpn, PageTable.entry(frame, pageProt));
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
   * Drops the pages of [start, start+length) (MADV_DONTNEED): private anonymous memory reads as
   * zero on next touch, file and shared pages fault in again from their backing, private file pages
   * lose their private changes.
   */
  public void discard(long start, long length) {
    checkRange(start, length);
    reclaimIfLent(start, start + length, false);
    freePages(start, start + length);
    shootdown.flush();
  }

  /**
   * mincore's answer for one page: mapped in the page table, or a page of the file (or shared
   * memory object) behind the area that holds a frame.
   */
  public boolean isResident(long vaddr) {
    if (pages.get(vaddr >>> SHIFT) != PageTable.ABSENT || lent.containsKey(vaddr >>> SHIFT)) {
      return true; // a lent page is in memory, on the kernel that runs the process
    }
    Vma a = areaAt(vaddr);
    return a != null
        && a.file() != null
        && a.file().pages() != null
        && a.file().pages().isResident(a.offsetOf(vaddr) >>> SHIFT);
  }

  /**
   * Faults in the pages of [start, start+length) as MAP_POPULATE does: for writing where the area
   * is writable, so private pages are already private copies. Pages past the end of a file and
   * inaccessible areas are skipped.
   *
   * @throws OutOfFramesException when no frame is left
   */
  public void prefault(long start, long length) {
    for (long page = start; page < start + length; page += MemoryLayout.PAGE_SIZE) {
      Vma a = areaAt(page);
      if (a == null || a.prot() == Prot.NONE) {
        continue;
      }
      int access =
          (a.prot() & Prot.W) != 0
              ? AddressTranslator.WRITE
              : (a.prot() & Prot.R) != 0 ? AddressTranslator.READ : AddressTranslator.EXECUTE;
      if (translate(page, access) == NO_MAPPING) {
        handleFault(page, access);
      }
    }
  }

  /**
   * Moves the pages and area of [from, from+oldLength), which must lie in one area, to [to,
   * to+newLength) without copying, replacing whatever was there. The area keeps its backing and
   * offset; the part beyond oldLength is new memory of the same kind (zero for private anonymous
   * memory, the following file pages for a file). With keepOld (MREMAP_DONTUNMAP) the old range
   * stays mapped but empty.
   */
  public void move(long from, long oldLength, long to, long newLength, boolean keepOld) {
    checkRange(from, oldLength);
    checkRange(to, newLength);
    Vma a = areaAt(from);
    if (a == null || from + oldLength > a.end()) {
      throw new IllegalArgumentException("move source is not one area");
    }
    reclaimIfLent(from, from + oldLength, true);
    reclaimIfLent(to, to + newLength, false);
    long[] present = pages.keysInRange(from >>> SHIFT, (from + oldLength) >>> SHIFT);
    long[] entries = new long[present.length];
    for (int i = 0; i < present.length; i++) {
      entries[i] = pages.remove(present[i]);
    }
    Vma moved = a.withRange(from, from + oldLength).movedTo(to, newLength);
    if (!keepOld) {
      carve(from, from + oldLength, false);
    }
    carve(to, to + newLength, true);
    insert(moved);
    long shift = (to - from) >> SHIFT;
    for (int i = 0; i < present.length; i++) {
      long vpn = present[i] + shift;
      if (vpn < (to + newLength) >>> SHIFT) {
        pages.put(vpn, entries[i]);
      } else {
        frames.release(PageTable.frameOf(entries[i]));
      }
    }
    mergeAcross(to, to + newLength);
    shootdown.flush();
  }

  /** {@link #move(long, long, long, long, boolean)} that unmaps the old range. */
  public void move(long from, long oldLength, long to, long newLength) {
    move(from, oldLength, to, newLength, false);
  }

  /**
   * Grows the area that ends at addr+oldLength in place to addr+newLength when that range is free
   * (mremap without moving); the new part continues the area's backing. Returns false otherwise.
   */
  public boolean growInPlace(long addr, long oldLength, long newLength) {
    long tail = addr + oldLength;
    Vma a = areaAt(tail - 1);
    if (a == null || a.end() != tail || !isFree(tail, newLength - oldLength)) {
      return false;
    }
    insert(a.withRange(tail, addr + newLength));
    mergeAcross(tail, tail);
    return true;
  }

  // ---- heap ----

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
    if (heapStart < 0 || requested < heapStart || requested > heapLimit) {
      return brk;
    }
    long oldTop = MemoryLayout.pageUp(brk);
    long newTop = MemoryLayout.pageUp(requested);
    if (newTop > oldTop) {
      if (!isFree(oldTop, newTop - oldTop)) {
        return brk;
      }
      insert(new Vma(oldTop, newTop, Prot.RW, Vma.Kind.HEAP));
      mergeAcross(oldTop, newTop);
    } else if (newTop < oldTop) {
      unmap(newTop, oldTop - newTop);
    }
    brk = requested;
    return brk;
  }

  // ---- process life ----

  /**
   * Copies this space for a forked child whose harts are told of stale translations through
   * childShootdown. Both spaces then map the same frames: shared areas stay writable in both,
   * private pages become read-only in both and are copied on the first write. This space's harts
   * are flushed, since they may hold write translations of pages that are now copy-on-write.
   */
  public AddressSpace fork(TlbShootdown childShootdown) {
    AddressSpace child = new AddressSpace(frames, childShootdown);
    child.heapStart = heapStart;
    child.heapLimit = heapLimit;
    child.brk = brk;
    for (Vma a : areas.values()) {
      child.insert(a);
    }
    boolean downgraded = false;
    for (long vpn : pages.keysInRange(0, MemoryLayout.USER_TOP >>> SHIFT)) {
      long e = pages.get(vpn);
      frames.retain(PageTable.frameOf(e));
      int prot = PageTable.protOf(e);
      if ((prot & Prot.W) != 0 && !areaAt(vpn << SHIFT).shared()) {
        e = PageTable.entry(PageTable.frameOf(e), prot & ~Prot.W);
        pages.put(vpn, e);
        downgraded = true;
      }
      child.pages.put(vpn, e);
    }
    if (downgraded) {
      shootdown.flush();
    }
    return child;
  }

  /** Pages brought in or copied by faults (by the hart or by kernel accesses) since creation. */
  public long pageFaults() {
    return pageFaults;
  }

  /** Pages backed by a frame now. */
  public long residentPages() {
    return pages.size();
  }

  /**
   * Gives every page and area back (exec, exit): each frame loses this space's references and is
   * freed when no other space or cache holds it. The address space is empty afterwards.
   */
  public void release() {
    lent.clear();
    lending = null;
    freePages(0, MemoryLayout.USER_TOP);
    pages.clear();
    List<Vma> all = List.copyOf(areas.values());
    areas.clear();
    for (Vma a : all) {
      dropBacking(a);
    }
    heapStart = -1;
    brk = 0;
    shootdown.flush();
  }

  // ---- migration ----

  /**
   * Makes this the running copy of a process whose home is another kernel: areas and pages come
   * from pager on first touch, into frames of this kernel.
   */
  public void setPager(Pager p) {
    if (!areas.isEmpty() || pages.size() != 0) {
      throw new IllegalStateException("a paged space starts empty");
    }
    pager = p;
  }

  /** True for the running copy of a process homed on another kernel. */
  public boolean paged() {
    return pager != null;
  }

  /** Makes this space lend pages through lending (its process runs elsewhere), or stop (null). */
  public void setLending(Lending l) {
    lending = l;
  }

  /** Pages lent to other kernels now, as page address to kernel, in address order. */
  public Map<Long, Integer> lentPages() {
    Map<Long, Integer> out = new TreeMap<>();
    lent.forEach((vpn, k) -> out.put(vpn << SHIFT, k));
    return out;
  }

  /** The result of {@link #lend}: contents (null: all zero) and permissions, or a fault. */
  public record Loan(Fault fault, byte[] contents, int prot) {
    static Loan failed(Fault f) {
      return new Loan(f, null, 0);
    }
  }

  /**
   * Lends the page holding vaddr, with its ownership, to kernel for the given access: its contents
   * leave this space (a never-touched anonymous page goes as zeros, without a frame), the page
   * directory records the new owner, and this space's next touch reclaims it. A page already lent
   * answers {@link Fault#BUSY} (it is being reclaimed; ask again). A page of a shared mapping
   * cannot move with ownership: {@link Fault#BUS_OBJERR}.
   */
  public Loan lend(long vaddr, int access, int kernel) {
    if (Long.compareUnsigned(vaddr, MemoryLayout.USER_TOP) >= 0) {
      return Loan.failed(Fault.SEGV_MAPERR);
    }
    Vma a = areaAt(vaddr);
    if (a == null) {
      return Loan.failed(Fault.SEGV_MAPERR);
    }
    if (!Prot.allows(a.prot(), access)) {
      return Loan.failed(Fault.SEGV_ACCERR);
    }
    if (a.shared()) {
      return Loan.failed(Fault.BUS_OBJERR);
    }
    long vpn = vaddr >>> SHIFT;
    if (lent.containsKey(vpn)) {
      return Loan.failed(Fault.BUSY);
    }
    long e = pages.get(vpn);
    byte[] contents = null;
    if (e != PageTable.ABSENT) {
      contents = view.frameForRead(PageTable.frameOf(e)).clone();
      frames.release(PageTable.frameOf(pages.remove(vpn)));
      shootdown.flushPage(vpn << SHIFT);
    } else if (a.file() != null) {
      PageCache cache = a.file().pages();
      long off = a.offsetOf(vpn << SHIFT);
      if (off >= MemoryLayout.pageUp(cache.size())) {
        return Loan.failed(Fault.BUS_ADRERR);
      }
      contents = view.frameForRead(cache.frame(off >>> SHIFT)).clone();
    }
    lent.put(vpn, kernel);
    return new Loan(Fault.RESOLVED, contents, a.prot());
  }

  /**
   * A lent page comes home with contents (null: zeros): it is private to this space again. A page
   * whose area is gone meanwhile is dropped.
   *
   * @throws OutOfFramesException when no frame is left
   */
  public void acceptPage(long vaddr, byte[] contents) {
    long vpn = vaddr >>> SHIFT;
    lent.remove(vpn);
    Vma a = areaAt(vaddr);
    if (a == null || pages.get(vpn) != PageTable.ABSENT) {
      return;
    }
    long frame = allocateFrame(vaddr);
    if (contents != null) {
      System.arraycopy(contents, 0, view.frameForWrite(frame), 0, (int) MemoryLayout.PAGE_SIZE);
    }
    pages.put(vpn, PageTable.entry(frame, a.prot()));
  }

  /** Forgets pages lent to kernel (it went down: their contents are lost). */
  public void forgetLent(int kernel) {
    lent.values().removeIf(k -> k == kernel);
  }

  private void reclaimIfLent(long start, long end, boolean keep) {
    if (lending != null) {
      lending.reclaim(start, end, keep);
    }
  }

  /**
   * On the running copy: installs a page that came from home with prot (contents null: zeros).
   *
   * @throws OutOfFramesException when no frame is left
   */
  public void installPage(long vaddr, byte[] contents, int prot) {
    long vpn = vaddr >>> SHIFT;
    if (pages.get(vpn) != PageTable.ABSENT) {
      return;
    }
    long frame = allocateFrame(vaddr);
    if (contents != null) {
      System.arraycopy(contents, 0, view.frameForWrite(frame), 0, (int) MemoryLayout.PAGE_SIZE);
    }
    pages.put(vpn, PageTable.entry(frame, Prot.normalize(prot)));
    pageFaults++;
  }

  /** A page given back by the running copy: its address and contents. */
  public record PageCopy(long vaddr, byte[] contents) {}

  /**
   * On the running copy: gives up the pages of [start, end) (with their contents when keep) and
   * forgets the cached areas that overlap it, so that the next touch asks home again.
   */
  public List<PageCopy> giveBack(long start, long end, boolean keep, int max) {
    List<PageCopy> out = new ArrayList<>();
    long[] vpns = pages.keysInRange(start >>> SHIFT, (end + MemoryLayout.PAGE_MASK) >>> SHIFT);
    if (keep && vpns.length > max) {
      vpns = java.util.Arrays.copyOf(vpns, max);
    }
    for (long vpn : vpns) {
      long frame = PageTable.frameOf(pages.remove(vpn));
      if (keep) {
        out.add(new PageCopy(vpn << SHIFT, view.frameForRead(frame).clone()));
      }
      frames.release(frame);
    }
    for (Vma a : overlapping(start, end)) {
      areas.remove(a.start());
    }
    shootdown.flush();
    return out;
  }

  /** Caches area a (from home), replacing cached areas it overlaps. */
  private void cacheArea(Vma a) {
    for (Vma old : overlapping(a.start(), a.end())) {
      areas.remove(old.start());
    }
    areas.put(a.start(), a);
  }

  // ---- reporting and checking ----

  /** The text of /proc/PID/maps for this space, in Linux's format. */
  public String mapsText() {
    StringBuilder out = new StringBuilder();
    for (Vma a : areas.values()) {
      MappableFile file = a.kind() == Vma.Kind.SPECIAL ? null : a.file();
      String name = a.name();
      if (name == null) {
        name =
            file != null
                ? file.path()
                : switch (a.kind()) {
                  case HEAP -> "[heap]";
                  case STACK -> "[stack]";
                  default -> null;
                };
      }
      int start = out.length();
      out.append(
          String.format(
              "%08x-%08x %s%c %08x %02x:%02x %d ",
              a.start(),
              a.end(),
              Prot.toString(a.prot()),
              a.shared() ? 's' : 'p',
              file == null ? 0 : a.offset(),
              file == null ? 0 : file.deviceMajor(),
              file == null ? 0 : file.deviceMinor(),
              file == null ? 0 : file.inode()));
      if (name != null) {
        // Linux pads the fields to 73 columns on a 64-bit kernel before the name.
        while (out.length() - start < 73) {
          out.append(' ');
        }
        out.append(name);
      }
      out.append('\n');
    }
    return out.toString();
  }

  /**
   * Checks the structural invariants: areas sorted, non-overlapping, page aligned, non-empty and in
   * user space; every present page inside an area, with no more permission than the area, on a
   * frame that is held; no writable entry on a frame with other holders unless the area is shared.
   *
   * @throws IllegalStateException naming the first violation
   */
  public void checkInvariants() {
    long previousEnd = 0;
    for (Map.Entry<Long, Vma> e : areas.entrySet()) {
      Vma a = e.getValue();
      if (e.getKey() != a.start()) {
        fail("area keyed at 0x" + Long.toHexString(e.getKey()) + " is " + a);
      }
      if (a.start() < previousEnd) {
        fail("area overlaps its predecessor: " + a);
      }
      if (!MemoryLayout.isUserRange(a.start(), a.length())) {
        fail("area outside user space: " + a);
      }
      if (a.file() instanceof SharedAnonymous s && s.users() <= 0) {
        fail("area refers to a released shared object: " + a);
      }
      previousEnd = a.end();
    }
    for (long vpn : pages.keysInRange(0, MemoryLayout.USER_TOP >>> SHIFT)) {
      long e = pages.get(vpn);
      long page = vpn << SHIFT;
      Vma a = areaAt(page);
      if (a == null) {
        fail("page 0x" + Long.toHexString(page) + " is present outside every area");
      }
      int prot = PageTable.protOf(e);
      if ((prot & ~a.prot()) != 0) {
        fail("page 0x" + Long.toHexString(page) + " allows more than its area " + a);
      }
      int refs = frames.refCount(PageTable.frameOf(e));
      if (refs <= 0) {
        fail("page 0x" + Long.toHexString(page) + " maps a free frame");
      }
      if ((prot & Prot.W) != 0 && refs > 1 && !a.shared()) {
        fail("private page 0x" + Long.toHexString(page) + " is writable on a frame held " + refs);
      }
    }
  }

  private static void fail(String what) {
    throw new IllegalStateException(what);
  }

  /** The address of every page present in this space's page map, in address order. */
  public List<Long> presentPages() {
    List<Long> out = new ArrayList<>();
    for (long vpn : pages.keysInRange(0, MemoryLayout.USER_TOP >>> SHIFT)) {
      out.add(vpn << SHIFT);
    }
    return out;
  }

  /** The frame of every present page, one per reference this space holds. */
  long[] mappedFrames() {
    long[] vpns = pages.keysInRange(0, MemoryLayout.USER_TOP >>> SHIFT);
    long[] out = new long[vpns.length];
    for (int i = 0; i < vpns.length; i++) {
      out[i] = PageTable.frameOf(pages.get(vpns[i]));
    }
    return out;
  }

  private static void checkRange(long start, long length) {
    if (!MemoryLayout.isPageAligned(start)
        || !MemoryLayout.isPageAligned(length)
        || !MemoryLayout.isUserRange(start, length)) {
      throw new IllegalArgumentException(
          "bad range 0x" + Long.toHexString(start) + "+0x" + Long.toHexString(length));
    }
  }

  /** True when vaddr lies in a mapping shared with other spaces (MAP_SHARED). */
  public boolean isSharedAt(long vaddr) {
    Vma a = areaAt(vaddr);
    return a != null && a.shared();
  }
}
