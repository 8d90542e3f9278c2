package dev.popcornj.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code popcorn} command: the user's entry point to PopcornJ. */
@Command(
    name = "popcorn",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description =
        "PopcornJ: a replicated-kernel operating system model on a simulated RISC-V machine.",
    subcommands = {CommandLine.HelpCommand.class, RunCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit status (2 for a usage error). */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExitCodeExceptionMapper(e -> 2);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          ex.getCommandLine().getErr().println("popcorn: " + ex.getMessage());
          return 2;
        });
    return cl.execute(args);
  }
}
