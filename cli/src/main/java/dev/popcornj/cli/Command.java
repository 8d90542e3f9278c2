package dev.popcornj.cli;

/**
 * A command of popcorn: it declares its command line in a {@link Cli.Spec} and runs once {@link
 * Cli#parse} has handed it the values given there (through the setters its spec declares).
 */
public interface Command {
  /**
   * This command's command line: its name, description, options, parameters and subcommands. The
   * parser asks for it once per command line, before it sets any value.
   */
  Cli.Spec spec();

  /**
   * Runs the command and returns its exit status. A mistake of the user is thrown as {@link
   * UserError} (or {@link dev.popcornj.machine.desc.MachineFileException}); {@link Main} reports it
   * in one line.
   *
   * @param invocation the parsed command line: where to print, which options the user gave
   */
  int call(Cli.Invocation invocation) throws Exception;
}
