package dev.popcornj.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The help of a command, laid out for an 80-column terminal:
 *
 * <pre>
 * Usage: popcorn partition [-hV] --kernels=N [--machine=PRESET|FILE]
 * Split a machine among N kernel instances: ...          (the description)
 *   -h, --help        Show this help message and exit.   (parameters, then options by name)
 *       --kernels=N   How many kernels, ...
 *       --machine=PRESET|FILE                            (too wide: its text on the next line)
 *                     A preset name or a machine file ...
 * Commands:                                              (when it has subcommands)
 *   show   Print a machine's harts, ...
 *
 * Exit status:                                           (when it lists them)
 *   2    a usage or user error ...
 * </pre>
 *
 * Long text wraps at a space, its later lines indented two more than its first; no line reaches the
 * 80th column, where some terminals wrap on their own.
 */
final class Usage {
  private Usage() {}

  /** The longest line. */
  private static final int WIDTH = 79;

  /** Where long names and parameters start; short names start at 2. */
  private static final int LONG_COLUMN = 6;

  /** Long names wider than this do not widen the column of descriptions. */
  private static final int LONG_WIDTH = 20;

  /** The help of the command whose spec is spec, at path (its name and those above it). */
  static String of(List<String> path, Cli.Spec spec) {
    StringBuilder b = new StringBuilder();
    String usage = "Usage: " + String.join(" ", path) + " ";
    fill(b, usage, synopsis(spec), usage.length());
    for (String line : spec.description) {
      fill(b, "", words(line), 0);
    }
    List<Cli.Option> rows = new ArrayList<>(spec.parameters);
    spec.options.stream().sorted(Comparator.comparing(Usage::sortKey)).forEach(rows::add);
    int width = 0;
    for (Cli.Option o : rows) {
      int w = left(o).length() - LONG_COLUMN;
      if (w <= LONG_WIDTH) {
        width = Math.max(width, w);
      }
    }
    for (Cli.Option o : rows) {
      row(b, left(o), LONG_COLUMN + width + 3, description(o));
    }
    if (!spec.subcommands.isEmpty()) {
      b.append("Commands:\n");
      int column = 2 + longest(spec.subcommands.keySet()) + 2;
      for (Map.Entry<String, Supplier<? extends Command>> c : spec.subcommands.entrySet()) {
        List<String> description = c.getValue().get().spec().description;
        row(b, "  " + c.getKey(), column, description.isEmpty() ? "" : description.getFirst());
      }
    }
    if (!spec.exitStatuses.isEmpty()) {
      b.append("\nExit status:\n");
      int column = 2 + longest(spec.exitStatuses.keySet()) + 3;
      for (Map.Entry<String, String> e : spec.exitStatuses.entrySet()) {
        row(b, "  " + e.getKey(), column, e.getValue());
      }
    }
    return b.toString();
  }

  /** The synopsis: flags, required options, other options, repeated ones, parameters. */
  private static List<String> synopsis(Cli.Spec spec) {
    StringBuilder shortFlags = new StringBuilder();
    List<String> flags = new ArrayList<>();
    List<String> required = new ArrayList<>();
    List<String> optional = new ArrayList<>();
    List<String> repeated = new ArrayList<>();
    for (Cli.Option o :
        spec.options.stream().sorted(Comparator.comparing(Usage::sortKey)).toList()) {
      String name = shortest(o);
      if (!o.takesValue) {
        if (name.length() == 2) {
          shortFlags.append(name.charAt(1));
        } else {
          flags.add("[" + name + "]");
        }
      } else {
        String given = name + "=" + valueLabel(o);
        if (o.repeated) {
          repeated.add("[" + given + "]...");
        } else if (o.required) {
          required.add(given);
        } else {
          optional.add("[" + given + "]");
        }
      }
    }
    List<String> words = new ArrayList<>();
    if (!shortFlags.isEmpty()) {
      words.add("[-" + shortFlags + "]");
    }
    words.addAll(flags);
    words.addAll(required);
    words.addAll(optional);
    words.addAll(repeated);
    if (!spec.subcommands.isEmpty()) {
      words.add("[COMMAND]");
    }
    for (Cli.Option p : spec.parameters) {
      words.add(parameterLabel(p));
    }
    return words;
  }

  /** An option's names and value, or a parameter's label, as its row of the table shows them. */
  private static String left(Cli.Option o) {
    if (o.names.isEmpty()) {
      return " ".repeat(LONG_COLUMN) + parameterLabel(o);
    }
    String shortName = null;
    String longName = null;
    for (String n : o.names) {
      if (n.startsWith("--")) {
        longName = n;
      } else {
        shortName = n;
      }
    }
    String value = o.takesValue ? "=" + valueLabel(o) : "";
    if (longName == null) {
      return "  " + shortName + value;
    }
    return "  " + (shortName == null ? "    " : shortName + ", ") + longName + value;
  }

  private static String valueLabel(Cli.Option o) {
    return o.split == null ? o.label : o.label + "[" + o.split + o.label + "...]";
  }

  private static String parameterLabel(Cli.Option p) {
    return p.required ? p.label : "[" + p.label + (p.repeated ? "..." : "") + "]";
  }

  private static String description(Cli.Option o) {
    return o.byDefault == null ? o.description : o.description.replace("{default}", o.byDefault);
  }

  /** The short name when there is one, else the long. */
  private static String shortest(Cli.Option o) {
    String shortest = o.names.getFirst();
    for (String n : o.names) {
      shortest = n.length() < shortest.length() ? n : shortest;
    }
    return shortest;
  }

  /** Options go by their shortest name without dashes, case aside: -d, --dsm, -E, --epoch. */
  private static String sortKey(Cli.Option o) {
    return shortest(o).replaceFirst("^--?", "").toLowerCase(Locale.ROOT);
  }

  private static int longest(Iterable<String> names) {
    int longest = 0;
    for (String n : names) {
      longest = Math.max(longest, n.length());
    }
    return longest;
  }

  /**
   * A row of a table: left, then text from column on (or on the next line, when left reaches it),
   * its later lines at column + 2.
   */
  private static void row(StringBuilder b, String left, int column, String text) {
    if (left.length() + 1 > column) {
      b.append(left).append('\n');
      left = "";
    }
    fill(b, left + " ".repeat(column - left.length()), words(text), column + 2);
  }

  /**
   * Appends head and then words, a space between two, breaking lines before WIDTH; a line after the
   * first starts with indent spaces.
   */
  private static void fill(StringBuilder b, String head, List<String> words, int indent) {
    StringBuilder line = new StringBuilder(head);
    boolean empty = true;
    for (String w : words) {
      if (!empty && line.length() + 1 + w.length() > WIDTH) {
        b.append(line).append('\n');
        line = new StringBuilder(" ".repeat(indent));
        empty = true;
      }
      line.append(empty ? "" : " ").append(w);
      empty = false;
    }
    b.append(line.toString().stripTrailing()).append('\n');
  }

  private static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    for (String w : text.split(" ")) {
      if (!w.isEmpty()) {
        words.add(w);
      }
    }
    return words;
  }
}
