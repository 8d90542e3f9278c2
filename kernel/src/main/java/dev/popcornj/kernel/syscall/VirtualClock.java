package dev.popcornj.kernel.syscall;

/**
 * The virtual time a process sees through clock_gettime and friends: picoseconds since boot,
 * advanced by the instructions its hart runs and by the time it spends asleep.
 */
public interface VirtualClock {
  long nowPs();

  /** The realtime clock at boot, in seconds since 1970 (boot parameter popcorn_epoch). */
  long epochSeconds();

  /**
   * Sleeps for ps of virtual time (nanosleep); returns 0 when slept out, or the time left when a
   * signal cut the sleep short.
   */
  long sleep(long ps);

  /** CPU time of the calling thread, its slice now included (CLOCK_THREAD_CPUTIME_ID). */
  long threadCpuPs();

  /** CPU time of the calling thread group (CLOCK_PROCESS_CPUTIME_ID, RUSAGE_SELF). */
  long processCpuPs();

  /** CPU time of the group's reaped children and theirs (RUSAGE_CHILDREN, times' cutime). */
  long childrenCpuPs();
}
