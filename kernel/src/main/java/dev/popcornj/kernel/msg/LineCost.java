package dev.popcornj.kernel.msg;

/**
 * Implemented by the kernel from the machine's cost model: the virtual time a receiver waits for a
 * cache line that another kernel's sender wrote, which depends on the NUMA nodes of the two.
 */
@FunctionalInterface
public interface LineCost {
  /** Picoseconds for a line written by kernel fromKernel to reach a reader on toKernel. */
  long ps(int fromKernel, int toKernel);

  /** Lines cost nothing: the layer's own tests, which look at order and not at time. */
  static LineCost none() {
    return (from, to) -> 0;
  }
}
