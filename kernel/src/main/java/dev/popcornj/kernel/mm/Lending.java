package dev.popcornj.kernel.mm;

/**
 * The kernel side of an address space whose process runs on another kernel for now: its home (this
 * kernel) keeps the areas and a page directory, and lends pages to the running copy with their
 * ownership. When the home itself needs pages back (a system call it serves touches them, or an
 * area changes), it reclaims them.
 */
public interface Lending {
  /**
   * Takes back every page of [start, end) from the kernel that holds it, and makes that kernel
   * forget its copies of the areas overlapping the range. With keep, each page's contents come back
   * through {@link AddressSpace#acceptPage}; without, they are dropped (the range is being unmapped
   * or discarded). Blocks the calling task until the holder answers; when it cannot answer (it is
   * down) the pages are lost and the directory forgets them.
   */
  void reclaim(long start, long end, boolean keep);
}
