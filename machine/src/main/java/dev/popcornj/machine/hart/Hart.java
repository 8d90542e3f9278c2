package dev.popcornj.machine.hart;

import dev.popcornj.machine.mem.MemoryView;

/**
 * One RV64GC hart at user level: architectural state, a software TLB, a per-page cache of decoded
 * instructions, and an execute loop that runs until a trap or the end of its budget.
 *
 * <p>Owned by the kernel instance whose partition contains it; the kernel binds its address space
 * and memory view and handles every trap the hart hands back. Only the simulation thread touches
 * it.
 */
public final class Hart {
  /** Why {@link #run(long)} returned. */
  public enum Stop {
    /** The instruction budget is used up; the hart can simply run again. */
    BUDGET,
    /**
     * A trap was raised; {@link #trap()} describes it and pc points at the trapping instruction.
     */
    TRAP,
    /** {@link #requestStop()} was called (for instance from a device or an IPI) */
    REQUESTED
  }

  private final int id;
  private final Isa isa;
  private final long clockHz;

  /** x[0] is always 0. */
  final long[] x = new long[32];

  /** Raw 64-bit contents of f0..f31; singles are NaN-boxed. */
  final long[] f = new long[32];

  long pc;
  long instret;
  Trap trap;

  public Hart(int id, Isa isa, long clockHz) {
    this.id = id;
    this.isa = isa;
    this.clockHz = clockHz;
  }

  public int id() {
    return id;
  }

  public Isa isa() {
    return isa;
  }

  public long clockHz() {
    return clockHz;
  }

  /** Installs the owning kernel's translation and memory view and empties the TLB. */
  public void bind(AddressTranslator translator, MemoryView view) {
    throw new UnsupportedOperationException("hart execution not built yet");
  }

  /** Forgets every cached translation. */
  public void flushTlb() {
    throw new UnsupportedOperationException("hart execution not built yet");
  }

  /** Forgets cached translations of the page holding vaddr. */
  public void flushTlbPage(long vaddr) {
    throw new UnsupportedOperationException("hart execution not built yet");
  }

  /**
   * Executes at most maxInstructions instructions. Returns {@link Stop#TRAP} with {@link #trap()}
   * set and pc at the trapping instruction when one traps (ecall included: the kernel advances pc
   * past it after handling).
   */
  public Stop run(long maxInstructions) {
    throw new UnsupportedOperationException("hart execution not built yet");
  }

  /** Makes the current or next {@link #run(long)} return {@link Stop#REQUESTED} soon. */
  public void requestStop() {
    throw new UnsupportedOperationException("hart execution not built yet");
  }

  public Trap trap() {
    return trap;
  }

  public long pc() {
    return pc;
  }

  public void setPc(long pc) {
    this.pc = pc;
  }

  public long x(int i) {
    return x[i];
  }

  public void setX(int i, long v) {
    if (i != 0) {
      x[i] = v;
    }
  }

  public long f(int i) {
    return f[i];
  }

  public void setF(int i, long raw) {
    f[i] = raw;
  }

  /** Instructions retired since reset. */
  public long instret() {
    return instret;
  }
}
