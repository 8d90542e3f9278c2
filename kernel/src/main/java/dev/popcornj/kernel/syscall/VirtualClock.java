package dev.popcornj.kernel.syscall;

/**
 * The virtual time a process sees through clock_gettime and friends: picoseconds since boot,
 * advanced by the instructions its hart runs and by the time it spends asleep.
 */
public interface VirtualClock {
  long nowPs();

  /** Lets ps of virtual time pass with the hart idle (nanosleep). */
  void idle(long ps);
}
