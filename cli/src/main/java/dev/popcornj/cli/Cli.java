package dev.popcornj.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * popcorn's command-line parser. Each {@link Command} declares its command line in code, as a
 * {@link Spec} of options, positional parameters and subcommands, each option with its names, value
 * label, description, default and a setter; {@link #parse} reads the arguments once, left to right,
 * reads each value as its {@link Type} and hands it to its setter. A mistake in the arguments is a
 * {@link UserError} that names the option or argument at fault. There is no reflection and no
 * annotation: building a command's model from annotations was most of a short run's start-up.
 *
 * <p>The syntax:
 *
 * <pre>
 *   --name VALUE   --name=VALUE   -n VALUE   -nVALUE   -n=VALUE    an option with a value
 *   --flag   -f   -fg (two flags)   --flag=true   --flag=false     a flag
 *   --                                                             the end of the options
 * </pre>
 *
 * An option is given once, unless it is declared with {@link Option#values} (then each time adds).
 * After {@code --} every argument is a parameter. A command with subcommands takes, after its own
 * options, the name of one of them, which reads the rest. A command that {@linkplain
 * Spec#stopAtFirstParameter stops at its first parameter} takes everything after that one as
 * parameters too, whether it looks like an option or not. {@code -h}/{@code --help} and {@code
 * -V}/{@code --version} belong to every command and end the parsing where they stand.
 */
public final class Cli {
  private Cli() {}

  /** What a command line asks of the command it names. */
  public enum Request {
    RUN,
    HELP,
    VERSION
  }

  /**
   * How the text of a value becomes a value; a text it refuses is reported as {@code 'TEXT' is not
   * NAME}.
   *
   * @param name the kind of value, with its article ("an int")
   * @param read converts a text, throwing an unchecked exception for one that is not of the type
   */
  public record Type<T>(String name, Function<String, T> read) {}

  public static final Type<String> STRING = new Type<>("a string", text -> text);
  public static final Type<Integer> INT = new Type<>("an int", Integer::parseInt);
  public static final Type<Long> LONG = new Type<>("a long", Long::parseLong);
  public static final Type<Path> PATH = new Type<>("a path", Path::of);

  private static final Type<Boolean> BOOLEAN =
      new Type<>(
          "a boolean",
          text ->
              switch (text.toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException(text);
              });

  /** An option of a command, such as {@code option("-d", "--log")}; names start with - or --. */
  public static Option option(String... names) {
    return new Option(List.of(names), "", false);
  }

  /**
   * A positional parameter; label is its name in the help ({@code PROG}). It is required unless
   * declared {@link Option#optional} or with {@link Option#values}.
   */
  public static Option parameter(String label) {
    return new Option(List.of(), label, true);
  }

  /**
   * An option or a positional parameter, declared by calls in a row that end with the one saying
   * what it takes: {@link #value}, {@link #values} or {@link #flag}.
   */
  public static final class Option {
    /** Empty for a positional parameter. */
    final List<String> names;

    String label;
    String description = "";
    String byDefault;
    boolean required;
    boolean takesValue;
    boolean repeated;
    String split;

    /** Reads a text given for this option (or its default, or a flag's true) and sets it. */
    Consumer<String> set;

    Request request = Request.RUN;

    private Option(List<String> names, String label, boolean required) {
      this.names = names;
      this.label = label;
      this.required = required;
    }

    /** The value's name in the help, as in {@code --kernels=K}. */
    public Option label(String label) {
      this.label = label;
      return this;
    }

    /** What the option does, for the help; {@code {default}} in it stands for the default value. */
    public Option description(String description) {
      this.description = description;
      return this;
    }

    /** The text that is set before the arguments are read, as if the user had given it. */
    public Option byDefault(String text) {
      this.byDefault = text;
      return this;
    }

    /** The command line must give this option. */
    public Option required() {
      this.required = true;
      return this;
    }

    /** A positional parameter that may be left out. */
    public Option optional() {
      this.required = false;
      return this;
    }

    /** Each value given is a list of values with separator between them. */
    public Option split(String separator) {
      this.split = separator;
      return this;
    }

    /** Takes one value, given at most once; set receives it read as type. */
    public <T> Option value(Type<T> type, Consumer<? super T> set) {
      this.takesValue = true;
      this.set = text -> set.accept(read(type, text));
      return this;
    }

    /**
     * Takes a value each time it is given, which add receives read as type. A positional parameter
     * so declared takes every argument left and may be left out.
     */
    public <T> Option values(Type<T> type, Consumer<? super T> add) {
      this.takesValue = true;
      this.repeated = true;
      if (names.isEmpty()) {
        this.required = false;
      }
      this.set = text -> add.accept(read(type, text));
      return this;
    }

    /** Takes no value: set receives true, or what {@code --flag=true|false} says. */
    public Option flag(Consumer<Boolean> set) {
      this.takesValue = false;
      this.set = text -> set.accept(read(BOOLEAN, text));
      return this;
    }

    private <T> T read(Type<T> type, String text) {
      try {
        return type.read().apply(text);
      } catch (RuntimeException e) {
        throw new UserError(
            "Invalid value for " + what() + ": '" + text + "' is not " + type.name());
      }
    }

    /** The name errors give: the longest ({@code --help} rather than {@code -h}). */
    String name() {
      String longest = names.getFirst();
      for (String n : names) {
        longest = n.length() > longest.length() ? n : longest;
      }
      return longest;
    }

    private String what() {
      return names.isEmpty() ? "parameter '" + label + "'" : "option '" + name() + "'";
    }
  }

  /**
   * What a command's command line may hold: its name and description, its options (among them
   * {@code -h, --help} and {@code -V, --version}), its positional parameters in order, its
   * subcommands, and the exit statuses its help lists.
   */
  public static final class Spec {
    final String name;
    final List<String> description;
    final List<Option> options = new ArrayList<>();
    final List<Option> parameters = new ArrayList<>();
    final Map<String, Supplier<? extends Command>> subcommands = new LinkedHashMap<>();
    final Map<String, String> exitStatuses = new LinkedHashMap<>();
    boolean stopsAtFirstParameter;

    /**
     * @param name the command's name, as the user types it
     * @param description the help's paragraph, one string a line ("" for a blank line); the first
     *     line is the command's summary in its parent's list of commands
     */
    public Spec(String name, String... description) {
      this.name = name;
      this.description = List.of(description);
      Option help =
          option("-h", "--help").description("Show this help message and exit.").flag(on -> {});
      help.request = Request.HELP;
      Option version =
          option("-V", "--version")
              .description("Print version information and exit.")
              .flag(on -> {});
      version.request = Request.VERSION;
      add(help).add(version);
    }

    /** Adds an option or, for one made by {@link Cli#parameter}, the next positional parameter. */
    public Spec add(Option o) {
      if (o.set == null) {
        throw new IllegalStateException(o.what() + " of " + name + ": give value, values or flag");
      }
      if (o.names.isEmpty()) {
        if (!parameters.isEmpty() && parameters.getLast().repeated) {
          throw new IllegalStateException(o.what() + " of " + name + " follows a repeated one");
        }
        parameters.add(o);
      } else {
        for (String n : o.names) {
          // The parser reads -nVALUE by the name's length: a short name is one letter.
          boolean shortName = n.length() == 2 && n.charAt(0) == '-' && n.charAt(1) != '-';
          if (!shortName && !(n.startsWith("--") && n.length() > 2) || named(n) != null) {
            throw new IllegalStateException("option " + n + " of " + name + ": bad or taken name");
          }
        }
        options.add(o);
      }
      return this;
    }

    /** Adds a subcommand; make builds it when a command line (or a help) needs it. */
    public Spec subcommand(String name, Supplier<? extends Command> make) {
      subcommands.put(name, make);
      return this;
    }

    /**
     * Everything after the first positional parameter is a parameter too, so that a program's
     * arguments such as {@code -n} or {@code --help} go to it unchanged.
     */
    public Spec stopAtFirstParameter() {
      stopsAtFirstParameter = true;
      return this;
    }

    /** Adds an exit status and its meaning to the help's list. */
    public Spec exitStatus(String status, String meaning) {
      exitStatuses.put(status, meaning);
      return this;
    }

    /** The option of which name (such as {@code -d} or {@code --log}) is one name, or null. */
    Option named(String name) {
      for (Option o : options) {
        if (o.names.contains(name)) {
          return o;
        }
      }
      return null;
    }
  }

  /**
   * A parsed command line: the command it names, what it asks of it, which options the user gave,
   * and where the command prints.
   *
   * @param path the command's name and those of the commands above it, from {@code popcorn}
   * @param specs the specs of the commands on path, in the same order
   */
  public record Invocation(
      List<String> path,
      List<Spec> specs,
      Command command,
      Request request,
      Set<Option> given,
      PrintWriter out) {
    /** True when the user gave the option of which name is one name (its default aside). */
    public boolean given(String name) {
      for (Option o : given) {
        if (o.names.contains(name)) {
          return true;
        }
      }
      return false;
    }

    /** The help of the command. */
    public String usage() {
      return Usage.of(path, specs.getLast());
    }
  }

  /**
   * Reads args as a command line of top and of the subcommands it names, setting the values of each
   * command on the way.
   *
   * @param out where the command named is to print
   * @throws UserError for an unknown option or command, a value that is missing or not of its type,
   *     an option given twice, a missing required option or parameter, or an extra argument
   */
  public static Invocation parse(Command top, PrintWriter out, String... args) {
    Spec spec = top.spec();
    return new Parser(args, out).command(top, spec, List.of(spec.name), List.of(spec));
  }

  /**
   * The help of the command that names lead to from the command at path, whose spec is from.
   *
   * @throws UserError when a name is not a command there
   */
  static String usage(List<String> path, Spec from, List<String> names) {
    List<String> p = new ArrayList<>(path);
    Spec spec = from;
    for (String name : names) {
      Supplier<? extends Command> make = spec.subcommands.get(name);
      if (make == null) {
        throw new UserError(unknownCommand(p, spec, name));
      }
      spec = make.get().spec();
      p.add(name);
    }
    return Usage.of(p, spec);
  }

  private static String unknownCommand(List<String> path, Spec spec, String name) {
    String command = String.join(" ", path);
    return spec.subcommands.isEmpty()
        ? "Unknown command: '" + name + "'; " + command + " has no commands"
        : "Unknown command: '"
            + name
            + "'; the commands of "
            + command
            + " are "
            + String.join(", ", spec.subcommands.keySet());
  }

  /** One pass over a command line; next is the index of the argument to read. */
  private static final class Parser {
    private final String[] args;
    private final PrintWriter out;
    private int next;

    Parser(String[] args, PrintWriter out) {
      this.args = args;
      this.out = out;
    }

    /** Reads command's arguments from next on, then those of the subcommand they name. */
    Invocation command(Command command, Spec spec, List<String> path, List<Spec> specs) {
      for (Option o : spec.options) {
        setDefault(o);
      }
      for (Option p : spec.parameters) {
        setDefault(p);
      }
      Set<Option> given = new LinkedHashSet<>();
      int parameter = 0;
      boolean optionsEnded = false;
      while (next < args.length) {
        int at = next;
        String arg = args[next++];
        if (!optionsEnded && arg.equals("--")) {
          optionsEnded = true;
        } else if (!optionsEnded && arg.length() > 1 && arg.startsWith("-")) {
          Request request = option(spec, arg, given);
          if (request != Request.RUN) {
            return new Invocation(path, specs, command, request, given, out);
          }
        } else if (!spec.subcommands.isEmpty()) {
          Supplier<? extends Command> make = spec.subcommands.get(arg);
          if (make == null) {
            throw new UserError(unknownCommand(path, spec, arg));
          }
          checkRequired(spec, given);
          Command sub = make.get();
          Spec subSpec = sub.spec();
          return command(sub, subSpec, append(path, arg), append(specs, subSpec));
        } else {
          parameter = parameter(spec, parameter, arg, at, given);
          optionsEnded |= spec.stopsAtFirstParameter;
        }
      }
      checkRequired(spec, given);
      return new Invocation(path, specs, command, Request.RUN, given, out);
    }

    private static void setDefault(Option o) {
      if (o.byDefault != null) {
        o.set.accept(o.byDefault);
      }
    }

    /**
     * Reads the option arg (with the next argument when that is its value) and returns what it asks
     * for: RUN, or HELP or VERSION.
     */
    private Request option(Spec spec, String arg, Set<Option> given) {
      Option o = lookUp(spec, arg);
      if (o == null) {
        throw new UserError("Unknown option: '" + arg + "'");
      }
      boolean isLong = arg.startsWith("--");
      int eq = arg.indexOf('=');
      // A long option's text after =; a short one's after its two characters: -nVALUE, -n=VALUE.
      String attached =
          isLong
              ? (eq < 0 ? null : arg.substring(eq + 1))
              : arg.length() > 2 ? arg.substring(2) : null;
      if (!given.add(o) && !o.repeated) {
        throw new UserError(
            "option '"
                + o.name()
                + "'"
                + (o.takesValue ? " (" + o.label + ")" : "")
                + " should be specified only once");
      }
      if (o.takesValue) {
        if (!isLong && attached != null && attached.startsWith("=")) {
          attached = attached.substring(1);
        }
        String value = attached != null ? attached : value(spec, o);
        if (o.split == null) {
          o.set.accept(value);
        } else {
          // by hand rather than String.split with a quoted pattern, which compiled a regular
          // expression; as String.split, empty values at the end are dropped
          List<String> values = new ArrayList<>();
          int from = 0;
          for (int at; (at = value.indexOf(o.split, from)) >= 0; from = at + o.split.length()) {
            values.add(value.substring(from, at));
          }
          values.add(value.substring(from));
          if (values.size() > 1) {
            while (!values.isEmpty() && values.getLast().isEmpty()) {
              values.removeLast();
            }
          }
          values.forEach(o.set);
        }
        return Request.RUN;
      }
      // A flag: --flag, --flag=VALUE, -f, -f=VALUE, or -fg, which is -f then -g.
      String value = null;
      if (attached != null && (isLong || attached.startsWith("="))) {
        value = isLong ? attached : attached.substring(1);
      }
      o.set.accept(value == null ? "true" : value);
      if (o.request != Request.RUN && (value == null || value.equalsIgnoreCase("true"))) {
        return o.request;
      }
      return value == null && attached != null ? option(spec, "-" + attached, given) : Request.RUN;
    }

    /** The argument after option o, which is its value. */
    private String value(Spec spec, Option o) {
      if (next >= args.length) {
        throw new UserError(
            "Missing required parameter for option '" + o.name() + "' (" + o.label + ")");
      }
      String value = args[next];
      if (lookUp(spec, value) != null) {
        throw new UserError(
            "Expected parameter for option '" + o.name() + "' but found '" + value + "'");
      }
      next++;
      return value;
    }

    /** The option that arg gives (--name, --name=VALUE, -n, -nVALUE), or null. */
    private static Option lookUp(Spec spec, String arg) {
      if (arg.startsWith("--")) {
        int eq = arg.indexOf('=');
        return spec.named(eq < 0 ? arg : arg.substring(0, eq));
      }
      return arg.length() > 1 && arg.startsWith("-") ? spec.named(arg.substring(0, 2)) : null;
    }

    /** Sets arg as the positional parameter number index; returns the number of the next. */
    private static int parameter(Spec spec, int index, String arg, int at, Set<Option> given) {
      if (index >= spec.parameters.size()) {
        throw new UserError("Unmatched argument at index " + at + ": '" + arg + "'");
      }
      Option p = spec.parameters.get(index);
      p.set.accept(arg);
      given.add(p);
      return p.repeated ? index : index + 1;
    }

    private static void checkRequired(Spec spec, Set<Option> given) {
      for (Option o : spec.options) {
        if (o.required && !given.contains(o)) {
          throw new UserError("Missing required option: '" + o.name() + "=" + o.label + "'");
        }
      }
      for (Option p : spec.parameters) {
        if (p.required && !given.contains(p)) {
          throw new UserError("Missing required parameter: '" + p.label + "'");
        }
      }
    }

    private static <T> List<T> append(List<T> list, T element) {
      List<T> longer = new ArrayList<>(list);
      longer.add(element);
      return List.copyOf(longer);
    }
  }
}
