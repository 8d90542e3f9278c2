package dev.popcornj.cli;

import dev.popcornj.kernel.platform.BootException;
import dev.popcornj.kernel.platform.Partition;
import dev.popcornj.kernel.platform.PartitionParams;
import dev.popcornj.kernel.platform.PartitionPlan;
import dev.popcornj.kernel.platform.PartitionPlanner;
import dev.popcornj.machine.desc.CpuList;
import dev.popcornj.machine.desc.DeviceDescription;
import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.desc.MachineFileException;
import dev.popcornj.machine.desc.MachineFiles;
import dev.popcornj.machine.desc.Printable;
import dev.popcornj.machine.mem.Region;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code popcorn partition}: splits a machine among N kernels as Popcorn's partition generator does
 * and prints the partitions and each kernel's boot command line.
 */
@Command(
    name = "partition",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Split a machine among N kernel instances: harts, memory, devices, messaging window.",
      "Prints a table of the partitions, then one line 'kernel ID: CMDLINE' per kernel.",
      "The parameters are described in docs/boot-parameters.md."
    })
public final class PartitionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--kernels",
      required = true,
      paramLabel = "N",
      description = "How many kernels, from 1 to the machine's hart count.")
  int kernels;

  @Option(
      names = "--machine",
      paramLabel = "PRESET|FILE",
      defaultValue = "default",
      description = "A preset name or a machine file (default: ${DEFAULT-VALUE}).")
  String machine;

  @Override
  public Integer call() throws MachineFileException {
    MachineDescription m = MachineFiles.load(machine);
    PartitionPlan plan;
    try {
      plan = PartitionPlanner.plan(m, kernels);
    } catch (BootException e) {
      throw new UserError("partition: " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    Region w = plan.messageWindow();
    out.printf(
        "machine %s: %d harts, %d kernels, messaging window %s (%s)%n",
        Printable.escape(m.name()), m.harts().size(), kernels, w, PartitionParams.size(w.size()));
    String format = "%-4s %-10s %-5s %-36s %s%n";
    out.printf(format, "id", "harts", "node", "memory", "devices");
    for (PartitionPlan.Kernel k : plan.kernels()) {
      Partition p = k.partition();
      out.printf(
          format,
          p.kernelId(),
          CpuList.format(p.harts()),
          k.node(),
          p.memory().stream()
              .map(r -> r + " " + PartitionParams.size(r.size()))
              .collect(Collectors.joining(" ")),
          p.devices().isEmpty()
              ? "-"
              : p.devices().stream().map(DeviceDescription::id).collect(Collectors.joining(",")));
    }
    out.println();
    for (PartitionPlan.Kernel k : plan.kernels()) {
      out.println("kernel " + k.partition().kernelId() + ": " + k.cmdline());
    }
    out.flush();
    return 0;
  }
}
