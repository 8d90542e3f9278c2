package dev.popcornj.kernel.boot;

import dev.popcornj.kernel.proc.Registers;
import dev.popcornj.kernel.proc.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a kernel prints when it panics, after Linux's oops on riscv: the reason, the task that was
 * running (its CPU, pid and name), its registers as they were at its last trap (epc, ra, sp and the
 * rest, three to a line), and, when the panic is a bug in PopcornJ itself, the Java stack of the
 * kernel code that failed. A user reporting a bug hands over these lines.
 */
final class PanicReport {
  /** Java frames kept of a kernel bug's stack: enough to find it, not a screenful of runtime. */
  static final int MAX_FRAMES = 24;

  private static final List<String> ABI_NAMES =
      List.of(
          "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3",
          "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
          "t3", "t4", "t5", "t6");

  private PanicReport() {}

  /**
   * The lines of the report.
   *
   * @param task the task that was running, or null (a panic in interrupt context)
   * @param cpu the CPU it ran on, or -1
   * @param cause the Java exception of a kernel bug, or null for a panic the kernel chose
   */
  static List<String> lines(String reason, Task task, int cpu, Throwable cause) {
    List<String> out = new ArrayList<>();
    out.add("Kernel panic - not syncing: " + reason);
    if (task != null) {
      out.add(
          "CPU: "
              + (cpu < 0 ? "?" : Integer.toString(cpu))
              + " PID: "
              + task.tid()
              + " Comm: "
              + task.process().comm());
      Registers r = task.regs();
      out.add(
          String.format(Locale.ROOT, "epc : %016x ra : %016x sp : %016x", r.pc(), r.x(1), r.x(2)));
      for (int i = 3; i < 32; i += 3) {
        StringBuilder line = new StringBuilder();
        for (int j = i; j < Math.min(i + 3, 32); j++) {
          line.append(line.length() == 0 ? "" : " ")
              .append(String.format(Locale.ROOT, "%-3s : %016x", ABI_NAMES.get(j), r.x(j)));
        }
        out.add(line.toString().replace("  :", " :"));
      }
    }
    if (cause != null) {
      out.add("PopcornJ bug: " + cause);
      StackTraceElement[] frames = cause.getStackTrace();
      for (int i = 0; i < Math.min(frames.length, MAX_FRAMES); i++) {
        out.add("  at " + frames[i]);
      }
      if (frames.length > MAX_FRAMES) {
        out.add("  ... " + (frames.length - MAX_FRAMES) + " more");
      }
      for (Throwable c = cause.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
        out.add("Caused by: " + c);
      }
    }
    out.add("---[ end Kernel panic - not syncing: " + reason + " ]---");
    return out;
  }
}
