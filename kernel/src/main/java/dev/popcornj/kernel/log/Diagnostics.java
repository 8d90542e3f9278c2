package dev.popcornj.kernel.log;

/**
 * Where the kernel reports things the user should know about a run but the guest must not see (an
 * unimplemented system call, a signal handler that was not run): one line each, without the
 * "popcorn: " prefix, which the receiver adds.
 */
@FunctionalInterface
public interface Diagnostics {
  void report(String line);

  /**
   * A system call the kernel does not implement (it returned ENOSYS): reported once per call. A run
   * reports these only when asked (`popcorn run -d unimp`, as qemu's), so that they never mix with
   * the program's own error output.
   */
  default void unimplemented(String line) {
    report(line);
  }

  /** These diagnostics with every line prefixed (such as "kernel 2: "), of both kinds. */
  default Diagnostics prefixed(String prefix) {
    Diagnostics to = this;
    return new Diagnostics() {
      @Override
      public void report(String line) {
        to.report(prefix + line);
      }

      @Override
      public void unimplemented(String line) {
        to.unimplemented(prefix + line);
      }
    };
  }
}
