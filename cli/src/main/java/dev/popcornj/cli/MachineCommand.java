package dev.popcornj.cli;

import dev.popcornj.machine.desc.MachineDescription;
import dev.popcornj.machine.desc.MachineFileException;
import dev.popcornj.machine.desc.MachineFiles;
import dev.popcornj.machine.desc.Printable;
import dev.popcornj.machine.desc.TopologyReport;
import java.io.PrintWriter;
import java.math.BigDecimal;

/**
 * {@code popcorn machine show|check}: prints or validates a machine description. A bad file
 * surfaces as {@link MachineFileException}, which {@link Main} reports as one line with exit 2.
 */
public final class MachineCommand implements Command {
  @Override
  public Cli.Spec spec() {
    return new Cli.Spec(
            "machine", "Show or check a machine description: a preset name or a TOML machine file.")
        .subcommand("show", Show::new)
        .subcommand("check", Check::new);
  }

  @Override
  public int call(Cli.Invocation invocation) {
    throw new UserError("machine: give a subcommand, show or check (see popcorn machine --help)");
  }

  /** Prints a machine's topology for a human. */
  public static final class Show implements Command {
    String machine;

    @Override
    public Cli.Spec spec() {
      return new Cli.Spec(
              "show",
              "Print a machine's harts, NUMA nodes, memory map, devices with their interrupt routing,"
                  + " and the boot command line.",
              "Presets: default, hetero, manycore.")
          .add(
              Cli.parameter("PRESET|FILE")
                  .optional()
                  .byDefault("default")
                  .description("A preset name or a machine file (default: {default}).")
                  .value(Cli.STRING, v -> machine = v));
    }

    @Override
    public int call(Cli.Invocation invocation) throws MachineFileException {
      MachineDescription m = MachineFiles.load(machine);
      PrintWriter out = invocation.out();
      out.print(TopologyReport.render(m));
      out.flush();
      return 0;
    }
  }

  /** Validates a machine file and prints a one-line summary. */
  public static final class Check implements Command {
    String file;

    @Override
    public Cli.Spec spec() {
      return new Cli.Spec(
              "check",
              "Validate a machine file and print FILE: ok (harts, nodes, memory).",
              "A wrong file is reported as one line FILE: KEY: REASON with exit status 2.")
          .add(
              Cli.parameter("FILE")
                  .description("A machine file (or a preset name).")
                  .value(Cli.STRING, v -> file = v));
    }

    @Override
    public int call(Cli.Invocation invocation) throws MachineFileException {
      MachineDescription m = MachineFiles.load(file);
      PrintWriter out = invocation.out();
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
