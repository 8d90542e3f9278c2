package dev.popcornj.cli;

import static dev.popcornj.cli.MachineCommandTest.assertOneLineUserError;
import static dev.popcornj.cli.MachineCommandTest.popcorn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.cli.MachineCommandTest.Run;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command-line parser, through popcorn's own commands and one made up here. */
class CliTest {
  private static Cli.Invocation parse(Command top, String... args) {
    return Cli.parse(top, new PrintWriter(new StringWriter()), args);
  }

  /** popcorn run's command line as parsed, the run command with its values set. */
  private static RunCommand run(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "run";
    System.arraycopy(args, 0, all, 1, args.length);
    Cli.Invocation parsed = parse(new Main(), all);
    assertEquals(Cli.Request.RUN, parsed.request());
    assertEquals(List.of("popcorn", "run"), parsed.path());
    return (RunCommand) parsed.command();
  }

  private static String refused(String... args) {
    UserError e = assertThrows(UserError.class, () -> parse(new Main(), args));
    return e.getMessage();
  }

  @Test
  void anOptionTakesItsValueFromTheNextArgumentOrAfterEquals() {
    assertEquals(3, run("--kernels", "3", "p").kernels);
    assertEquals(3, run("--kernels=3", "p").kernels);
    assertEquals(Path.of("s.json"), run("--stats", "s.json", "p").stats);
    assertEquals(Path.of("s.json"), run("--stats=s.json", "p").stats);
    assertEquals(-1, run("--hop", "-1", "p").hop, "a negative number is a value, not an option");
    assertEquals("a=b", run("--dsm=a=b", "p").dsm, "the value is all after the first =");
    assertEquals(List.of("A=1"), run("--env", "A=1", "p").setEnv);
  }

  @Test
  void defaultsHoldUntilGivenAndAreNotGiven() {
    RunCommand r = run("p");
    assertEquals(1, r.kernels);
    assertEquals(10_000, r.quantumNs);
    assertEquals("rv64imafdc", r.isa);
    assertEquals("replicate", r.dsm);
    assertEquals(0, r.maxInstructions);
    assertNull(r.epoch);
    assertNull(r.stats);
    assertFalse(r.spread);
    Cli.Invocation parsed = parse(new Main(), "run", "--isa", "rv64imafdc", "p");
    assertTrue(parsed.given("--isa"));
    assertFalse(parsed.given("--kernels"), "its default is not given");
    assertTrue(parse(new Main(), "run", "-E", "A=1", "p").given("--env"), "by its other name");
  }

  @Test
  void shortOptionsTakeTheirValueApartAttachedOrAfterEquals() {
    assertEquals(List.of("unimp"), run("-d", "unimp", "p").log);
    assertEquals(List.of("unimp"), run("-dunimp", "p").log);
    assertEquals(List.of("unimp"), run("-d=unimp", "p").log);
    assertEquals(List.of("A=1", "B=2", "C=3"), run("-E", "A=1", "-EB=2", "-E=C=3", "p").setEnv);
    assertEquals(Path.of("/x"), run("-L/x", "p").prefix);
    assertEquals(List.of("HOME"), run("-U", "HOME", "p").unsetEnv);
  }

  @Test
  void flagsTakeNoValueButTrueOrFalseAfterEquals() {
    assertTrue(run("--spread", "p").spread);
    assertTrue(run("--spread=true", "p").spread);
    assertFalse(run("--spread=false", "p").spread);
    assertEquals(
        "Invalid value for option '--spread': 'x' is not a boolean", refused("run", "--spread=x"));
  }

  @Test
  void aMissingValueIsRefused() {
    assertEquals(
        "Missing required parameter for option '--kernels' (K)", refused("run", "--kernels"));
    assertEquals("Missing required parameter for option '-L' (DIR)", refused("run", "-L"));
    assertEquals(
        "Expected parameter for option '--stats' but found '--trace'",
        refused("run", "--stats", "--trace", "t", "p"));
    assertEquals(
        "Expected parameter for option '--env' but found '-dunimp'",
        refused("run", "--env", "-dunimp", "p"));
  }

  @Test
  void malformedNumbersAreRefusedNamingOptionAndValue() {
    assertEquals(
        "Invalid value for option '--kernels': 'x' is not an int",
        refused("run", "--kernels", "x", "p"));
    assertEquals(
        "Invalid value for option '--kernels': '' is not an int",
        refused("run", "--kernels=", "p"));
    assertEquals(
        "Invalid value for option '--harts': '4294967296' is not an int",
        refused("run", "--harts", "4294967296", "p"));
    assertEquals(
        "Invalid value for option '--max-instructions': '1e3' is not a long",
        refused("run", "--max-instructions", "1e3", "p"));
    assertEquals(
        "Invalid value for option '--epoch': '0x10' is not a long",
        refused("run", "--epoch=0x10", "p"));
    assertEquals(
        "Invalid value for option '--full': 'a' is not an int", refused("boot", "--full", "a"));
    assertEquals(
        "Invalid value for option '--seed': ' 1' is not a long", refused("boot", "--seed", " 1"));
    assertEquals(9_000_000_000L, run("--max-instructions", "9000000000", "p").maxInstructions);
  }

  @Test
  void unknownOptionsAreRefusedByTheirText() {
    assertEquals("Unknown option: '--bogus'", refused("run", "--bogus", "p"));
    assertEquals("Unknown option: '--bogus=1'", refused("run", "--bogus=1", "p"));
    assertEquals("Unknown option: '-x'", refused("run", "-x", "p"));
    assertEquals("Unknown option: '--kernel'", refused("run", "--kernel", "2", "p"));
    assertEquals("Unknown option: '--bogus'", refused("--bogus"));
    assertEquals("Unknown option: '--kernels'", refused("machine", "--kernels", "2"));
    assertEquals("Unknown option: '--bogus'", refused("machine", "show", "--bogus"));
  }

  @Test
  void anOptionWithOneValueIsGivenOnceAndARepeatableOneAddsEachTime() {
    assertEquals(
        "option '--kernels' (K) should be specified only once",
        refused("run", "--kernels", "2", "--kernels=3", "p"));
    assertEquals(
        "option '--spread' should be specified only once",
        refused("run", "--spread", "--spread", "p"));
    assertEquals(
        "option '--help' should be specified only once",
        refused("run", "--help=false", "-h=false"));
    assertEquals(List.of("A=1", "B=2"), run("--env", "A=1", "-E", "B=2", "p").setEnv);
    Cli.Invocation boot =
        parse(new Main(), "boot", "--full", "1", "--full=3", "--forward", "1:1:1");
    assertEquals(List.of(1, 3), ((BootCommand) boot.command()).full);
    assertEquals(List.of("1:1:1"), ((BootCommand) boot.command()).forwards);
  }

  @Test
  void aSplitOptionGivesEachPieceAndDoesNotSplitOthers() {
    assertEquals(List.of("unimp", "x", "y"), run("-d", "unimp,x", "--log=y", "p").log);
    // as String.split: empty values inside stay, those at the end go
    assertEquals(List.of("a", "", "b"), run("-d", "a,,b,", "p").log);
    assertEquals(List.of(), run("-d", ",", "p").log);
    assertEquals(List.of(""), run("-d", "", "p").log);
    assertEquals(List.of("A=1,B=2"), run("--env", "A=1,B=2", "p").setEnv);
    assertEquals(
        "Invalid value for option '--full': '1,2' is not an int", refused("boot", "--full=1,2"));
  }

  @Test
  void runStopsAtProgAndGivesTheRestToTheProgramUnchanged() {
    RunCommand r = run("--max-instructions", "5", "prog", "-n", "--help", "--isa=x", "--", "-V");
    assertEquals("prog", r.program);
    assertEquals(List.of("-n", "--help", "--isa=x", "--", "-V"), r.args);
    assertEquals(5, r.maxInstructions);
    assertEquals("rv64imafdc", r.isa);
    RunCommand dashes = run("--", "-prog", "--kernels", "2");
    assertEquals("-prog", dashes.program, "-- ends popcorn's options");
    assertEquals(List.of("--kernels", "2"), dashes.args);
    assertEquals(1, dashes.kernels);
  }

  @Test
  void otherCommandsTakeOptionsAfterTheirParameters() {
    Cli.Invocation parsed = parse(new Main(), "machine", "show", "manycore", "--help");
    assertEquals(Cli.Request.HELP, parsed.request());
    assertEquals(List.of("popcorn", "machine", "show"), parsed.path());
    Cli.Invocation dashed = parse(new Main(), "machine", "show", "--", "-x");
    assertEquals("-x", ((MachineCommand.Show) dashed.command()).machine);
    assertEquals(
        "default", ((MachineCommand.Show) parse(new Main(), "machine", "show").command()).machine);
  }

  @Test
  void missingRequiredOnesAndExtraArgumentsAreRefused() {
    assertEquals("Missing required parameter: 'PROG'", refused("run"));
    assertEquals("Missing required parameter: 'PROG'", refused("run", "--isa", "prog"));
    assertEquals("Missing required parameter: 'FILE'", refused("machine", "check"));
    assertEquals("Missing required option: '--kernels=N'", refused("partition"));
    assertEquals("Unmatched argument at index 3: 'b'", refused("machine", "show", "a", "b"));
    assertEquals("Unmatched argument at index 3: 'x'", refused("partition", "--kernels", "2", "x"));
  }

  @Test
  void unknownCommandsAreRefusedWithTheCommandsThereAre() {
    assertEquals(
        "Unknown command: 'rn'; the commands of popcorn are help, boot, machine, partition, run",
        refused("rn"));
    assertEquals(
        "Unknown command: 'frob'; the commands of popcorn machine are show, check",
        refused("machine", "frob"));
    assertEquals(
        "popcorn: Unknown command: 'frob'; the commands of popcorn are help, boot, machine,"
            + " partition, run",
        assertOneLineUserError(popcorn("help", "frob")));
    assertEquals(
        "popcorn: Unknown command: 'x'; popcorn run has no commands",
        assertOneLineUserError(popcorn("help", "run", "x")));
  }

  @Test
  void helpAndVersionEndTheParsingWhereTheyStand() {
    assertEquals(Cli.Request.HELP, parse(new Main(), "run", "-h", "--bogus").request());
    assertEquals(Cli.Request.VERSION, parse(new Main(), "-V").request());
    assertEquals(Cli.Request.HELP, parse(new Main(), "run", "-hV").request());
    assertEquals(Cli.Request.VERSION, parse(new Main(), "boot", "-Vh").request());
    assertEquals("Unknown option: '--bogus'", refused("run", "--bogus", "--help"));
    assertEquals(
        "Invalid value for option '--kernels': 'x' is not an int",
        refused("run", "--kernels", "x", "--help"));
  }

  /** Building a command is work a command line that does not name it should not pay. */
  @Test
  void aCommandLineBuildsOnlyTheSubcommandItNames() {
    List<String> built = new ArrayList<>();
    Command top =
        new Command() {
          @Override
          public Cli.Spec spec() {
            Cli.Spec spec = new Cli.Spec("top", "A command with two subcommands.");
            for (String name : List.of("one", "two")) {
              spec.subcommand(
                  name,
                  () -> {
                    built.add(name);
                    return new Leaf(name);
                  });
            }
            return spec;
          }

          @Override
          public int call(Cli.Invocation invocation) {
            return 0;
          }
        };
    assertEquals(List.of("top", "two"), parse(top, "two").path());
    assertEquals(List.of("two"), built);
    built.clear();
    assertEquals(Cli.Request.HELP, parse(top, "--help").request());
    assertEquals(List.of(), built);
  }

  private record Leaf(String name) implements Command {
    @Override
    public Cli.Spec spec() {
      return new Cli.Spec(name, "A leaf.");
    }

    @Override
    public int call(Cli.Invocation invocation) {
      return 0;
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "help",
        "run",
        "boot",
        "machine",
        "machine show",
        "machine check",
        "partition"
      })
  void helpListsEveryOptionAndParameterOfEachCommand(String command) {
    String[] path = command.isEmpty() ? new String[0] : command.split(" ");
    Run r = popcorn(with(path, "--help"));
    assertEquals(0, r.status(), r.err());
    assertEquals("", r.err());
    String help = r.out();
    assertTrue(help.startsWith(("Usage: popcorn " + command).strip() + " "), help);
    Cli.Spec spec = parse(new Main(), with(path, "--help")).specs().getLast();
    for (Cli.Option o : spec.options) {
      for (String name : o.names) {
        assertTrue(help.contains(name), name + " missing from:\n" + help);
      }
      assertTrue(help.contains(o.description.split(" ")[0]), o.description);
    }
    for (Cli.Option p : spec.parameters) {
      assertTrue(help.contains(p.label), p.label + " missing from:\n" + help);
    }
    for (String sub : spec.subcommands.keySet()) {
      assertTrue(help.contains("\n  " + sub + " "), sub + " missing from:\n" + help);
    }
    for (String line : help.lines().toList()) {
      assertTrue(line.length() < 80, "too wide: " + line);
    }
    assertEquals(help, popcorn(with(new String[] {"help"}, path)).out(), "popcorn help " + command);
  }

  @Test
  void helpShowsOptionsByNameWithTheirValuesAndDefaults() {
    String help = popcorn("run", "--help").out();
    assertTrue(help.contains("\n  -d, --log=ITEMS[,ITEMS...] What PopcornJ reports"), help);
    assertTrue(help.contains("\n      --harts=N              The harts of"), help);
    assertTrue(help.contains("machine gives them (see --machine). Default: 4.\n"), help);
    assertTrue(help.contains("\n  -L=DIR                     As qemu-riscv64 -L"), help);
    assertTrue(help.contains("\n      PROG                   The program"), help);
    assertTrue(help.contains("\n      [ARGS...]              Arguments passed"), help);
    assertTrue(help.indexOf("  -d, --log") < help.indexOf("--dsm=MODE  "), "by name");
    assertTrue(help.indexOf("--dsm=MODE  ") < help.indexOf("-E, --env"), "case aside");
    assertTrue(
        help.startsWith(
            "Usage: popcorn run [-hV] [--spread] [--dsm=MODE] [--epoch=SECONDS] [--harts=N]\n"),
        help);
    assertTrue(
        help.contains("\n                   [-E=VAR=VALUE]... [-U=VAR]... PROG [ARGS...]\n"), help);
    String partition = popcorn("partition", "--help").out();
    assertTrue(partition.startsWith("Usage: popcorn partition [-hV] --kernels=N [--machine"));
    assertTrue(
        partition.contains(
            "      --machine=PRESET|FILE\n"
                + "                    A preset name or a machine file (default: default).\n"),
        partition);
    String top = popcorn().out();
    assertTrue(top.startsWith("Usage: popcorn [-hV] [COMMAND]\n"), top);
    assertTrue(top.contains("\nCommands:\n  help       Show the help"), top);
    assertTrue(top.contains("\n\nExit status:\n  0    success"), top);
    assertTrue(top.contains("\n  70   an internal error"), top);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "run", "boot", "partition", "machine show", "help"})
  void versionWorksOnEachCommand(String command) {
    String[] path = command.isEmpty() ? new String[0] : command.split(" ");
    Run r = popcorn(with(path, "-V"));
    assertEquals(0, r.status(), r.err());
    assertEquals(List.of(Version.line()), r.outLines());
  }

  @Test
  void aDeclarationWithoutSetterIsAMistakeOfTheCode() {
    assertThrows(
        IllegalStateException.class, () -> new Cli.Spec("x").add(Cli.option("--y").label("Y")));
  }

  private static String[] with(String[] args, String... more) {
    String[] all = Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }
}
