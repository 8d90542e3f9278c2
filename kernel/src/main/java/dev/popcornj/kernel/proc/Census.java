package dev.popcornj.kernel.proc;

import java.util.List;

/**
 * What one kernel reports of itself when another asks: its memory, the time of each of its CPUs,
 * its tasks, and the processes it answers for (those it created: their pids' origin is it). /proc
 * on any kernel sums and lists these, as Popcorn's remote ps, cpuinfo and meminfo do.
 *
 * @param kernel the kernel reporting
 * @param memoryBytes its memory
 * @param freeBytes its memory not in use now
 * @param cpus the virtual time each of its CPUs spent running tasks and idle, by global number
 * @param running its tasks runnable now
 * @param tasks its tasks
 * @param pids the processes it answers for, ascending
 */
public record Census(
    int kernel,
    long memoryBytes,
    long freeBytes,
    List<CpuTime> cpus,
    int running,
    int tasks,
    List<Integer> pids) {
  public Census {
    cpus = List.copyOf(cpus);
    pids = List.copyOf(pids);
  }

  /** The time one CPU (global number cpu) spent running tasks and idle, in picoseconds. */
  public record CpuTime(int cpu, long busyPs, long idlePs) {}
}
