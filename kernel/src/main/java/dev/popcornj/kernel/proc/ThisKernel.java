package dev.popcornj.kernel.proc;

import java.util.List;

/**
 * What this kernel answers the others about itself: the counterpart of {@link OtherKernels}, which
 * the single-system-image service serves their requests from. The kernel's composition root
 * implements it over its process table, /proc and signals.
 */
public interface ThisKernel {
  /** Its CPUs, by global number. */
  List<GlobalCpu> cpus();

  /** Its memory in bytes. */
  long memoryBytes();

  /** What it reports of itself now; the pids are those whose origin it is. */
  Census census();

  /**
   * /proc/PID/name of one of its processes ("exe" and "cwd": the links' targets); null when it has
   * no such process or file.
   */
  String processFile(int pid, String name);

  /** Sends a signal another kernel forwarded to one of its processes or threads: 0 or -errno. */
  long signal(RemoteSignal signal);
}
