package dev.popcornj.machine.trace;

/**
 * Where the model reports what happened, in virtual time: interrupts, IPIs, and later messages,
 * migrations and page transfers. A process is a kernel instance (or the machine itself, -1), a
 * thread a hart. Implementations must not reorder or drop events, so that a trace is a
 * deterministic function of the run.
 */
public interface Trace {
  /** A point event on a hart. */
  void instant(String category, String name, int process, int thread, long timePs, String args);

  /** A span of virtual time on a hart. */
  void span(
      String category,
      String name,
      int process,
      int thread,
      long startPs,
      long durationPs,
      String args);

  /**
   * An arrow from one hart to another, such as an IPI from sender to receiver; id pairs the two
   * ends.
   */
  void flow(
      String category,
      String name,
      long id,
      int fromProcess,
      int fromThread,
      long fromPs,
      int toProcess,
      int toThread,
      long toPs);

  /** Names a process (kernel) for viewers. */
  void nameProcess(int process, String name);

  /** True when events are recorded: callers may skip building arguments otherwise. */
  boolean enabled();

  /** A trace that records nothing. */
  static Trace off() {
    return new Trace() {
      @Override
      public void instant(String c, String n, int p, int t, long ps, String a) {}

      @Override
      public void span(String c, String n, int p, int t, long s, long d, String a) {}

      @Override
      public void flow(
          String c, String n, long id, int fp, int ft, long fps, int tp, int tt, long tps) {}

      @Override
      public void nameProcess(int process, String name) {}

      @Override
      public boolean enabled() {
        return false;
      }
    };
  }
}
