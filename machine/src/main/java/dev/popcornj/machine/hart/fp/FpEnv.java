package dev.popcornj.machine.hart.fp;

/** The accrued floating-point exception flags of one hart, which {@link Fp} operations OR into. */
public final class FpEnv {
  public int flags;
}
