package dev.popcornj.machine.desc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Hart id lists as Linux writes CPU lists ({@code "0-7,9,12-13"}), parsed from and printed to
 * machine files. The parser rejects ids beyond a bound so a typo like "0-4000000000" cannot make
 * the reader allocate a huge list.
 */
public final class CpuList {
  private CpuList() {}

  /**
   * Reads a hart list from a TOML value: a CPU-list string, a single integer, or an array of
   * integers. Returns the ids in the order written; a repeated id is an error.
   */
  public static List<Integer> parse(Toml.Value v, int maxId) {
    if (v instanceof Toml.IntegerValue) {
      return List.of((int) Quantities.integer(v, 0, maxId));
    }
    if (v instanceof Toml.Array a) {
      Set<Integer> ids = new LinkedHashSet<>();
      for (Toml.Value e : a.items()) {
        int id = (int) Quantities.integer(e, 0, maxId);
        if (!ids.add(id)) {
          throw new IllegalArgumentException("hart " + id + " listed twice");
        }
      }
      if (ids.isEmpty()) {
        throw new IllegalArgumentException("empty hart list");
      }
      return List.copyOf(ids);
    }
    if (v instanceof Toml.StringValue s) {
      return parse(s.value(), maxId);
    }
    throw new IllegalArgumentException(
        "expected a hart list such as \"0-3,8\", an integer or an array of integers, got "
            + Quantities.type(v));
  }

  /** Parses a CPU-list string such as {@code "0-3,8,10-11"}. */
  public static List<Integer> parse(String text, int maxId) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("empty hart list");
    }
    Set<Integer> ids = new LinkedHashSet<>();
    for (String part : text.split(",", -1)) {
      String p = part.strip();
      int dash = p.indexOf('-');
      int first = id(dash < 0 ? p : p.substring(0, dash), text, maxId);
      int last = dash < 0 ? first : id(p.substring(dash + 1), text, maxId);
      if (last < first) {
        throw new IllegalArgumentException(
            "range '" + p + "' runs backwards in '" + Quantities.clip(text) + "'");
      }
      for (int id = first; id <= last; id++) {
        if (!ids.add(id)) {
          throw new IllegalArgumentException(
              "hart " + id + " listed twice in '" + Quantities.clip(text) + "'");
        }
      }
    }
    return List.copyOf(ids);
  }

  /** Prints ids as a compact, sorted CPU list, such as {@code "0-3,8"}; "none" when empty. */
  public static String format(Collection<Integer> ids) {
    if (ids.isEmpty()) {
      return "none";
    }
    List<String> parts = new ArrayList<>();
    Integer start = null;
    int prev = 0;
    for (int id : new TreeSet<>(ids)) {
      if (start != null && id == prev + 1) {
        prev = id;
        continue;
      }
      if (start != null) {
        parts.add(start == prev ? "" + start : start + "-" + prev);
      }
      start = id;
      prev = id;
    }
    parts.add(start == prev ? "" + start : start + "-" + prev);
    return String.join(",", parts);
  }

  private static int id(String s, String whole, int maxId) {
    String t = s.strip();
    if (t.isEmpty() || t.length() > 9 || !t.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(
          "'" + Quantities.clip(whole) + "' is not a hart list; write it like \"0-3,8,10-11\"");
    }
    int id = Integer.parseInt(t);
    if (id > maxId) {
      throw new IllegalArgumentException("hart id " + id + " is above the limit " + maxId);
    }
    return id;
  }
}
