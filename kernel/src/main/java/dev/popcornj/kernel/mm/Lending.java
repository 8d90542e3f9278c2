package dev.popcornj.kernel.mm;

/**
 * The home side of an address space some of whose threads run on other kernels: its home (this
 * kernel) keeps the areas and a page directory, and lends pages to the other kernels, as read-only
 * copies to readers or with their ownership to a writer. When home itself needs pages back (its own
 * threads or a system call it serves touch them, or an area changes), it takes them back through
 * this.
 */
public interface Lending extends SharedCopies.Recaller {
  /** The process whose pages are lent. */
  int pid();

  /**
   * Takes back every page of [start, end) from the kernels that hold copies, and makes every kernel
   * that runs the process forget its copies of the areas overlapping the range (they change). With
   * keep, a writer's contents come back through {@link AddressSpace#returned}; without, they are
   * dropped (the range is being unmapped or discarded). Blocks the calling task until the holders
   * answer; when one cannot (it is down) its copies are forgotten.
   */
  void reclaim(long start, long end, boolean keep);

  /**
   * Home's own access to the page at page (a page address) needs copies elsewhere to go first: a
   * writer's (for any access; a read leaves it a read-only copy) or the readers' (for a write).
   * Blocks the calling task until the page directory no longer stands in the way.
   */
  void recall(long page, int access);
}
