package dev.popcornj.cli;

import dev.popcornj.machine.desc.MachineFileException;
import dev.popcornj.machine.desc.Printable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code popcorn} command: the user's entry point to PopcornJ. */
public final class Main implements Command {
  /** Exit status for a user error: a bad option, file or machine. */
  static final int STATUS_USER_ERROR = 2;

  /** Exit status for an internal error (a bug), as sysexits' EX_SOFTWARE. */
  static final int STATUS_INTERNAL_ERROR = 70;

  /**
   * The commands under popcorn, in the order of its help; a command line builds the one it names.
   */
  @Override
  public Cli.Spec spec() {
    return new Cli.Spec(
            "popcorn",
            "PopcornJ: a replicated-kernel operating system model on a simulated RISC-V machine.")
        .subcommand("help", HelpCommand::new)
        .subcommand("boot", BootCommand::new)
        .subcommand("machine", MachineCommand::new)
        .subcommand("partition", PartitionCommand::new)
        .subcommand("run", RunCommand::new)
        .exitStatus("0", "success (run and boot: the guest's own status, see their --help)")
        .exitStatus(
            Integer.toString(STATUS_USER_ERROR),
            "a usage or user error (a bad option, file or machine), said in one line")
        .exitStatus(
            Integer.toString(STATUS_INTERNAL_ERROR),
            "an internal error (a bug in PopcornJ); the line names a file with the details");
  }

  /** popcorn alone prints its help. */
  @Override
  public int call(Cli.Invocation invocation) {
    invocation.out().print(invocation.usage());
    return 0;
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
    return execute(new Main(), args);
  }

  /** Runs the command line with its output and errors going to the given writers. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    return execute(new Main(), out, err, args);
  }

  /**
   * Runs command (in tests, one under popcorn) with args, printing to System.out and System.err.
   */
  public static int execute(Command command, String... args) {
    return execute(
        command,
        new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8),
        args);
  }

  /**
   * Runs command (the popcorn command or, in tests, another) with the one top-level handler: a user
   * error, in the command line or in the command's work, becomes one line and status 2; anything
   * else, an exception or an error such as OutOfMemoryError, is a bug and becomes one line naming a
   * file with its stack trace, and status 70. No stack trace reaches the terminal.
   */
  public static int execute(Command command, PrintWriter out, PrintWriter err, String... args) {
    try {
      Cli.Invocation invocation = Cli.parse(command, out, args);
      int status =
          switch (invocation.request()) {
            case HELP -> {
              out.print(invocation.usage());
              yield 0;
            }
            case VERSION -> {
              out.println(Version.line());
              yield 0;
            }
            case RUN -> invocation.command().call(invocation);
          };
      out.flush();
      return status;
    } catch (UserError | MachineFileException e) {
      return userError(e.getMessage(), err);
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
