package dev.popcornj.machine.desc;

/**
 * Makes user text (names, paths, ISA strings) safe to print on one terminal line: line breaks,
 * control characters and escape sequences are written as backslash escapes, so a name can neither
 * break a line nor drive the terminal.
 */
public final class Printable {
  private Printable() {}

  /** The text with every control character written as an escape ({@code \n}, {@code \u001b}). */
  public static String escape(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String escaped =
          switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default ->
                Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                    ? String.format("\\u%04x", (int) c)
                    : null;
          };
      if (escaped != null && b == null) {
        b = new StringBuilder(s.length() + 8).append(s, 0, i);
      }
      if (b != null) {
        if (escaped != null) {
          b.append(escaped);
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? s : b.toString();
  }
}
