package dev.popcornj.machine.mem;

/**
 * Watches which frames each accessor reaches through its {@link MemoryView}: how a whole-machine
 * test checks that every kernel stayed inside its partition and the shared windows, independently
 * of the grants the views enforce. Called once per frame lookup (a hart's TLB fill, a kernel's
 * typed access), on the simulation thread.
 */
@FunctionalInterface
public interface MemoryAudit {
  /** accessor reached the frame holding paddr (granted, or about to be refused). */
  void reached(String accessor, long paddr);
}
