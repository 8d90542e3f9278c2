package dev.popcornj.kernel.proc;

/**
 * One CPU as the single system image numbers it: its global number is the machine's hart id,
 * whichever kernel runs on it.
 *
 * @param id the global CPU number (the hart id), what sched_getcpu and /proc/cpuinfo show
 * @param kernel the kernel that owns the hart
 * @param isa the hart's ISA string, as /proc/cpuinfo shows it
 */
public record GlobalCpu(int id, int kernel, String isa) {
  public GlobalCpu {
    if (id < 0 || kernel < 0) {
      throw new IllegalArgumentException("cpu " + id + " of kernel " + kernel);
    }
    java.util.Objects.requireNonNull(isa, "isa");
  }
}
