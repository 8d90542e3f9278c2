package dev.popcornj.kernel.boot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A kernel's boot command line, parsed: space-separated {@code key=value} words and bare flags, in
 * order; a later word overrides an earlier one with the same key. Words after {@code --} are
 * arguments for init, as Linux passes them.
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

  public static BootParams parse(String cmdline) {
    String[] words = cmdline.trim().isEmpty() ? new String[0] : cmdline.trim().split("\\s+");
    int dashes = List.of(words).indexOf("--");
    List<String> init = dashes < 0 ? List.of() : List.of(words).subList(dashes + 1, words.length);
    BootParams p = new BootParams(cmdline.trim(), List.copyOf(init));
    for (int i = 0; i < (dashes < 0 ? words.length : dashes); i++) {
      String w = words[i];
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
