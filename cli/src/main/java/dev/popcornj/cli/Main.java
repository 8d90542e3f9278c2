package dev.popcornj.cli;

import dev.popcornj.machine.desc.MachineFileException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code popcorn} command: the user's entry point to PopcornJ. */
@Command(
    name = "popcorn",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description =
        "PopcornJ: a replicated-kernel operating system model on a simulated RISC-V machine.",
    subcommands = {
      CommandLine.HelpCommand.class,
      BootCommand.class,
      MachineCommand.class,
      PartitionCommand.class,
      RunCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit status (2 for a usage or user error). */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** Runs the command line with its output and errors going to the given writers. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = commandLine();
    cl.setOut(out);
    cl.setErr(err);
    return cl.execute(args);
  }

  private static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExitCodeExceptionMapper(e -> 2);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          ex.getCommandLine().getErr().println("popcorn: " + ex.getMessage());
          return 2;
        });
    // The one place user errors become a line on stderr and exit 2; anything else is a bug and
    // keeps its stack trace.
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          if (ex instanceof UserError || ex instanceof MachineFileException) {
            cmd.getErr().println("popcorn: " + ex.getMessage());
            cmd.getErr().flush();
            return 2;
          }
          throw ex;
        });
    return cl;
  }
}
