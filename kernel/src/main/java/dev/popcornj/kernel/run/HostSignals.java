package dev.popcornj.kernel.run;

/**
 * Signals the popcorn process received from the host (Ctrl-C in a terminal, `timeout`, `kill`), for
 * the guest: `popcorn run` passes them on to the program as qemu-riscv64 does. Implemented on the
 * host side, where signals arrive on threads of their own; the runner takes them between rounds of
 * the simulation, so they enter the model at a round's virtual time.
 */
public interface HostSignals {
  /** A signal that arrived and was not yet taken, or 0. */
  int poll();

  /** True when a signal arrived and was not yet taken: {@link #poll} would give one. */
  boolean pending();

  /**
   * Waits until a signal arrives and takes it; 0 at once when none can ever arrive. The runner
   * waits here only when nothing in the guest can run without one (every task sleeps).
   */
  int await();

  /** No signal ever arrives (tests, and runs inside another program). */
  static HostSignals none() {
    return new HostSignals() {
      @Override
      public int poll() {
        return 0;
      }

      @Override
      public boolean pending() {
        return false;
      }

      @Override
      public int await() {
        return 0;
      }
    };
  }
}
