package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.abi.Errno;

/**
 * What sched_setaffinity does with a mask that holds no CPU of this kernel but CPUs of another
 * kernel that is up: move the task there, as Popcorn's first generation migrates a thread pinned to
 * another kernel's CPU. The migration service installs it; without one such a mask is refused with
 * EINVAL, as Linux refuses a mask of no usable CPU.
 */
@FunctionalInterface
public interface AffinityMigration {
  /**
   * Moves task t to kernel, to run on its CPU cpu (a global number, the first of the mask's CPUs
   * that kernel owns). t's {@link Task#cpuSet()} already holds the new mask (the global CPUs it may
   * run on), which the move carries along; on failure the caller puts the old one back. Called on
   * the kernel stack of the task that made the call (t itself, or another task of this kernel).
   *
   * @return 0 once t runs there (or will, when it is not the caller), or -errno
   */
  long moveForAffinity(Task t, int kernel, int cpu);

  /** No migration: every such mask is refused with EINVAL. */
  static AffinityMigration refuse() {
    return (t, kernel, cpu) -> -Errno.EINVAL;
  }
}
