package dev.popcornj.kernel.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * At the home of a shared memory object (a file's pages, shared anonymous memory): the copies of
 * its pages that threads on other kernels hold (replicate mode), or their mappings of its frames
 * (share mode), page by page. It is the page directory of a shared mapping, kept with the object
 * rather than with one address space, because every process that maps the object (at home or
 * elsewhere) must see one set of contents.
 *
 * <p>A copy lives in the running copy of one process on another kernel, at one address ({@link
 * Site}). A page has one writer (home then maps it nowhere) or readers (home maps it read-only
 * everywhere). Home's own accesses (a fault in any process that maps the object, read(2), write(2),
 * truncation, write-back) first take back the copies in their way ({@link #before}).
 *
 * <p>Owned by the kernel that holds the object; used only on its simulation thread.
 */
public final class SharedCopies {
  /** One copy elsewhere: in the running copy of process pid on kernel, at page address vaddr. */
  public record Site(int kernel, int pid, long vaddr) {}

  /** The copies of one page: one writer, or readers. */
  public record Holders(List<Site> sites, boolean writer) {
    public Holders {
      sites = List.copyOf(sites);
    }

    public boolean has(Site s) {
      return sites.contains(s);
    }
  }

  /**
   * How home takes copies back: the migration service, which messages the kernels that hold them.
   */
  public interface Recaller {
    /**
     * Takes back the copies of page index of cache that stand in the way of home's access: the
     * writer's (any access: its contents come back; a read leaves it a reader) and, for a write
     * that changes the object, the readers'. Blocks the calling task until they are back; without a
     * task to block, returns false (the copies are then forgotten).
     */
    boolean recallShared(PageCache cache, long index, boolean changes);

    /** Share mode: kernel maps page index of cache no more (no site there holds it). */
    default void siteGone(PageCache cache, long index, int kernel) {}
  }

  private final TreeMap<Long, Holders> held = new TreeMap<>();
  // Pages being taken back, with how many takings are under way (a page request's, an area
  // change's): no copy of them is given meanwhile.
  private final Map<Long, Integer> transit = new java.util.HashMap<>();
  private Recaller recaller;
  // Share mode: the sites map the object's own frame (granted to their kernels), so the hardware
  // keeps the page coherent; only freeing the frame needs them gone.
  private boolean frames;
  private final PageCache cache;

  SharedCopies(PageCache cache, Recaller recaller) {
    this.cache = cache;
    this.recaller = recaller;
  }

  /** Share mode: the sites map the object's frames themselves. */
  void useFrames() {
    frames = true;
  }

  /** True in share mode: other kernels map the object's frames rather than hold copies. */
  public boolean mapsFrames() {
    return frames;
  }

  void setRecaller(Recaller r) {
    if (r != null) {
      recaller = r;
    }
  }

  /** The copies of page index, or null. */
  public Holders get(long index) {
    return held.get(index);
  }

  /** Every page with copies elsewhere, by page index, in order. */
  public Map<Long, Holders> all() {
    return new TreeMap<>(held);
  }

  public boolean isEmpty() {
    return held.isEmpty();
  }

  /**
   * True when copies of page index stand in the way of an access at home: a writer always; readers
   * when the access changes the object's contents.
   */
  public boolean inTheWay(long index, boolean changes) {
    Holders h = held.get(index);
    return !frames && h != null && (h.writer() || changes);
  }

  /** True when other kernels read copies of page index: home maps it read-only meanwhile. */
  public boolean hasReaders(long index) {
    Holders h = held.get(index);
    return !frames && h != null && !h.writer();
  }

  /** True while copies of page index are being taken back: no new copy is given meanwhile. */
  public boolean inTransit(long index) {
    return transit.containsKey(index);
  }

  /** One more taking back of page index begins (on) or one ends (off). */
  public void setInTransit(long index, boolean on) {
    if (on) {
      transit.merge(index, 1, Integer::sum);
    } else {
      transit.computeIfPresent(index, (k, n) -> n == 1 ? null : n - 1);
    }
  }

  void addReader(long index, Site s) {
    Holders h = held.get(index);
    List<Site> sites = new ArrayList<>(h == null ? List.of() : h.sites());
    if (!sites.contains(s)) {
      sites.add(s);
    }
    held.put(index, new Holders(sites, false));
  }

  void setWriter(long index, Site s) {
    held.put(index, new Holders(List.of(s), true));
  }

  /** Site no longer holds page index. */
  void remove(long index, Site s) {
    Holders h = held.get(index);
    if (h == null || !h.has(s)) {
      return;
    }
    List<Site> rest = new ArrayList<>(h.sites());
    rest.remove(s);
    if (rest.isEmpty()) {
      held.remove(index);
    } else {
      held.put(index, new Holders(rest, h.writer()));
    }
    if (frames && recaller != null && rest.stream().noneMatch(o -> o.kernel() == s.kernel())) {
      recaller.siteGone(cache, index, s.kernel());
    }
  }

  /**
   * What site answered when asked for page index back: a writer's contents (written into the
   * object's frame), and whether it keeps a read-only copy (keepsReadCopy, a writer that sent its
   * contents or a reader asked only to stop writing). Anything else: its copy is gone.
   */
  public void answered(
      PageCache cache, long index, Site s, byte[] contents, boolean keepsReadCopy) {
    Holders h = held.get(index);
    if (h == null || !h.has(s)) {
      return; // not its (any more): what it sends is stale
    }
    if (h.writer()) {
      if (contents != null && (index << MemoryLayout.PAGE_SHIFT) < cache.size()) {
        cache.restore(index, contents);
      }
      if (keepsReadCopy && contents != null) {
        held.put(index, new Holders(List.of(s), false));
      } else {
        remove(index, s);
      }
    } else if (!keepsReadCopy) {
      remove(index, s);
    }
  }

  /**
   * Forgets the copies of process pid on kernel (every kernel with kernel -1; every pid with -1).
   */
  public void forget(int kernel, int pid) {
    forgetIn(kernel, pid, 0, -1L >>> 1);
  }

  /**
   * Forgets the copies of process pid on kernel at addresses in [start, end); with keepReaders, the
   * readers' stay (a writer asked to share answered).
   */
  public void forgetIn(int kernel, int pid, long start, long end) {
    forgetIn(kernel, pid, start, end, false);
  }

  void forgetIn(int kernel, int pid, long start, long end, boolean keepReaders) {
    for (Long index : List.copyOf(held.keySet())) {
      Holders h = held.get(index);
      if (keepReaders && !h.writer()) {
        continue;
      }
      for (Site s : h.sites()) {
        if ((kernel < 0 || s.kernel() == kernel)
            && (pid < 0 || s.pid() == pid)
            && s.vaddr() >= start
            && s.vaddr() < end) {
          remove(index, s);
        }
      }
    }
  }

  /**
   * Home is about to access page index of cache (changes: the access changes its contents): takes
   * back the copies in the way first, blocking the calling task.
   */
  void before(PageCache cache, long index, boolean changes) {
    before(cache, index, changes, false);
  }

  /**
   * As {@link #before(PageCache, long, boolean)}; with frees, the page's frame is about to be
   * freed: every site goes, whatever the mode.
   */
  void before(PageCache cache, long index, boolean changes, boolean frees) {
    while ((frees ? held.containsKey(index) : inTheWay(index, changes)) || inTransit(index)) {
      if (recaller == null || !recaller.recallShared(cache, index, changes)) {
        // Nothing can take them back: the copies are forgotten, as copies on a kernel that went
        // down are.
        Holders h = held.get(index);
        for (Site s : h == null ? List.<Site>of() : h.sites()) {
          remove(index, s);
        }
        transit.remove(index);
        return;
      }
    }
  }
}
