package dev.popcornj.machine.desc;

import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints the quantities of a machine file: byte sizes ({@code 512MiB}), physical
 * addresses ({@code 0x80000000}) and frequencies ({@code 2GHz}). Parsers throw
 * IllegalArgumentException with a reason; the reader adds the file and key.
 */
public final class Quantities {
  private Quantities() {}

  private static final Pattern NUMBER = Pattern.compile("(0[xX][0-9a-fA-F_]+|[0-9][0-9_]*)");
  private static final Pattern SIZE =
      Pattern.compile("(0[xX][0-9a-fA-F_]+|[0-9][0-9_]*)\\s*([a-zA-Z]*)");
  private static final Pattern FREQUENCY = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([a-zA-Z]*)");

  /**
   * A size in bytes: an integer, or a string holding a decimal or hex number with an optional
   * binary unit K, M, G, T (also written KiB, MiB, GiB, TiB), so "1G" and "1GiB" are both 2^30.
   */
  public static long size(Toml.Value v) {
    if (v instanceof Toml.IntegerValue i) {
      return nonNegative(i.value(), "size");
    }
    if (!(v instanceof Toml.StringValue s)) {
      throw new IllegalArgumentException(
          "expected a size such as \"512MiB\" or an integer number of bytes, got " + type(v));
    }
    return size(s.value());
  }

  /** Parses a size string, see {@link #size(Toml.Value)}. */
  public static long size(String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + clip(text) + "' is not a size; write it as 4096, 0x1000, 64KiB, 512M or 1GiB");
    }
    BigInteger number = number(m.group(1));
    int shift =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "", "b" -> 0;
          case "k", "ki", "kib" -> 10;
          case "m", "mi", "mib" -> 20;
          case "g", "gi", "gib" -> 30;
          case "t", "ti", "tib" -> 40;
          case "kb", "mb", "gb", "tb" ->
              throw new IllegalArgumentException(
                  "unit '"
                      + m.group(2)
                      + "' is ambiguous; sizes are binary, write "
                      + m.group(2).charAt(0)
                      + "iB");
          default ->
              throw new IllegalArgumentException(
                  "unknown size unit '"
                      + clip(m.group(2))
                      + "'; use K, M, G, T or KiB, MiB, GiB, TiB");
        };
    return fitLong(number.shiftLeft(shift), "size");
  }

  /** A physical address: an integer, or a string holding a decimal or 0x-prefixed hex number. */
  public static long address(Toml.Value v) {
    if (v instanceof Toml.IntegerValue i) {
      return nonNegative(i.value(), "address");
    }
    if (!(v instanceof Toml.StringValue s)) {
      throw new IllegalArgumentException(
          "expected an address such as 0x80000000 or \"0x80000000\", got " + type(v));
    }
    String t = s.value().strip();
    if (!NUMBER.matcher(t).matches()) {
      throw new IllegalArgumentException(
          "'" + clip(s.value()) + "' is not an address; write it as 0x80000000 or 2147483648");
    }
    return fitLong(number(t), "address");
  }

  /**
   * A frequency in Hz: an integer, or a string such as "2GHz", "2.5 GHz", "10MHz", "32768Hz"; the
   * result must be a whole, positive number of Hz.
   */
  public static long frequency(Toml.Value v) {
    if (v instanceof Toml.IntegerValue i) {
      long hz = nonNegative(i.value(), "frequency");
      if (hz == 0) {
        throw new IllegalArgumentException("frequency must be above 0 Hz");
      }
      return hz;
    }
    if (!(v instanceof Toml.StringValue s)) {
      throw new IllegalArgumentException(
          "expected a frequency such as \"2GHz\" or an integer number of Hz, got " + type(v));
    }
    return frequency(s.value());
  }

  /** Parses a frequency string, see {@link #frequency(Toml.Value)}. */
  public static long frequency(String text) {
    Matcher m = FREQUENCY.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + clip(text) + "' is not a frequency; write it as 2GHz, 10MHz or 32768Hz");
    }
    int exponent =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "", "hz" -> 0;
          case "khz" -> 3;
          case "mhz" -> 6;
          case "ghz" -> 9;
          default ->
              throw new IllegalArgumentException(
                  "unknown frequency unit '" + clip(m.group(2)) + "'; use Hz, kHz, MHz or GHz");
        };
    // by hand, not with BigDecimal, whose class initialisation took 23 ms of a 64-kernel boot
    String digits = m.group(1);
    int point = digits.indexOf('.');
    String whole = point < 0 ? digits : digits.substring(0, point);
    String fraction = point < 0 ? "" : withoutTrailingZeros(digits.substring(point + 1));
    long hz;
    try {
      if (fraction.length() > exponent) {
        throw new ArithmeticException("a fraction of a Hz");
      }
      hz =
          Math.addExact(
              Math.multiplyExact(Long.parseLong(whole), tens(exponent)),
              fraction.isEmpty()
                  ? 0
                  : Long.parseLong(fraction) * tens(exponent - fraction.length()));
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(
          "frequency '" + clip(text) + "' is not a whole number of Hz or is too large");
    }
    if (hz <= 0) {
      throw new IllegalArgumentException("frequency must be above 0 Hz");
    }
    return hz;
  }

  private static String withoutTrailingZeros(String digits) {
    int end = digits.length();
    while (end > 0 && digits.charAt(end - 1) == '0') {
      end--;
    }
    return digits.substring(0, end);
  }

  /** 10 to the power n, for 0 <= n <= 18. */
  private static long tens(int n) {
    long v = 1;
    for (int i = 0; i < n; i++) {
      v *= 10;
    }
    return v;
  }

  /** An integer in [min, max]. */
  public static long integer(Toml.Value v, long min, long max) {
    if (!(v instanceof Toml.IntegerValue i)) {
      throw new IllegalArgumentException("expected an integer, got " + type(v));
    }
    if (i.value() < min || i.value() > max) {
      throw new IllegalArgumentException(
          "must be between " + min + " and " + max + ", got " + i.value());
    }
    return i.value();
  }

  /** A string value. */
  public static String text(Toml.Value v) {
    if (!(v instanceof Toml.StringValue s)) {
      throw new IllegalArgumentException("expected a string, got " + type(v));
    }
    return s.value();
  }

  /** Prints a size with the largest binary unit that divides it, such as "512 MiB" or "4 KiB". */
  public static String formatSize(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int u = 0;
    long v = bytes;
    while (u < units.length - 1 && v != 0 && (v & 1023) == 0) {
      v >>>= 10;
      u++;
    }
    return v + " " + units[u];
  }

  /** Prints a frequency with the largest unit that keeps it at least 1, such as "2.5 GHz". */
  public static String formatFrequency(long hz) {
    String[] units = {"Hz", "kHz", "MHz", "GHz"};
    int u = 0;
    while (u < units.length - 1 && Math.abs(hz / tens(3 * u)) >= 1000) {
      u++;
    }
    long unit = tens(3 * u);
    String fraction =
        u == 0 ? "" : withoutTrailingZeros(String.valueOf(Math.abs(hz % unit) + unit).substring(1));
    String sign = hz < 0 && hz > -unit ? "-" : "";
    return sign + hz / unit + (fraction.isEmpty() ? "" : "." + fraction) + " " + units[u];
  }

  /** Names a value's TOML type for an error message. */
  static String type(Toml.Value v) {
    return switch (v) {
      case Toml.StringValue s -> "a string";
      case Toml.IntegerValue i -> "an integer";
      case Toml.FloatValue f -> "a float";
      case Toml.BooleanValue b -> "a boolean";
      case Toml.Array a -> "an array";
      case Toml.Table t -> "a table";
      case Toml.DateTimeValue d -> d.kind().description();
    };
  }

  /** Cuts user text that is echoed in a message, so one bad value cannot flood the line. */
  static String clip(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  private static BigInteger number(String t) {
    String digits = t.replace("_", "");
    if (digits.startsWith("0x") || digits.startsWith("0X")) {
      if (digits.length() == 2) {
        throw new IllegalArgumentException("'" + t + "' has no hex digits");
      }
      return new BigInteger(digits.substring(2), 16);
    }
    return new BigInteger(digits);
  }

  private static long nonNegative(long v, String what) {
    if (v < 0) {
      throw new IllegalArgumentException(what + " must not be negative, got " + v);
    }
    return v;
  }

  private static long fitLong(BigInteger b, String what) {
    if (b.bitLength() > 63) {
      throw new IllegalArgumentException(what + " " + clip(b.toString()) + " is too large");
    }
    return b.longValueExact();
  }
}
