package dev.popcornj.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code popcorn help [COMMAND...]}: prints the help of popcorn, or of the command the names lead
 * to, as {@code COMMAND --help} does ({@code popcorn help machine show} is {@code popcorn machine
 * show --help}).
 */
final class HelpCommand implements Command {
  private final List<String> names = new ArrayList<>();

  @Override
  public Cli.Spec spec() {
    return new Cli.Spec(
            "help",
            "Show the help of popcorn or of one of its commands.",
            "popcorn help machine show prints what popcorn machine show --help does.")
        .add(
            Cli.parameter("COMMAND")
                .description("The command, and its subcommand if it has one.")
                .values(Cli.STRING, names::add));
  }

  @Override
  public int call(Cli.Invocation invocation) {
    // The names lead from the command above help: popcorn.
    int above = invocation.path().size() - 1;
    String help =
        above == 0
            ? invocation.usage()
            : Cli.usage(
                invocation.path().subList(0, above), invocation.specs().get(above - 1), names);
    invocation.out().print(help);
    return 0;
  }
}
