package dev.popcornj.machine.sim;

/**
 * What runs on one hart for a slice of virtual time: the CPU loop of the kernel that owns the hart,
 * or a test double. Drivers are called by the {@link Simulation} only, one at a time.
 */
public interface HartDriver {
  /**
   * Runs the hart from its local time until at least limitPs (it may overshoot by less than one
   * instruction's time), or until it has nothing to do. A driver with nothing to do reports {@link
   * #idle()} and the simulation moves its clock on.
   */
  void runSlice(long limitPs);

  /** True when the hart waits for an interrupt and would do nothing in a slice. */
  boolean idle();

  /** Instructions this hart has retired since reset, for the instruction limit and statistics. */
  long instructionsRetired();
}
