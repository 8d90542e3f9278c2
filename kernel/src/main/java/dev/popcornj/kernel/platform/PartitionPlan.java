package dev.popcornj.kernel.platform;

import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.mem.Region;
import java.util.List;
import java.util.Objects;

/**
 * What {@link PartitionPlanner} produced for a machine: one shared messaging window and, per kernel
 * in id order, its partition and the command line that asks for exactly that partition.
 *
 * @param messageWindow the window every kernel reserves and none uses as memory
 * @param kernels indexed by kernel id, the primary first
 */
public record PartitionPlan(
    MachineDescription machine, Region messageWindow, List<Kernel> kernels) {
  public PartitionPlan {
    Objects.requireNonNull(machine, "machine");
    Objects.requireNonNull(messageWindow, "messageWindow");
    kernels = List.copyOf(kernels);
  }

  /**
   * One planned kernel.
   *
   * @param node the NUMA node its harts (most of them, if they must span nodes) and memory are in
   * @param cmdline its full boot command line: the machine's words, then its partition's
   */
  public record Kernel(Partition partition, int node, String cmdline) {
    public Kernel {
      Objects.requireNonNull(partition, "partition");
      Objects.requireNonNull(cmdline, "cmdline");
    }
  }
}
