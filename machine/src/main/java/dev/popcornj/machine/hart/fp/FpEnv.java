package dev.popcornj.machine.hart.fp;

/**
 * The accrued floating-point exception flags of one hart, in the fflags layout ({@link Fp#NX} is
 * bit 0 up to {@link Fp#NV} at bit 4); every {@link Fp} operation ORs the flags it raises into it.
 * Owned by the hart that executes the instructions; never shared.
 */
public final class FpEnv {
  public int flags;
}
