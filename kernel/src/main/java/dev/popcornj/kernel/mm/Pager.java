package dev.popcornj.kernel.mm;

/**
 * Where an address space whose home is another kernel gets its areas and pages: the running copy of
 * a migrated process asks its origin, which holds the process's areas and, for each page, knows
 * which kernel owns it (Popcorn's remote VMA and remote page requests). Calls block the faulting
 * task until the origin answers.
 */
public interface Pager {
  /** The area containing vaddr as the origin has it (without its backing), or null when none. */
  Vma area(long vaddr);

  /**
   * Brings the page holding vaddr here for the given access: when it returns {@link
   * Fault#RESOLVED}, the page was installed with {@link AddressSpace#installPage} (it may have been
   * taken back again since); otherwise the fault the process gets.
   */
  Fault page(long vaddr, int access);
}
