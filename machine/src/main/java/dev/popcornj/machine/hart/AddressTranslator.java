package dev.popcornj.machine.hart;

/**
 * Translates a hart's virtual addresses to physical ones; implemented by the kernel that owns the
 * hart from its own page tables. The hart caches answers in its software TLB, so the kernel must
 * call {@link Hart#flushTlb()} (or {@link Hart#flushTlbPage(long)}) whenever a translation it gave
 * may have changed.
 */
public interface AddressTranslator {
  int READ = 0;
  int WRITE = 1;
  int EXECUTE = 2;

  /** Returned when vaddr has no mapping that allows the access: the hart raises a page fault. */
  long NO_MAPPING = -1;

  /**
   * The physical address of vaddr for the given access (READ, WRITE or EXECUTE), or {@link
   * #NO_MAPPING}. Must not change any hart state.
   */
  long translate(long vaddr, int access);
}
