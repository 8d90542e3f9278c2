package dev.popcornj.kernel.platform;

/**
 * A kernel's own parameters, the words of its command line that are not its partition's ({@link
 * PartitionParams}): read and checked in one place, by the kernel as it boots and by kexec before
 * it loads a secondary, so a value the kernel cannot use is refused before anything is built.
 *
 * @param sliceUs {@code sched_slice_us=}, the scheduler's time slice in microseconds
 * @param consoleKernel {@code popcorn_console=}, the kernel whose console the primary's UART shows
 *     from the start; 0 (the primary's own) when absent
 */
public record KernelParams(long sliceUs, int consoleKernel) {
  public static final long DEFAULT_SLICE_US = 3000;

  /** The longest time slice accepted: one second. */
  public static final long MAX_SLICE_US = 1_000_000;

  /**
   * @throws BootException with one line naming the parameter and the values it takes
   */
  public static KernelParams from(BootParams params) {
    long slice = params.number("sched_slice_us", DEFAULT_SLICE_US);
    if (slice < 1 || slice > MAX_SLICE_US) {
      throw new BootException(
          "sched_slice_us="
              + slice
              + ": expected a time slice from 1 to "
              + MAX_SLICE_US
              + " microseconds");
    }
    long console = params.number("popcorn_console", 0);
    if (console < 0 || console > PartitionParams.MAX_ID) {
      throw new BootException(
          "popcorn_console="
              + console
              + ": expected a kernel id, a whole number from 0 to "
              + PartitionParams.MAX_ID);
    }
    return new KernelParams(slice, (int) console);
  }
}
