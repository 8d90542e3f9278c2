package dev.popcornj.kernel.boot;

import dev.popcornj.kernel.fs.FileTable;
import dev.popcornj.kernel.proc.ProgramFiles;
import dev.popcornj.kernel.syscall.Diagnostics;
import dev.popcornj.machine.mem.Region;
import java.util.List;

/**
 * What a kernel instance is given by whoever starts it (the machine's firmware for the primary):
 * its id, boot command line, harts, memory partition, seed, where programs come from, what init is
 * and where init's standard streams go.
 *
 * @param hartIds the harts it owns, its CPUs in this order
 * @param memory its partition; frames come from the first region
 */
public record KernelConfig(
    int kernelId,
    String cmdline,
    List<Integer> hartIds,
    List<Region> memory,
    long seed,
    ProgramFiles programs,
    String initPath,
    String initArgv0,
    List<String> initArgs,
    List<String> initEnv,
    Stdio stdio,
    Diagnostics diagnostics) {
  /** The exit status of a run that ended in a kernel panic. */
  public static final int STATUS_PANIC = 70;

  public KernelConfig {
    hartIds = List.copyOf(hartIds);
    memory = List.copyOf(memory);
    initArgs = List.copyOf(initArgs);
    initEnv = List.copyOf(initEnv);
    if (hartIds.isEmpty() || memory.isEmpty()) {
      throw new IllegalArgumentException("a kernel needs at least one hart and one memory region");
    }
  }

  /** init's file descriptors 0, 1 and 2: the console terminal, or the host's streams. */
  public interface Stdio {
    void install(FileTable files);

    /** Pushes out whatever output is still buffered. */
    void flush();
  }
}
