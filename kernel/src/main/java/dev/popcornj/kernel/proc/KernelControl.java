package dev.popcornj.kernel.proc;

/**
 * What the process layer asks of the kernel instance it belongs to, beyond its own parts: deferred
 * kernel work, the end of init, and the kernel's invariant checks. The kernel's composition root
 * implements it; nothing here reaches the kernel's other parts.
 */
public interface KernelControl {
  /** This kernel's id within the machine (0 is the primary). */
  int kernelId();

  /**
   * Runs action as kernel code outside any task at virtual time atPs (or now, if that has passed);
   * an exception there panics this kernel only.
   */
  void at(long atPs, Runnable action);

  /**
   * init (or the program a run gives the kernel) ended with waitStatus: the kernel powers off,
   * halts or panics as its role says.
   */
  void initExited(int waitStatus);

  /** reboot(2) asked to power off (or halt, on a secondary). */
  void powerOff(int status);

  /** With debug_invariants, checks the kernel's invariants now; when names the moment. */
  void debugCheck(String when);
}
