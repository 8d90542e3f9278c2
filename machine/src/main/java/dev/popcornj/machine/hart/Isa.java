package dev.popcornj.machine.hart;

import java.util.Locale;

/**
 * A hart's instruction-set string, such as {@code rv64imafdc} or {@code rv64gc}: the base and the
 * single-letter standard extensions it names. G stands for IMAFD with Zicsr and Zifencei, which
 * every PopcornJ hart has. Multi-letter extensions after an underscore ({@code _zicsr_zifencei})
 * are accepted when known.
 */
public record Isa(String text, boolean m, boolean a, boolean f, boolean d, boolean c) {

  /** Parses an ISA string; throws IllegalArgumentException with the reason when it is not valid. */
  public static Isa parse(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (!t.startsWith("rv64")) {
      throw new IllegalArgumentException("ISA string must start with rv64, got '" + s + "'");
    }
    String rest = t.substring(4);
    String single = rest;
    int underscore = rest.indexOf('_');
    if (underscore >= 0) {
      single = rest.substring(0, underscore);
      for (String ext : rest.substring(underscore + 1).split("_")) {
        if (!ext.equals("zicsr") && !ext.equals("zifencei") && !ext.equals("zicntr")) {
          throw new IllegalArgumentException("unknown extension '" + ext + "' in '" + s + "'");
        }
      }
    }
    if (single.isEmpty() || (single.charAt(0) != 'i' && single.charAt(0) != 'g')) {
      throw new IllegalArgumentException("ISA string needs base i or g after rv64 in '" + s + "'");
    }
    boolean m = false;
    boolean a = false;
    boolean f = false;
    boolean d = false;
    boolean c = false;
    String order = "gimafdc";
    int last = -1;
    for (char ch : single.toCharArray()) {
      int pos = order.indexOf(ch);
      if (pos < 0) {
        throw new IllegalArgumentException("unsupported extension '" + ch + "' in '" + s + "'");
      }
      if (pos <= last) {
        throw new IllegalArgumentException(
            "extension '" + ch + "' repeated or out of canonical order in '" + s + "'");
      }
      last = pos;
      switch (ch) {
        case 'g' -> {
          m = true;
          a = true;
          f = true;
          d = true;
        }
        case 'm' -> m = true;
        case 'a' -> a = true;
        case 'f' -> f = true;
        case 'd' -> d = true;
        case 'c' -> c = true;
        default -> {}
      }
    }
    if (d && !f) {
      throw new IllegalArgumentException("extension d requires f in '" + s + "'");
    }
    return new Isa(t, m, a, f, d, c);
  }

  /** The canonical single-letter form, for example rv64imafdc. */
  public String canonical() {
    StringBuilder b = new StringBuilder("rv64i");
    if (m) b.append('m');
    if (a) b.append('a');
    if (f) b.append('f');
    if (d) b.append('d');
    if (c) b.append('c');
    return b.toString();
  }

  /**
   * The AT_HWCAP bits Linux reports for this ISA: bit (letter - 'a') per single-letter extension.
   */
  public long hwcap() {
    long bits = 1L << ('i' - 'a');
    if (m) bits |= 1L << ('m' - 'a');
    if (a) bits |= 1L << ('a' - 'a');
    if (f) bits |= 1L << ('f' - 'a');
    if (d) bits |= 1L << ('d' - 'a');
    if (c) bits |= 1L << ('c' - 'a');
    return bits;
  }
}
