package dev.popcornj.cli;

import dev.popcornj.machine.desc.MachineFileException;
import dev.popcornj.machine.desc.Printable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code popcorn} command: the user's entry point to PopcornJ. */
@Command(
    name = "popcorn",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description =
        "PopcornJ: a replicated-kernel operating system model on a simulated RISC-V machine.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:success (run and boot: the guest's own status, see their --help)",
      "2:a usage or user error (a bad option, file or machine), said in one line",
      "70:an internal error (a bug in PopcornJ); the line names a file with the details"
    })
public final class Main implements Runnable {
  /**
   * The commands under popcorn, as its help lists them. Building one (picocli reading its
   * annotations) is a good part of a short run's start-up, so a command line that names one builds
   * only that one; a command line that names none (help, usage, a mistyped name) builds them all.
   */
  private static final List<Map.Entry<String, Supplier<Object>>> COMMANDS =
      List.of(
          Map.entry("help", CommandLine.HelpCommand::new),
          Map.entry("boot", BootCommand::new),
          Map.entry("machine", MachineCommand::new),
          Map.entry("partition", PartitionCommand::new),
          Map.entry("run", RunCommand::new));

  /** Exit status for a user error: a bad option, file or machine. */
  static final int STATUS_USER_ERROR = 2;

  /** Exit status for an internal error (a bug), as sysexits' EX_SOFTWARE. */
  static final int STATUS_INTERNAL_ERROR = 70;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /**
   * Runs the command on a virtual thread: the simulation loop then hands the baton to the tasks'
   * kernel stacks (virtual threads too) and back as a switch of continuations on one carrier thread
   * (the launcher gives the JVM one), instead of waking another OS thread twice a slice.
   */
  public static void main(String[] args) {
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    int[] status = {STATUS_INTERNAL_ERROR};
    Thread command =
        Thread.ofVirtual().name("popcorn").start(() -> status[0] = execute(out, err, args));
    try {
      command.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    System.exit(status[0]);
  }

  /** Runs the command line and returns its exit status (2 for a usage or user error). */
  public static int execute(String... args) {
    return execute(
        new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8),
        args);
  }

  /** Runs the command line with its output and errors going to the given writers. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    return execute(() -> commandLine(args), out, err, args);
  }

  /** The popcorn command with the commands under it that args need (see {@link #COMMANDS}). */
  static CommandLine commandLine(String... args) {
    CommandLine cl = new CommandLine(new Main());
    String first = args.length == 0 ? "" : args[0];
    boolean named =
        !first.equals("help") && COMMANDS.stream().anyMatch(c -> c.getKey().equals(first));
    for (Map.Entry<String, Supplier<Object>> c : COMMANDS) {
      if (!named || c.getKey().equals(first)) {
        cl.addSubcommand(c.getKey(), c.getValue().get());
      }
    }
    return cl;
  }

  /**
   * Runs command (the popcorn command or, in tests, another) with the one top-level handler: a user
   * error becomes one line and status 2; anything else, an exception or an error such as
   * OutOfMemoryError, is a bug and becomes one line naming a file with its stack trace, and status
   * 70. No stack trace reaches the terminal.
   */
  public static int execute(Object command, PrintWriter out, PrintWriter err, String... args) {
    return execute(() -> new CommandLine(command), out, err, args);
  }

  private static int execute(
      Supplier<CommandLine> command, PrintWriter out, PrintWriter err, String... args) {
    try {
      CommandLine cl = command.get();
      cl.setOut(out);
      cl.setErr(err);
      cl.setParameterExceptionHandler(
          (ex, a) -> userError(ex.getMessage(), ex.getCommandLine().getErr()));
      cl.setExecutionExceptionHandler(
          (ex, cmd, parsed) ->
              ex instanceof UserError || ex instanceof MachineFileException
                  ? userError(ex.getMessage(), cmd.getErr())
                  : internalError(ex, cmd.getErr()));
      cl.setExitCodeExceptionMapper(e -> STATUS_INTERNAL_ERROR);
      return cl.execute(args);
    } catch (Throwable t) {
      return internalError(t, err);
    }
  }

  private static int userError(String message, PrintWriter err) {
    err.println("popcorn: " + Printable.escape(message));
    err.flush();
    return STATUS_USER_ERROR;
  }

  /** Reports a bug: one line with what was thrown and where its stack trace was saved. */
  static int internalError(Throwable t, PrintWriter err) {
    String details;
    try {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      Path file = Files.createTempFile("popcorn-internal-error-", ".txt");
      Files.writeString(file, trace.toString(), StandardCharsets.UTF_8);
      details = "details in " + file;
    } catch (IOException | RuntimeException | Error e) {
      details = "its details could not be saved (" + e.getClass().getSimpleName() + ")";
    }
    String what = String.valueOf(t);
    if (what.length() > 200) {
      what = what.substring(0, 200) + "...";
    }
    err.println(
        "popcorn: internal error (a bug in PopcornJ): " + Printable.escape(what) + "; " + details);
    err.flush();
    return STATUS_INTERNAL_ERROR;
  }
}
