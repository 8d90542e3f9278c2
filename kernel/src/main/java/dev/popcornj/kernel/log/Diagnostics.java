package dev.popcornj.kernel.log;

/**
 * Where the kernel reports things the user should know about a run but the guest must not see (an
 * unimplemented system call, a signal handler that was not run): one line each, without the
 * "popcorn: " prefix, which the receiver adds.
 */
@FunctionalInterface
public interface Diagnostics {
  void report(String line);
}
