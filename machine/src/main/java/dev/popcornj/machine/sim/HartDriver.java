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

  /**
   * Offers the driver a way to say that it may have work again. A driver that takes it (returns
   * true) promises to call wake whenever {@link #idle()} may have turned false (work queued for it,
   * its CPU brought up); the simulation then parks it once it reports idle and neither asks nor
   * runs it until wake is called, so an idle hart costs nothing per round. A driver that declines
   * (the default) is asked every round.
   */
  default boolean acceptWaker(Runnable wake) {
    return false;
  }

  /** Instructions this hart has retired since reset, for the instruction limit and statistics. */
  long instructionsRetired();
}
