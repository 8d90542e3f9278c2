package dev.popcornj.kernel.msg;

/** Virtual time, in picoseconds, of the kernel code that is running now. */
@FunctionalInterface
public interface Clock {
  long nowPs();
}
