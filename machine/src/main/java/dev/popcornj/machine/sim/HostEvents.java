package dev.popcornj.machine.sim;

/**
 * Input from the host that arrives while the machine runs (a signal sent to the popcorn process):
 * the simulation asks at the start of every round, and whatever has arrived enters the model then,
 * at that round's virtual time. Host input is the one thing whose moment a run cannot replay by
 * itself; everything after it follows deterministically.
 */
@FunctionalInterface
public interface HostEvents {
  /** Hands over what arrived since the last call, as of virtual time nowPs. */
  void poll(long nowPs);

  /**
   * True when a {@link #poll} now might hand something over. A round with nothing to hand over may
   * go without its poll ({@link Simulation#continueAlone}); by default it never does.
   */
  default boolean pending() {
    return true;
  }
}
