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
}
