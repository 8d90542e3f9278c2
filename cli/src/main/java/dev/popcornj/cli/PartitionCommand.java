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
import java.util.stream.Collectors;

/**
 * {@code popcorn partition}: splits a machine among N kernels as Popcorn's partition generator does
 * and prints the partitions and each kernel's boot command line.
 */
public final class PartitionCommand implements Command {
  int kernels;
  String machine;

  @Override
  public Cli.Spec spec() {
    return new Cli.Spec(
            "partition",
            "Split a machine among N kernel instances: harts, memory, devices, messaging window.",
            "Prints a table of the partitions, then one line 'kernel ID: CMDLINE' per kernel.",
            "The parameters are described in docs/boot-parameters.md.")
        .add(
            Cli.option("--kernels")
                .required()
                .label("N")
                .description("How many kernels, from 1 to the machine's hart count.")
                .value(Cli.INT, v -> kernels = v))
        .add(
            Cli.option("--machine")
                .label("PRESET|FILE")
                .byDefault("default")
                .description("A preset name or a machine file (default: {default}).")
                .value(Cli.STRING, v -> machine = v));
  }

  @Override
  public int call(Cli.Invocation invocation) throws MachineFileException {
    MachineDescription m = MachineFiles.load(machine);
    PartitionPlan plan;
    try {
      plan = PartitionPlanner.plan(m, kernels);
    } catch (BootException e) {
      throw new UserError("partition: " + e.getMessage());
    }
    PrintWriter out = invocation.out();
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
