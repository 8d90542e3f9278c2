package dev.popcornj.machine.hart;

/**
 * A precise trap as handed to the kernel that owns the hart: the cause, the address of the
 * instruction that raised it (nothing after it has executed), and the trap value (the faulting
 * virtual address for access and page faults, the instruction bits for an illegal instruction, 0
 * otherwise).
 */
public record Trap(TrapCause cause, long pc, long tval) {
  @Override
  public String toString() {
    return cause + " at pc 0x" + Long.toHexString(pc) + " tval 0x" + Long.toHexString(tval);
  }
}
