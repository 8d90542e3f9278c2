package dev.popcornj.cli;

import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.desc.MachineFileException;
import dev.popcornj.machine.desc.MachineFiles;
import dev.popcornj.machine.desc.Printable;
import dev.popcornj.machine.desc.TopologyReport;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code popcorn machine show|check}: prints or validates a machine description. A bad file
 * surfaces as {@link MachineFileException}, which {@link Main} reports as one line with exit 2.
 */
@Command(
    name = "machine",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Show or check a machine description: a preset name or a TOML machine file.",
    subcommands = {MachineCommand.Show.class, MachineCommand.Check.class})
public final class MachineCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UserError("machine: give a subcommand, show or check (see popcorn machine --help)");
  }

  /** Prints a machine's topology for a human. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      versionProvider = Version.class,
      description = {
        "Print a machine's harts, NUMA nodes, memory map, devices with their interrupt routing,"
            + " and the boot command line.",
        "Presets: default, hetero, manycore."
      })
  public static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        arity = "0..1",
        paramLabel = "PRESET|FILE",
        defaultValue = "default",
        description = "A preset name or a machine file (default: ${DEFAULT-VALUE}).")
    String machine;

    @Override
    public Integer call() throws MachineFileException {
      MachineDescription m = MachineFiles.load(machine);
      PrintWriter out = spec.commandLine().getOut();
      out.print(TopologyReport.render(m));
      out.flush();
      return 0;
    }
  }

  /** Validates a machine file and prints a one-line summary. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      versionProvider = Version.class,
      description = {
        "Validate a machine file and print FILE: ok (harts, nodes, memory).",
        "A wrong file is reported as one line FILE: KEY: REASON with exit status 2."
      })
  public static final class Check implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A machine file (or a preset name).")
    String file;

    @Override
    public Integer call() throws MachineFileException {
      MachineDescription m = MachineFiles.load(file);
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          "%s: ok (%d harts, %d nodes, %s MiB)%n",
          Printable.escape(file), m.harts().size(), m.nodes().size(), mebibytes(m.memoryBytes()));
      out.flush();
      return 0;
    }

    // Ranges are 4 KiB multiples, so a total need not be whole MiB; print it exactly then.
    private static String mebibytes(long bytes) {
      return new BigDecimal(bytes)
          .divide(BigDecimal.valueOf(1L << 20))
          .stripTrailingZeros()
          .toPlainString();
    }
  }
}
