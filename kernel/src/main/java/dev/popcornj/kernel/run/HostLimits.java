package dev.popcornj.kernel.run;

/**
 * What the host heap can back, worked out on the host side and handed to a kernel as boot
 * parameters ({@code threads_max=} and {@code frames_max=}), so that a guest that asks for too much
 * is refused inside the guest (fork's EAGAIN, the OOM killer) before the JVM runs out of heap, and
 * so that a run is reproducible from its parameters alone.
 *
 * <p>Of the heap, half stays with the simulator (machine, decoded code, kernels' own tables, the
 * collector's headroom); a quarter may back guest frames (4 KiB of host memory each once touched)
 * and a quarter the kernel-side structures of tasks (kernel stack, page table, task and process
 * records), counted at {@link #TASK_HOST_BYTES} each. A kernel gets the share of both that its
 * memory is of the machine's, so all kernels together stay within the heap; but frames for at least
 * {@link #FRAMES_FLOOR_BYTES} (or all of its memory, if less), so a small kernel of a large machine
 * can still hold its initramfs and run kexec. Many such small kernels under a small heap may
 * together exceed the quarter.
 *
 * @param threadsMax the most tasks the kernel may have at once
 * @param framesMax the most frames its page allocator may have in use at once
 */
public record HostLimits(long threadsMax, long framesMax) {
  /**
   * Host heap counted per task: about twice what a sleeping forked process measures (a 6 KiB
   * virtual-thread stack, a page table of a few hundred entries, its records), so a process with a
   * larger page table still fits.
   */
  public static final long TASK_HOST_BYTES = 32 << 10;

  static final long FRAME_BYTES = 4096;

  /** The guest memory every kernel may have backed whatever its share. */
  public static final long FRAMES_FLOOR_BYTES = 64L << 20;

  /** The limits for a kernel with kernelMemory bytes of a machine with machineMemory, on heap. */
  public static HostLimits forHeap(long heapBytes, long kernelMemory, long machineMemory) {
    if (heapBytes <= 0 || kernelMemory <= 0 || machineMemory < kernelMemory) {
      throw new IllegalArgumentException("heap and memory sizes must be positive");
    }
    double share = (double) kernelMemory / machineMemory;
    long quarter = (long) (heapBytes / 4 * share);
    return new HostLimits(
        Math.max(1, quarter / TASK_HOST_BYTES), Math.max(1, quarter / FRAME_BYTES));
  }

  /** The limits for a kernel of this JVM, whose heap is what {@code -Xmx} gave it. */
  public static HostLimits forThisHost(long kernelMemory, long machineMemory) {
    return forHeap(Runtime.getRuntime().maxMemory(), kernelMemory, machineMemory);
  }

  /**
   * These limits with room for bytes more of guest memory: what a kernel unpacks its initramfs into
   * (its files live in page-cache frames), which the heap holds already as the archive.
   */
  public HostLimits plusMemory(long bytes) {
    return new HostLimits(threadsMax, framesMax + (bytes + FRAME_BYTES - 1) / FRAME_BYTES);
  }

  /** The boot parameters that carry these limits. */
  public String bootWords() {
    return "threads_max=" + threadsMax + " frames_max=" + framesMax;
  }
}
