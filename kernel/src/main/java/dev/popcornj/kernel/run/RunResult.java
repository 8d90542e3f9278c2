package dev.popcornj.kernel.run;

import dev.popcornj.kernel.proc.ExitStatus;
import java.util.List;
import java.util.Map;

/**
 * How a run ended and what it cost: guest instructions, virtual time (instructions at the hart's
 * clock plus time asleep), system calls and page faults, all summed over the kernels of a
 * replicated run; the instructions each kernel's harts executed; and the counters the services
 * registered, each summed over the kernels. Host time is not here; it is the caller's to measure.
 *
 * @param instructionsByKernel guest instructions executed on each kernel's harts, by kernel id
 * @param counters by name, each summed over the kernels (see {@link #counter})
 */
public record RunResult(
    Outcome outcome,
    long instructions,
    long virtualPs,
    long syscalls,
    long pageFaults,
    List<Long> instructionsByKernel,
    Map<String, Long> counters) {

  public RunResult {
    instructionsByKernel = List.copyOf(instructionsByKernel);
    counters = Map.copyOf(counters);
  }

  /** A run of one kernel whose services registered no counters. */
  public RunResult(
      Outcome outcome, long instructions, long virtualPs, long syscalls, long pageFaults) {
    this(outcome, instructions, virtualPs, syscalls, pageFaults, List.of(instructions), Map.of());
  }

  /** The statistic some service registered under name, summed over the kernels; 0 when none did. */
  public long counter(String name) {
    return counters.getOrDefault(name, 0L);
  }

  /** Exit status when the instruction budget ran out, as timeout(1) uses. */
  public static final int STATUS_LIMIT = 124;

  /** Exit status when the kernel failed (EX_SOFTWARE). */
  public static final int STATUS_PANIC = 70;

  /** Why a run ended. */
  public sealed interface Outcome {}

  /** The program exited or was killed by a signal. */
  public record Finished(ExitStatus status) implements Outcome {}

  /** The instruction budget was used up before the program ended. */
  public record LimitReached(long budget) implements Outcome {}

  /** The kernel met a state it cannot handle (a bug in PopcornJ): the run was stopped. */
  public record Panicked(String reason) implements Outcome {}

  /** The status a shell should see: the program's, 128 + signal, or the two above. */
  public int exitStatus() {
    return switch (outcome) {
      case Finished f -> f.status().shellStatus();
      case LimitReached l -> STATUS_LIMIT;
      case Panicked p -> STATUS_PANIC;
    };
  }

  public double virtualSeconds() {
    return virtualPs / 1e12;
  }
}
