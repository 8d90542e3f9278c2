package dev.popcornj.machine.sim;

/**
 * Virtual time and the event queue, without the rest of the run loop: what kernel code may use to
 * read the clock and schedule work. {@link Simulation} is one.
 */
public interface EventTime {
  /** The current virtual time in picoseconds. */
  long now();

  /** The queue of timed events, ordered as {@link Simulation} documents. */
  EventQueue events();

  /**
   * Asked by the driver of the hart the current round is running, when that hart has reached the
   * round's boundary: whether it may go on at once into the next round instead of returning, and to
   * which boundary (see {@link Simulation#continueAlone}); -1 when it must return. The caller first
   * does everything it would do between returning and being run again.
   */
  default long continueAlone() {
    return -1;
  }
}
