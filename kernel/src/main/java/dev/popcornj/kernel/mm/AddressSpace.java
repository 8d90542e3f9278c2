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

  // --- migration and distributed threads. At the home of a process with threads elsewhere: the
  // page directory (page -> the kernels holding copies), the pages being taken back, and how to
  // take them back. On a kernel that runs some of its threads: where areas and pages come from;
  // its areas are then a cache of the home's.
  private final TreeMap<Long, Copies> lent = new TreeMap<>();
  private final java.util.Set<Long> transit = new java.util.HashSet<>();
  private final List<long[]> transitRanges = new ArrayList<>();
  private Lending lending;
  private Pager pager;
  // Shared objects (MAP_SHARED) some of whose pages this process's copies on other kernels hold:
  // their directories are the objects', kept here so they can be told when the process goes.
  private final java.util.Set<PageCache> lentObjects = new java.util.LinkedHashSet<>();

  // --- share mode. At home: the windows this process's pages live in while other kernels map
  // them (null: pages come from frames). On a kernel that runs some of its threads: its pages are
  // home's frames, mapped here (foreign), never this kernel's to free.
  private List<Window> windows;
  private WindowSource windowSource;
  private boolean foreign;

  public AddressSpace(FrameAllocator frames, TlbShootdown shootdown) {
    this.frames = frames;
    this.view = frames.view();
    this.shootdown = shootdown;
  }

  /**
   * A run of this kernel's frames that the firmware also grants to the kernels running threads of
   * the process (Popcorn's first generation: the hardware keeps the pages coherent, only page
   * tables and areas are per kernel). The run's frames are held by the window in the kernel's
   * allocator; the window hands them out to pages with its own counts.
   */
  public static final class Window {
    private final dev.popcornj.machine.mem.Region region;
    private final FrameAllocator frames;

    Window(dev.popcornj.machine.mem.Region region, FrameAllocator frames) {
      this.region = region;
      this.frames = frames;
    }

    public dev.popcornj.machine.mem.Region region() {
      return region;
    }

    FrameAllocator frames() {
      return frames;
    }
  }

  /**
   * Where windows come from: the home kernel grants each to the process's kernels, and revokes it.
   */
  public interface WindowSource {
    /** Frames per window. */
    int windowFrames();

    /** A window of the kernel's memory was opened at region: grant it where the process runs. */
    void opened(dev.popcornj.machine.mem.Region region);

    /** The window at region closes (its pages are gone): revoke it everywhere. */
    void closed(dev.popcornj.machine.mem.Region region);
  }

  /**
   * Share mode at home: from now on new pages of this space come from windows that source opens,
   * and a page another kernel asks for moves into one first ({@link #lendFrame}).
   */
  public void useWindows(WindowSource source) {
    if (windows == null) {
      windows = new ArrayList<>();
      windowSource = source;
    }
  }

  /** The windows open now, oldest first (empty when not in share mode). */
  public List<dev.popcornj.machine.mem.Region> windowRegions() {
    List<dev.popcornj.machine.mem.Region> out = new ArrayList<>();
    if (windows != null) {
      for (Window w : windows) {
        out.add(w.region);
      }
    }
    return out;
  }

  List<Window> windowList() {
    return windows == null ? List.of() : List.copyOf(windows);
  }

  /** True on a kernel whose pages of this process are home's frames (share mode). */
  public boolean foreign() {
    return foreign;
  }

  private Window windowOf(long frame) {
    if (windows != null) {
      for (int i = 0, n = windows.size(); i < n; i++) {
        Window w = windows.get(i);
        if (w.region.contains(frame, MemoryLayout.PAGE_SIZE)) {
          return w;
        }
      }
    }
    return null;
  }

  /** The allocator that counts frame's holders: its window's, or the kernel's. */
  FrameAllocator ownerOf(long frame) {
    Window w = windowOf(frame);
    return w == null ? frames : w.frames;
  }

  private int refsOf(long frame) {
    return foreign ? 1 : ownerOf(frame).refCount(frame);
  }

  private void releaseFrame(long frame) {
    if (!foreign) {
      ownerOf(frame).release(frame);
    }
  }

  private long allocateInWindow(long vaddr) {
    for (Window w : windows) {
      long f = w.frames.allocate();
      if (f != FrameAllocator.NO_FRAME) {
        return f;
      }
    }
    int n = windowSource.windowFrames();
    long base = frames.allocateRun(n);
    if (base == FrameAllocator.NO_FRAME) {
      throw new OutOfFramesException(vaddr);
    }
    var region = new dev.popcornj.machine.mem.Region(base, (long) n * MemoryLayout.PAGE_SIZE);
    Window w = new Window(region, new FrameAllocator(view, region));
    windows.add(w);
    windowSource.opened(region);
    long f = w.frames.allocate();
    if (f == FrameAllocator.NO_FRAME) {
      throw new OutOfFramesException(vaddr);
    }
    return f;
  }

  /**
   * Closes every window (the space is empty): revoked everywhere, its frames back to the kernel.
   */
  private void closeWindows() {
    if (windows == null) {
      return;
    }
    List<Window> all = windows;
    WindowSource source = windowSource;
    windows = null;
    windowSource = null;
    for (Window w : all) {
      if (w.frames.framesInUse() != 0) {
        throw new IllegalStateException(
            "window " + w.region + " closes with " + w.frames.framesInUse() + " pages in it");
      }
      source.closed(w.region);
      for (long f = w.region.base(); f < w.region.end(); f += MemoryLayout.PAGE_SIZE) {
        frames.release(f);
      }
    }
  }

  /**
   * Why kernel's access to vaddr cannot be lent at all (no area, not allowed by it, a shared
   * mapping, a kernel id out of range), or null when it can.
   */
  private Loan refusal(long vaddr, int access, int kernel) {
    Vma a = Long.compareUnsigned(vaddr, MemoryLayout.USER_TOP) >= 0 ? null : areaAt(vaddr);
    if (a == null) {
      return Loan.failed(Fault.SEGV_MAPERR);
    }
    if (!Prot.allows(a.prot(), access)) {
      return Loan.failed(Fault.SEGV_ACCERR);
    }
    if (kernel < 0 || kernel >= 64) {
      return Loan.failed(Fault.BUS_OBJERR);
    }
    return null;
  }

  /**
   * Share mode, at home: kernel's fault on the page holding vaddr gets home's frame itself, which
   * the kernel maps (the window it lies in is granted to it). The page moves into a window first
   * when it is not in one; a write to a copy-on-write page gets a new frame. When the frame
   * changes, the kernels that map the old one must drop it first: the answer names them ({@link
   * Loan#recallFrom}, {@link #RECALL_DROP}). The permissions given are home's entry's, so a page
   * writable here is writable there.
   *
   * @throws OutOfFramesException when no window frame is left
   */
  public Loan lendFrame(long vaddr, int access, int kernel) {
    if (windows == null) {
      throw new IllegalStateException("not in share mode");
    }
    Loan refused = refusal(vaddr, access, kernel);
    if (refused != null) {
      return refused;
    }
    Vma a = areaAt(vaddr);
    if (a.shared()) {
      return lendShared(a, vaddr & ~MemoryLayout.PAGE_MASK, access, kernel);
    }
    if (inTransit(vaddr)) {
      return Loan.failed(Fault.BUSY);
    }
    long vpn = vaddr >>> SHIFT;
    long page = vpn << SHIFT;
    Copies c = lent.get(vpn);
    long e = pages.get(vpn);
    if (e == PageTable.ABSENT) {
      if (!back(vpn, a, access)) {
        return Loan.failed(Fault.BUS_ADRERR);
      }
      pageFaults--; // backed for another kernel, not by a fault of this space
      e = pages.get(vpn);
    }
    long frame = PageTable.frameOf(e);
    boolean write = access == AddressTranslator.WRITE;
    boolean readOnly = (PageTable.protOf(e) & Prot.W) == 0;
    if (windowOf(frame) == null || (write && readOnly && refsOf(frame) > 1)) {
      long others = c == null ? 0 : c.kernels() & ~bit(kernel);
      if (others != 0) {
        return Loan.recall(others, RECALL_DROP);
      }
      long copy = allocateFrame(page);
      copyFrame(frame, copy);
      releaseFrame(frame);
      frame = copy;
      e = PageTable.entry(copy, PageTable.protOf(e));
      pages.put(vpn, e);
      shootdown.flushPage(page);
    }
    if (write && readOnly) {
      e = PageTable.entry(frame, a.prot()); // the window's frame is this page's alone
      pages.put(vpn, e);
      shootdown.flushPage(page);
    }
    lent.put(vpn, new Copies((c == null ? 0 : c.kernels()) | bit(kernel), false));
    return new Loan(Fault.RESOLVED, null, PageTable.protOf(e), false, 0, 0, frame);
  }

  /** True when frame lies in one of this space's windows. */
  public boolean inWindow(long frame) {
    return windowOf(frame) != null;
  }

  /**
   * Share mode, on a kernel running some of the process's threads: maps home's frame at vaddr with
   * prot. The frame stays home's: nothing here frees it.
   */
  public void installForeign(long vaddr, long frame, int prot) {
    if (!foreign && pages.size() != 0) {
      throw new IllegalStateException("a space holds its own frames or home's, not both");
    }
    foreign = true;
    long vpn = vaddr >>> SHIFT;
    boolean was = pages.get(vpn) != PageTable.ABSENT;
    pages.put(vpn, PageTable.entry(frame & ~MemoryLayout.PAGE_MASK, Prot.normalize(prot)));
    if (was) {
      shootdown.flushPage(vpn << SHIFT);
    }
    pageFaults++;
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
    if (pager != null && (e == PageTable.ABSENT || !Prot.allows(PageTable.protOf(e), access))) {
      // Absent here, or a reader's copy written to: home's page directory decides.
      return pager.page(vaddr & ~MemoryLayout.PAGE_MASK, access);
    }
    if (a.file() != null && (e == PageTable.ABSENT || !Prot.allows(PageTable.protOf(e), access))) {
      // The object's page may be held elsewhere: a writer's contents come back first, and a write
      // to a shared mapping takes the readers' copies away.
      PageCache cache = a.file().pages();
      SharedCopies sc = cache.remote();
      long index = indexOf(a, vpn << SHIFT);
      boolean changes = a.shared() && access == AddressTranslator.WRITE;
      if (sc != null && (sc.inTransit(index) || sc.inTheWay(index, changes))) {
        sc.before(cache, index, changes);
        return areaAt(vaddr) == null ? Fault.SEGV_MAPERR : handleFault(vaddr, access);
      }
    }
    Copies held = windows == null ? lent.get(vpn) : null; // shared frames need no recall
    if (held != null
        && lending != null
        && (e == PageTable.ABSENT || (access == AddressTranslator.WRITE && !held.writer()))) {
      // Another kernel writes the page, or others read it and home writes: take it back first.
      lending.recall(vpn << SHIFT, access);
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
    if (!a.shared() && refsOf(frame) > 1) {
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
        if (cache.remote() != null && cache.remote().hasReaders(off >>> SHIFT)) {
          prot &= ~Prot.W; // other kernels read it: a write here takes their copies first
        }
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
    if (!a.shared() && refsOf(frame) > 1) {
      long copy = allocateFrame(vpn << SHIFT);
      copyFrame(frame, copy);
      releaseFrame(frame);
      frame = copy;
    }
    pages.put(vpn, PageTable.entry(frame, a.prot()));
    // The harts may still read the old frame through a cached read translation.
    shootdown.flushPage(vpn << SHIFT);
    return frame;
  }

  private long allocateFrame(long vaddr) {
    if (windows != null) {
      return allocateInWindow(vaddr);
    }
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
      a.file().pages().addMapper(this, a.kind() == Vma.Kind.IMAGE);
    }
    if (a.file() instanceof SharedAnonymous s) {
      s.addUser();
    }
  }

  private void dropBacking(Vma a) {
    if (a.file() != null) {
      a.file().pages().removeMapper(this, a.kind() == Vma.Kind.IMAGE);
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
        releaseFrame(PageTable.frameOf(pages.remove(vpn)));
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
      releaseFrame(PageTable.frameOf(pages.remove(vpn)));
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
      Vma pa = areaAt(vpn << SHIFT);
      if (!pa.shared() && refsOf(frame) > 1) {
        pageProt &= ~Prot.W; // still copy-on-write
      }
      if (pa.shared()
          && sharedOf(pa) != null
          && sharedOf(pa).hasReaders(indexOf(pa, vpn << SHIFT))) {
        pageProt &= ~Prot.W; // read on other kernels
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
        releaseFrame(PageTable.frameOf(entries[i]));
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
    return fork(childShootdown, false);
  }

  /**
   * {@link #fork}; with copiesStay, the copies other kernels hold stay where they are, so the
   * parent keeps using them there: read-only ones (home has their contents) and writable ones,
   * which the child lacks here (a fork's image for another kernel: that kernel copies them itself);
   * without, every page comes home first.
   */
  public AddressSpace fork(TlbShootdown childShootdown, boolean copiesStay) {
    if (lending != null && !lent.isEmpty() && !copiesStay) {
      // The child copies what home holds: every page comes home first.
      lending.reclaim(0, MemoryLayout.USER_TOP, true);
    }
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
      if (windowOf(PageTable.frameOf(e)) != null) {
        // A window's frames are this process's alone (other kernels map them): the child gets
        // its own copy at once, in this kernel's memory.
        long copy = frames.allocate();
        if (copy == FrameAllocator.NO_FRAME) {
          child.release();
          throw new OutOfFramesException(vpn << SHIFT);
        }
        copyFrame(PageTable.frameOf(e), copy);
        child.pages.put(vpn, PageTable.entry(copy, PageTable.protOf(e)));
        continue;
      }
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
    forgetObjects();
    lent.clear();
    transit.clear();
    transitRanges.clear();
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
    closeWindows();
  }

  // ---- migration and distributed threads ----

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

  /** Where a running copy's areas and pages come from (null at home). */
  public Pager pager() {
    return pager;
  }

  /** True for the running copy of a process homed on another kernel. */
  public boolean paged() {
    return pager != null;
  }

  /**
   * Makes this space lend pages through lending (some of its threads run elsewhere), or stop (null:
   * no other kernel holds anything of it any more).
   */
  public void setLending(Lending l) {
    if (l == null) {
      forgetObjects();
    }
    lending = l;
    if (l == null) {
      lent.clear();
    }
  }

  /** This process's copies of shared pages on other kernels are all gone. */
  private void forgetObjects() {
    int pid = pid();
    for (PageCache c : lentObjects) {
      c.remote().forget(-1, pid);
    }
    lentObjects.clear();
  }

  /** True while this space lends pages (some of its threads run on other kernels). */
  public boolean lending() {
    return lending != null;
  }

  /** What takes this space's pages back from other kernels, or null. */
  public Lending lendingOf() {
    return lending;
  }

  /**
   * The copies of one page that other kernels hold, as the home's page directory records them: a
   * writer (one kernel, which holds the page writable; home then has no copy), or readers (each
   * holds a read-only copy; home keeps the page too, read-only, until it takes the page back).
   * kernels has a bit per kernel id.
   */
  public record Copies(long kernels, boolean writer) {
    public boolean has(int kernel) {
      return (kernels & bit(kernel)) != 0;
    }
  }

  static long bit(int kernel) {
    return 1L << kernel;
  }

  /** The page directory: every page other kernels hold copies of, in address order. */
  public Map<Long, Copies> copies() {
    Map<Long, Copies> out = new TreeMap<>();
    lent.forEach((vpn, c) -> out.put(vpn << SHIFT, c));
    return out;
  }

  /**
   * True when the page directory records kernel as holding a copy of the page at vaddr (reader or
   * writer) and no recall of it is under way: the copy there is the page's contents, and stays so
   * for anything this kernel sends that kernel before it sends a recall.
   */
  public boolean heldBy(long vaddr, int kernel) {
    Copies c = lent.get(vaddr >>> SHIFT);
    return c != null && c.has(kernel) && !inTransit(vaddr);
  }

  /** Pages another kernel holds writable now, as page address to kernel, in address order. */
  public Map<Long, Integer> lentPages() {
    Map<Long, Integer> out = new TreeMap<>();
    lent.forEach(
        (vpn, c) -> {
          if (c.writer()) {
            out.put(vpn << SHIFT, Long.numberOfTrailingZeros(c.kernels()));
          }
        });
    return out;
  }

  /** True while the page holding vaddr is being taken back from the kernels that hold it. */
  public boolean inTransit(long vaddr) {
    if (transit.contains(vaddr >>> SHIFT)) {
      return true;
    }
    for (long[] r : transitRanges) {
      if (vaddr >= r[0] && vaddr < r[1]) {
        return true;
      }
    }
    return false;
  }

  /** Every page of [start, end) is in transit until {@link #endTransit} with the same range. */
  public void beginTransit(long start, long end) {
    transitRanges.add(new long[] {start, end});
  }

  public void endTransit(long start, long end) {
    transitRanges.removeIf(r -> r[0] == start && r[1] == end);
  }

  /** Marks the page holding vaddr as being taken back (on) or done (off); see {@link #lend}. */
  public void setInTransit(long vaddr, boolean on) {
    if (on) {
      transit.add(vaddr >>> SHIFT);
    } else {
      transit.remove(vaddr >>> SHIFT);
    }
  }

  /**
   * The result of {@link #lend}: contents (null: all zero, or none with {@link #upgrade}),
   * permissions and whether the requester's own read-only copy just becomes writable; or a fault;
   * or, with {@link Fault#BUSY} and recallFrom not 0, the kernels (a bit each) home must first take
   * the page back from, and how ({@link #RECALL_DROP}, {@link #RECALL_TAKE}, {@link
   * #RECALL_SHARE}). In share mode ({@link #lendFrame}) frame is the frame lent, -1 otherwise.
   */
  public record Loan(
      Fault fault,
      byte[] contents,
      int prot,
      boolean upgrade,
      long recallFrom,
      int recallMode,
      long frame,
      SharedRecall shared) {
    Loan(
        Fault fault,
        byte[] contents,
        int prot,
        boolean upgrade,
        long recallFrom,
        int recallMode,
        long frame) {
      this(fault, contents, prot, upgrade, recallFrom, recallMode, frame, null);
    }

    static Loan failed(Fault f) {
      return new Loan(f, null, 0, false, 0, 0, -1);
    }

    static Loan recall(long from, int mode) {
      return new Loan(Fault.BUSY, null, 0, false, from, mode, -1);
    }

    static Loan recallShared(PageCache cache, long index, List<SharedCopies.Site> sites, int mode) {
      return new Loan(
          Fault.BUSY, null, 0, false, 0, mode, -1, new SharedRecall(cache, index, sites));
    }

    static Loan of(byte[] contents, int prot, boolean upgrade) {
      return new Loan(Fault.RESOLVED, contents, prot, upgrade, 0, 0, -1);
    }
  }

  /**
   * A loan's recall of copies of a shared object's page (index of cache) held at sites: they must
   * come back (in the loan's recall mode) before the page can be lent.
   */
  public record SharedRecall(PageCache cache, long index, List<SharedCopies.Site> sites) {}

  /** Recall modes: the holders' copies go (readers' copies, or a range unmapped). */
  public static final int RECALL_DROP = 0;

  /** The writer sends the contents and drops its copy. */
  public static final int RECALL_TAKE = 1;

  /** The writer sends the contents and keeps a read-only copy. */
  public static final int RECALL_SHARE = 2;

  /**
   * The page directory's answer to kernel's fault on the page holding vaddr (Popcorn's page server,
   * at the origin): readers replicate, a writer invalidates.
   *
   * <ul>
   *   <li>A read gets a copy, read-only; home keeps the page too, read-only (backing it first if it
   *       was never touched), and records the reader.
   *   <li>A write gets the page with its ownership: home's copy goes; a requester that already
   *       reads the page just makes its copy writable ({@link Loan#upgrade}).
   *   <li>When other kernels hold copies that must go first (readers, for a write) or a writer
   *       holds the page, the answer names them ({@link Loan#recallFrom}); home takes the page back
   *       from them (marking it {@link #inTransit}) and asks again.
   * </ul>
   *
   * A page in transit answers {@link Fault#BUSY} (ask again later). A page of a shared mapping
   * cannot be replicated: {@link Fault#BUS_OBJERR}.
   *
   * @throws OutOfFramesException when home needs a frame to back a page for readers and has none
   */
  public Loan lend(long vaddr, int access, int kernel) {
    Loan refused = refusal(vaddr, access, kernel);
    if (refused != null) {
      return refused;
    }
    Vma a = areaAt(vaddr);
    long vpn = vaddr >>> SHIFT;
    if (a.shared()) {
      return lendShared(a, vpn << SHIFT, access, kernel);
    }
    if (inTransit(vaddr)) {
      return Loan.failed(Fault.BUSY);
    }
    if (a.file() != null) {
      // A private file page starts as the file's contents: a writer elsewhere sends them first.
      PageCache cache = a.file().pages();
      long index = a.offsetOf(vpn << SHIFT) >>> SHIFT;
      SharedCopies sc = cache.remote();
      if (sc != null && sc.inTransit(index)) {
        return Loan.failed(Fault.BUSY);
      }
      if (sc != null && sc.inTheWay(index, false)) {
        return Loan.recallShared(cache, index, sc.get(index).sites(), RECALL_SHARE);
      }
    }
    boolean write = access == AddressTranslator.WRITE;
    Copies c = lent.get(vpn);
    if (c != null && c.writer()) {
      if (c.has(kernel)) {
        return Loan.of(null, a.prot(), true); // it holds it writable already
      }
      return Loan.recall(c.kernels(), write ? RECALL_TAKE : RECALL_SHARE);
    }
    if (write) {
      if (c != null) {
        long others = c.kernels() & ~bit(kernel);
        if (others != 0) {
          return Loan.recall(others, RECALL_DROP);
        }
      }
      boolean upgrade = c != null; // the requester is the only reader: its copy is current
      long e = pages.get(vpn);
      byte[] contents = null;
      if (e != PageTable.ABSENT) {
        if (!upgrade) {
          contents = view.frameForRead(PageTable.frameOf(e)).clone();
        }
        releaseFrame(PageTable.frameOf(pages.remove(vpn)));
        shootdown.flushPage(vpn << SHIFT);
      } else if (a.file() != null && !upgrade) {
        PageCache cache = a.file().pages();
        long off = a.offsetOf(vpn << SHIFT);
        if (off >= MemoryLayout.pageUp(cache.size())) {
          return Loan.failed(Fault.BUS_ADRERR);
        }
        contents = view.frameForRead(cache.frame(off >>> SHIFT)).clone();
      }
      lent.put(vpn, new Copies(bit(kernel), true));
      return Loan.of(contents, a.prot(), upgrade);
    }
    // A read: home keeps the current contents, read-only while others read them.
    long e = pages.get(vpn);
    if (e == PageTable.ABSENT) {
      if (!back(vpn, a, AddressTranslator.READ)) {
        return Loan.failed(Fault.BUS_ADRERR);
      }
      pageFaults--; // backed for a reader, not by a fault of this space
      e = pages.get(vpn);
    }
    int prot = PageTable.protOf(e);
    if ((prot & Prot.W) != 0) {
      pages.put(vpn, PageTable.entry(PageTable.frameOf(e), prot & ~Prot.W));
      shootdown.flushPage(vpn << SHIFT);
    }
    byte[] contents = view.frameForRead(PageTable.frameOf(e)).clone();
    lent.put(vpn, new Copies((c == null ? 0 : c.kernels()) | bit(kernel), false));
    return Loan.of(contents, a.prot() & ~Prot.W, false);
  }

  /** The process's id in the sites of the shared objects it lends (-1 when not lending). */
  private int pid() {
    return lending == null ? -1 : lending.pid();
  }

  /**
   * The page directory's answer for a page of a shared mapping (area a): as {@link #lend}, but the
   * copies are the object's (every process that maps it, at home or elsewhere, sees one page), so
   * home's side is every mapping of the object here: a reader elsewhere makes them read-only, a
   * writer elsewhere takes them away, and the object's other holders, whichever process they run
   * for, give their copies back first.
   *
   * <p>In share mode (this space has windows) kernel maps the object's own frame instead, which is
   * not the process's to put in a window: the answer's frame lies outside the windows, and home
   * grants it to kernel alone. Home's mappings stay as they are: the hardware keeps the page
   * coherent.
   */
  private Loan lendShared(Vma a, long page, int access, int kernel) {
    PageCache cache = a.file().pages();
    long off = a.offsetOf(page);
    if (off >= MemoryLayout.pageUp(cache.size())) {
      return Loan.failed(Fault.BUS_ADRERR);
    }
    long index = off >>> SHIFT;
    SharedCopies sc = cache.remoteCopies(lending);
    if (windows != null) {
      sc.useFrames();
    }
    if (sc.inTransit(index) || inTransit(page)) {
      return Loan.failed(Fault.BUSY);
    }
    lentObjects.add(cache);
    SharedCopies.Site me = new SharedCopies.Site(kernel, pid(), page);
    if (windows != null) {
      long frame = cache.frame(index);
      sc.addReader(index, me);
      return new Loan(Fault.RESOLVED, null, a.prot(), false, 0, 0, frame);
    }
    SharedCopies.Holders h = sc.get(index);
    boolean write = access == AddressTranslator.WRITE;
    if (h != null && h.writer()) {
      if (h.has(me)) {
        return Loan.of(null, a.prot(), true); // it holds it writable already
      }
      return Loan.recallShared(cache, index, h.sites(), write ? RECALL_TAKE : RECALL_SHARE);
    }
    long frame = cache.frame(index);
    if (write) {
      List<SharedCopies.Site> others = new ArrayList<>(h == null ? List.of() : h.sites());
      others.remove(me);
      if (!others.isEmpty()) {
        return Loan.recallShared(cache, index, others, RECALL_DROP);
      }
      boolean upgrade = h != null; // the requester is the only reader: its copy is current
      byte[] contents = upgrade ? null : view.frameForRead(frame).clone();
      cache.lentAway(index, frame, true);
      sc.setWriter(index, me);
      return Loan.of(contents, a.prot(), upgrade);
    }
    cache.lentAway(index, frame, false);
    sc.addReader(index, me);
    return Loan.of(view.frameForRead(frame).clone(), a.prot() & ~Prot.W, false);
  }

  /**
   * Page index of cache, whose frame is frame, is now lent to another kernel: this space's mappings
   * of that frame go (writer elsewhere) or become read-only (readers elsewhere). Private pages
   * already copied from the object keep their own frames.
   */
  void objectPageLent(PageCache cache, long index, long frame, boolean writer) {
    long off = index << SHIFT;
    for (Vma a : List.copyOf(areas.values())) {
      if (a.file() == null
          || a.file().pages() != cache
          || off < a.offset()
          || off >= a.offsetOf(a.end())) {
        continue;
      }
      long vpn = (a.start() + (off - a.offset())) >>> SHIFT;
      long e = pages.get(vpn);
      if (e == PageTable.ABSENT || PageTable.frameOf(e) != frame) {
        continue;
      }
      if (writer) {
        pages.remove(vpn);
        releaseFrame(frame);
      } else if ((PageTable.protOf(e) & Prot.W) != 0) {
        pages.put(vpn, PageTable.entry(frame, PageTable.protOf(e) & ~Prot.W));
      } else {
        continue;
      }
      shootdown.flushPage(vpn << SHIFT);
    }
  }

  /** The record of copies elsewhere of shared area a's object, or null. */
  private SharedCopies sharedOf(Vma a) {
    return a.file().pages().remote();
  }

  private long indexOf(Vma a, long page) {
    return a.offsetOf(page) >>> SHIFT;
  }

  /**
   * Kernel's copy of the page at vaddr came back or went: with contents when it held the page
   * writable (it then keeps a read-only copy when keepsReadCopy), without when its copy is simply
   * gone (a reader's, or a writer's whose range was unmapped or discarded: the page is then as if
   * never touched). A page whose area is gone meanwhile is dropped.
   *
   * @throws OutOfFramesException when no frame is left
   */
  public void returned(long vaddr, int kernel, byte[] contents, boolean keepsReadCopy) {
    long vpn = vaddr >>> SHIFT;
    Vma shared = areaAt(vaddr);
    if (shared != null && shared.shared()) {
      SharedCopies sc = sharedOf(shared);
      if (sc != null) {
        long page = vpn << SHIFT;
        sc.answered(
            shared.file().pages(),
            indexOf(shared, page),
            new SharedCopies.Site(kernel, pid(), page),
            contents,
            keepsReadCopy);
      }
      return;
    }
    Copies c = lent.get(vpn);
    if (c == null || !c.has(kernel)) {
      return; // not its (any more): what it sends is stale
    }
    if (!c.writer()) {
      long rest = c.kernels() & ~bit(kernel);
      if (rest == 0) {
        lent.remove(vpn);
      } else {
        lent.put(vpn, new Copies(rest, false));
      }
      return;
    }
    lent.remove(vpn);
    Vma a = areaAt(vaddr);
    if (contents == null || a == null || pages.get(vpn) != PageTable.ABSENT) {
      return;
    }
    long frame = allocateFrame(vaddr);
    System.arraycopy(contents, 0, view.frameForWrite(frame), 0, (int) MemoryLayout.PAGE_SIZE);
    int prot = a.prot();
    if (keepsReadCopy) {
      prot &= ~Prot.W;
      lent.put(vpn, new Copies(bit(kernel), false));
    }
    pages.put(vpn, PageTable.entry(frame, prot));
  }

  /**
   * Kernel is no reader of the page holding vaddr (it says it holds no copy): the directory drops
   * it there. A writer's entry stays: its contents are nowhere else.
   */
  public void forgetReader(long vaddr, int kernel) {
    long vpn = vaddr >>> SHIFT;
    Vma shared = areaAt(vaddr);
    if (shared != null && shared.shared()) {
      SharedCopies sc = sharedOf(shared);
      long page = vpn << SHIFT;
      if (sc != null && sc.hasReaders(indexOf(shared, page))) {
        sc.remove(indexOf(shared, page), new SharedCopies.Site(kernel, pid(), page));
      }
      return;
    }
    Copies c = lent.get(vpn);
    if (c == null || c.writer() || !c.has(kernel)) {
      return;
    }
    long rest = c.kernels() & ~bit(kernel);
    if (rest == 0) {
      lent.remove(vpn);
    } else {
      lent.put(vpn, new Copies(rest, false));
    }
  }

  /**
   * After kernel answered a recall of [start, end): the copies of shared pages it still holds there
   * for this process are gone, except readers' with keepReaders (it was asked to share).
   */
  public void forgetSharedIn(int kernel, long start, long end, boolean keepReaders) {
    for (PageCache c : lentObjects) {
      c.remote().forgetIn(kernel, pid(), start, end, keepReaders);
    }
  }

  /**
   * The shared objects' pages that this process's copies elsewhere hold at addresses in [start,
   * end), as recalls (with their sites there): what an area change over the range takes back.
   */
  public List<SharedRecall> sharedIn(long start, long end) {
    List<SharedRecall> out = new ArrayList<>();
    int pid = pid();
    for (PageCache c : lentObjects) {
      for (var e : c.remote().all().entrySet()) {
        List<SharedCopies.Site> here = new ArrayList<>();
        for (SharedCopies.Site s : e.getValue().sites()) {
          if (s.pid() == pid && s.vaddr() >= start && s.vaddr() < end) {
            here.add(s);
          }
        }
        if (!here.isEmpty()) {
          out.add(new SharedRecall(c, e.getKey(), here));
        }
      }
    }
    return out;
  }

  /** The shared objects whose pages this process's copies elsewhere were lent. */
  public List<PageCache> lentObjects() {
    return List.copyOf(lentObjects);
  }

  /** Forgets the copies kernel held (it went down: what only it had is lost). */
  public void forgetLent(int kernel) {
    for (PageCache c : lentObjects) {
      c.remote().forget(kernel, pid());
    }
    for (Long vpn : List.copyOf(lent.keySet())) {
      Copies c = lent.get(vpn);
      if (c.has(kernel)) {
        long rest = c.kernels() & ~bit(kernel);
        if (rest == 0) {
          lent.remove(vpn);
        } else {
          lent.put(vpn, new Copies(rest, c.writer()));
        }
      }
    }
  }

  /**
   * Before an area change over [start, end): the kernels holding copies give back what they hold
   * there and forget the areas. Nothing to do where nothing is mapped (no kernel can have cached an
   * area there): so mapping a free range never waits for another kernel, and an address chosen for
   * mmap cannot be taken by another thread's mapping meanwhile.
   */
  private void reclaimIfLent(long start, long end, boolean keep) {
    List<Vma> hit = overlapping(start, end);
    if (lending != null && !hit.isEmpty()) {
      for (Vma a : hit) {
        // A shared page's contents are its object's, which outlives this range: they come back.
        keep |= a.shared();
      }
      lending.reclaim(start, end, keep);
    }
  }

  /**
   * On the running copy: installs a page that came from home with prot (contents null: zeros), or
   * with upgrade makes the read-only copy here writable (prot). Returns false when an upgrade finds
   * no copy here (home took it meanwhile: ask again).
   *
   * @throws OutOfFramesException when no frame is left
   */
  public boolean installPage(long vaddr, byte[] contents, int prot, boolean upgrade) {
    long vpn = vaddr >>> SHIFT;
    long e = pages.get(vpn);
    if (upgrade) {
      if (e == PageTable.ABSENT) {
        return false;
      }
      pages.put(vpn, PageTable.entry(PageTable.frameOf(e), Prot.normalize(prot)));
      shootdown.flushPage(vpn << SHIFT);
      pageFaults++;
      return true;
    }
    long frame;
    if (e != PageTable.ABSENT) {
      frame = PageTable.frameOf(e); // home's newer contents replace what is here
    } else {
      frame = allocateFrame(vaddr);
    }
    byte[] to = view.frameForWrite(frame);
    if (contents != null) {
      System.arraycopy(contents, 0, to, 0, (int) MemoryLayout.PAGE_SIZE);
    } else {
      java.util.Arrays.fill(to, (byte) 0);
    }
    pages.put(vpn, PageTable.entry(frame, Prot.normalize(prot)));
    if (e != PageTable.ABSENT) {
      shootdown.flushPage(vpn << SHIFT);
    }
    pageFaults++;
    return true;
  }

  /** True when this space has pages in [start, end). */
  public boolean holds(long start, long end) {
    return pages.keysInRange(start >>> SHIFT, (end + MemoryLayout.PAGE_MASK) >>> SHIFT).length > 0;
  }

  /** True when this space has writable pages in [start, end). */
  public boolean holdsWritable(long start, long end) {
    for (long vpn : pages.keysInRange(start >>> SHIFT, (end + MemoryLayout.PAGE_MASK) >>> SHIFT)) {
      if ((PageTable.protOf(pages.get(vpn)) & Prot.W) != 0) {
        return true;
      }
    }
    return false;
  }

  /** A page given back by the running copy: its address and contents. */
  public record PageCopy(long vaddr, byte[] contents) {}

  /**
   * On the running copy: gives up the pages of [start, end) as home asks (at most max of them when
   * contents go): {@link #RECALL_DROP} drops them, {@link #RECALL_TAKE} drops them and returns
   * their contents, {@link #RECALL_SHARE} returns the contents of the writable ones and keeps them
   * read-only. With forgetAreas the cached areas that overlap the range go too, so the next touch
   * asks home again.
   */
  public List<PageCopy> giveBack(long start, long end, int mode, boolean forgetAreas, int max) {
    List<PageCopy> out = new ArrayList<>();
    long[] vpns = pages.keysInRange(start >>> SHIFT, (end + MemoryLayout.PAGE_MASK) >>> SHIFT);
    if (mode == RECALL_SHARE) {
      // Only the writable pages change: the first max of those (read-only ones before them must
      // not use up the batch, or a range with many would never be done).
      vpns =
          java.util.Arrays.stream(vpns)
              .filter(v -> (PageTable.protOf(pages.get(v)) & Prot.W) != 0)
              .toArray();
    }
    if (mode != RECALL_DROP && vpns.length > max) {
      vpns = java.util.Arrays.copyOf(vpns, max);
    }
    for (long vpn : vpns) {
      long e = pages.get(vpn);
      long frame = PageTable.frameOf(e);
      boolean writable = (PageTable.protOf(e) & Prot.W) != 0;
      if (mode == RECALL_SHARE) {
        if (writable) {
          if (!foreign) {
            out.add(new PageCopy(vpn << SHIFT, view.frameForRead(frame).clone()));
          }
          pages.put(vpn, PageTable.entry(frame, PageTable.protOf(e) & ~Prot.W));
        }
        continue;
      }
      pages.remove(vpn);
      if (foreign) {
        continue; // home's frame: only the mapping here goes, home has the contents
      }
      if (mode == RECALL_TAKE && writable) {
        out.add(new PageCopy(vpn << SHIFT, view.frameForRead(frame).clone()));
      }
      releaseFrame(frame);
    }
    if (forgetAreas) {
      // What lies outside the range is as home has it still: only the range is forgotten.
      for (Vma a : overlapping(start, end)) {
        areas.remove(a.start());
        if (a.start() < start) {
          areas.put(a.start(), a.withRange(a.start(), start));
        }
        if (a.end() > end) {
          areas.put(end, a.withRange(end, a.end()));
        }
      }
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
      int refs = refsOf(PageTable.frameOf(e));
      if (refs <= 0) {
        fail("page 0x" + Long.toHexString(page) + " maps a free frame");
      }
      if ((prot & Prot.W) != 0 && refs > 1 && !a.shared()) {
        fail("private page 0x" + Long.toHexString(page) + " is writable on a frame held " + refs);
      }
      SharedCopies sc = a.file() == null ? null : a.file().pages().remote();
      long index = a.file() == null ? 0 : indexOf(a, page);
      if (sc != null
          && !sc.mapsFrames()
          && sc.get(index) != null
          && PageTable.frameOf(e) == a.file().pages().residentFrame(index)) {
        // SINGLE_WRITER for a shared object's page, home's side.
        if (sc.get(index).writer()) {
          fail("page 0x" + Long.toHexString(page) + " maps an object page written elsewhere");
        }
        if ((prot & Prot.W) != 0) {
          fail("page 0x" + Long.toHexString(page) + " is writable but read elsewhere");
        }
      }
    }
    // The page directory against this space's own page map (SINGLE_WRITER, home's side): a page
    // another kernel writes is not here; a page others read is here, read-only.
    for (Map.Entry<Long, Copies> e : lent.entrySet()) {
      long page = e.getKey() << SHIFT;
      long entry = pages.get(e.getKey());
      if (windows != null) {
        // Share mode: other kernels map home's frame, which lies in a window.
        if (entry == PageTable.ABSENT || windowOf(PageTable.frameOf(entry)) == null) {
          fail(
              "page 0x" + Long.toHexString(page) + " is mapped elsewhere but not in a window here");
        }
        continue;
      }
      if (e.getValue().writer() && entry != PageTable.ABSENT) {
        fail("page 0x" + Long.toHexString(page) + " is here and written on another kernel");
      }
      if (!e.getValue().writer()
          && (entry == PageTable.ABSENT || (PageTable.protOf(entry) & Prot.W) != 0)) {
        fail(
            "page 0x"
                + Long.toHexString(page)
                + " has readers elsewhere but is not read-only here");
      }
    }
  }

  private static void fail(String what) {
    throw new IllegalStateException(what);
  }

  /**
   * The image of this space for a fork on another kernel: every area (as a running copy caches it:
   * no backing object, the object's pages copied), the heap's bounds and break, and the contents of
   * every page that is not zeros on demand. File pages never touched are read in first (private
   * copies here: this space is the fork's throwaway copy). Shared areas have no image: the caller
   * refuses them first.
   */
  public ForkImage forkImage() {
    for (Vma a : areas.values()) {
      if (a.file() == null || a.shared()) {
        continue;
      }
      for (long v = a.start(); v < a.end(); v += MemoryLayout.PAGE_SIZE) {
        try {
          populate(v);
        } catch (RuntimeException e) {
          break; // past the object's end: a fault there is SIGBUS, as zeros on demand would not be
        }
      }
    }
    List<Vma> out = new ArrayList<>();
    for (Vma a : areas.values()) {
      out.add(new Vma(a.start(), a.end(), a.prot(), a.kind(), null, 0, false, a.name()));
    }
    List<PageCopy> copies = new ArrayList<>();
    for (long vpn : pages.keysInRange(0, MemoryLayout.USER_TOP >>> SHIFT)) {
      long frame = PageTable.frameOf(pages.get(vpn));
      copies.add(new PageCopy(vpn << SHIFT, view.frameForRead(frame).clone()));
    }
    return new ForkImage(out, heapStart, heapLimit, brk, copies);
  }

  /** What {@link #forkImage} gives: areas, heap start, limit and break, and page contents. */
  public record ForkImage(
      List<Vma> areas, long heapStart, long heapLimit, long brk, List<PageCopy> pages) {}

  /**
   * Starts this (new, empty) space as a fork's image from another kernel: its areas and heap; the
   * pages follow with {@link #installPage}.
   */
  public void restoreImage(List<Vma> image, long heapStart, long heapLimit, long brk) {
    if (!areas.isEmpty() || pages.size() != 0 || pager != null) {
      throw new IllegalStateException("an image goes into an empty space");
    }
    for (Vma a : image) {
      checkRange(a.start(), a.length());
      insert(a.withProt(Prot.normalize(a.prot())));
    }
    this.heapStart = heapStart;
    this.heapLimit = heapLimit;
    this.brk = brk;
  }

  /**
   * On a running copy: the contents of the page at vaddr when this kernel holds it in its own frame
   * (a copy of home's page), or null when it is absent or (share mode) home's frame.
   */
  public byte[] heldContents(long vaddr) {
    long e = pages.get(vaddr >>> SHIFT);
    if (e == PageTable.ABSENT || foreign) {
      return null;
    }
    return view.frameForRead(PageTable.frameOf(e)).clone();
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
