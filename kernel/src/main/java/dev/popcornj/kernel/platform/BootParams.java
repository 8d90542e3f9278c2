package dev.popcornj.kernel.platform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A kernel's boot command line, parsed: space-separated {@code key=value} words and bare flags, in
 * order; a later word overrides an earlier one with the same key. Words after {@code --} are
 * arguments for init, as Linux passes them. As in Linux, double quotes group spaces into a word
 * ({@code init_arg="a b"} or {@code "a b"}) and are removed; an unclosed quote runs to the end.
 *
 * <p>Immutable.
 */
public final class BootParams {
  private final String cmdline;
  private final Map<String, String> values = new LinkedHashMap<>();
  private final List<String> initArgs;

  private BootParams(String cmdline, List<String> initArgs) {
    this.cmdline = cmdline;
    this.initArgs = initArgs;
  }

  /** One word of a command line: its text without quotes, and where it starts and ends. */
  private record Word(String text, int start, int end, boolean quoted) {}

  private static List<Word> scan(String cmdline) {
    List<Word> words = new ArrayList<>();
    int i = 0;
    int n = cmdline.length();
    while (i < n) {
      while (i < n && Character.isWhitespace(cmdline.charAt(i))) {
        i++;
      }
      if (i == n) {
        break;
      }
      int start = i;
      boolean inQuotes = false;
      boolean quoted = false;
      StringBuilder text = new StringBuilder();
      while (i < n && (inQuotes || !Character.isWhitespace(cmdline.charAt(i)))) {
        char c = cmdline.charAt(i++);
        if (c == '"') {
          inQuotes = !inQuotes;
          quoted = true;
        } else {
          text.append(c);
        }
      }
      words.add(new Word(text.toString(), start, i, quoted));
    }
    return words;
  }

  /** The words of a command line, quotes removed. */
  public static List<String> words(String cmdline) {
    return scan(cmdline).stream().map(Word::text).toList();
  }

  /** Where init's part (the unquoted {@code --}) starts in cmdline, or -1. */
  private static int dashes(List<Word> words) {
    for (int i = 0; i < words.size(); i++) {
      if (!words.get(i).quoted() && words.get(i).text().equals("--")) {
        return i;
      }
    }
    return -1;
  }

  /**
   * cmdline with more kernel words added after its own and before init's part: how a loader adds
   * what it knows so that it overrides what the user wrote.
   */
  public static String withKernelWords(String cmdline, String more) {
    List<Word> words = scan(cmdline);
    int d = dashes(words);
    if (d < 0) {
      return (cmdline.strip() + " " + more.strip()).strip();
    }
    int at = words.get(d).start();
    return (cmdline.substring(0, at).strip() + " " + more.strip() + " " + cmdline.substring(at))
        .strip();
  }

  /**
   * A word that reads back as arg: quoted when it has spaces (or is empty, or is "--"). An argument
   * with a double quote or a line break cannot be written on a command line.
   *
   * @throws BootException for such an argument
   */
  public static String quote(String arg) {
    if (arg.indexOf('"') >= 0 || arg.indexOf('\n') >= 0 || arg.indexOf('\r') >= 0) {
      throw new BootException(
          "argument " + arg.strip() + ": a kernel command line cannot carry quotes or line breaks");
    }
    boolean plain =
        !arg.isEmpty() && !arg.equals("--") && arg.chars().noneMatch(Character::isWhitespace);
    return plain ? arg : "\"" + arg + "\"";
  }

  public static BootParams parse(String cmdline) {
    List<Word> scanned = scan(cmdline);
    List<String> words = scanned.stream().map(Word::text).toList();
    int dashes = dashes(scanned);
    List<String> init = dashes < 0 ? List.of() : words.subList(dashes + 1, words.size());
    BootParams p = new BootParams(cmdline.trim(), List.copyOf(init));
    for (int i = 0; i < (dashes < 0 ? words.size() : dashes); i++) {
      String w = words.get(i);
      int eq = w.indexOf('=');
      if (eq < 0) {
        p.values.put(w, "");
      } else {
        p.values.put(w.substring(0, eq), w.substring(eq + 1));
      }
    }
    return p;
  }

  public String cmdline() {
    return cmdline;
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  public boolean flag(String key) {
    return values.containsKey(key);
  }

  /** A number parameter (decimal or 0x hex) or the default; a malformed one is a boot error. */
  public long number(String key, long dflt) {
    String v = values.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      return v.startsWith("0x") ? Long.parseUnsignedLong(v.substring(2), 16) : Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new BootException("boot parameter " + key + "=" + v + " is not a number");
    }
  }

  public List<String> initArgs() {
    return initArgs;
  }
}
