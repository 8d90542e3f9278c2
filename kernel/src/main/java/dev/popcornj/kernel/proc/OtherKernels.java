package dev.popcornj.kernel.proc;

import dev.popcornj.kernel.abi.Errno;
import java.util.List;

/**
 * What the other kernels that are up show of themselves, so that this one can show one system:
 * their CPUs, what they report of their memory, CPU time and processes, the /proc files of their
 * processes, and signals to those. The single-system-image service implements it over messages; a
 * kernel alone uses {@link #none()}, which shows nothing and knows no other process.
 *
 * <p>The calls marked as asking may sleep on the calling task's kernel stack until the other
 * kernels answer; outside a task (an event, an interrupt) they answer without asking. A kernel that
 * goes down while asked drops out of the answer. They throw {@link ErrnoException} with ERESTARTSYS
 * when a signal interrupts the wait.
 */
public interface OtherKernels {
  /** The CPUs of the other kernels that are up, by global number; never asks. */
  List<GlobalCpu> cpus();

  /** Asks every other kernel that is up for its {@link Census}, in kernel order. */
  List<Census> census();

  /**
   * Asks the origin of pid for /proc/PID/name of that process (name is one of the process files, or
   * "exe" and "cwd" for the targets of those links); null when there is no such process or file, or
   * its origin is not up.
   */
  String processFile(int pid, String name);

  /**
   * Asks the origin of the signal's target to send it: the call's result, 0 or -errno (-ESRCH when
   * the target or its origin is gone).
   */
  long signal(RemoteSignal signal);

  /** A kernel alone: no other CPU, process or file, and every other pid is gone. */
  static OtherKernels none() {
    return new OtherKernels() {
      @Override
      public List<GlobalCpu> cpus() {
        return List.of();
      }

      @Override
      public List<Census> census() {
        return List.of();
      }

      @Override
      public String processFile(int pid, String name) {
        return null;
      }

      @Override
      public long signal(RemoteSignal signal) {
        return -Errno.ESRCH;
      }
    };
  }
}
