package dev.popcornj.machine.desc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a TOML 1.0 document into an immutable tree of {@link Value}s: tables that keep their keys
 * in file order, arrays, strings, 64-bit integers, floats, booleans, and dates and times kept as
 * written. A document that is not TOML is refused with one {@link SyntaxException} naming the line
 * and the reason, whatever characters it holds.
 *
 * <p>Machine files are read once per command, cold, before anything else runs, so this reader is
 * plain code over the characters: no reflection, no regular expressions, no date or calendar
 * classes, and nothing to initialise.
 *
 * <h2>Grammar, as read here</h2>
 *
 * <pre>
 * document    = line *( newline line )        newline = LF | CR LF
 * line        = ws [ keyval | "[" key "]" | "[[" key "]]" ] ws [ comment ]
 * key         = simple-key *( ws "." ws simple-key )
 * simple-key  = 1*( A-Z a-z 0-9 _ - ) | basic-string | literal-string
 * keyval      = key ws "=" ws value
 * value       = string | integer | float | boolean | date-time | array | inline-table
 * array       = "[" *( blanks value blanks "," ) [ blanks value blanks ] "]"
 *                 blanks: whitespace, comments and newlines
 * inline-table = "{" ws [ keyval *( ws "," ws keyval ) ] ws "}"     on one line, no trailing comma
 * </pre>
 *
 * <h2>Tables and redefinition</h2>
 *
 * A table comes into being in one of four ways, which decide what may later touch it:
 *
 * <pre>
 *   [a.b.c]      c is defined by its header; a and b are implicit until a header of their own
 *   x.y = 1      x is defined by dotted keys (within the section that wrote them)
 *   t = {..}     an inline table is complete; nothing may add to it
 *   [[arr]]      each header appends a table to arr; a header [arr.k] goes into the last one
 * </pre>
 *
 * A header may define a table once, and only one that is implicit or new; dotted keys may create
 * tables or go into ones they or a header path created, but never into one defined by its own
 * header, an array of tables or an inline table. A key is defined once.
 */
public final class Toml {
  /**
   * The deepest nesting of tables and arrays a document may have. A machine file needs three
   * ({@code [[harts]]} holds a table, which holds an array); the bound keeps the reader's
   * recursion, and that of whoever walks the tree, far from the stack's end.
   */
  public static final int MAX_DEPTH = 100;

  /** A TOML value. */
  public sealed interface Value
      permits Table, Array, StringValue, IntegerValue, FloatValue, BooleanValue, DateTimeValue {}

  /** A table: its keys in the order the document first gives them. */
  public record Table(Map<String, Value> entries) implements Value {
    public Table {
      entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** The value of a key, or null when the table has no such key. */
    public Value get(String key) {
      return entries.get(key);
    }
  }

  /** An array, written inline ({@code [1, 2]}) or as an array of tables ({@code [[harts]]}). */
  public record Array(List<Value> items) implements Value {
    public Array {
      items = List.copyOf(items);
    }
  }

  public record StringValue(String value) implements Value {}

  public record IntegerValue(long value) implements Value {}

  public record FloatValue(double value) implements Value {}

  public record BooleanValue(boolean value) implements Value {}

  /**
   * A date, a time or both, as written. Its form is checked (ranges of each field included) but it
   * is not converted: no machine key takes one, so a reader only needs to refuse it by name.
   */
  public record DateTimeValue(String text, DateTimeKind kind) implements Value {}

  public enum DateTimeKind {
    OFFSET_DATE_TIME("an offset date-time"),
    LOCAL_DATE_TIME("a local date-time"),
    LOCAL_DATE("a local date"),
    LOCAL_TIME("a local time");

    private final String description;

    DateTimeKind(String description) {
      this.description = description;
    }

    /** The kind with its article, for messages: "a local date". */
    public String description() {
      return description;
    }
  }

  /** A document that is not TOML: the line of the problem and what it is. */
  public static final class SyntaxException extends Exception {
    private final int line;
    private final String reason;

    SyntaxException(int line, String reason) {
      super("line " + line + ": " + reason);
      this.line = line;
      this.reason = reason;
    }

    /** The line of the problem, counted from 1. */
    public int line() {
      return line;
    }

    public String reason() {
      return reason;
    }
  }

  /** Parses a whole document into its root table. */
  public static Table parse(String text) throws SyntaxException {
    Toml reader = new Toml(text);
    reader.document();
    return freeze(reader.root);
  }

  // ---- The tree while it is being read -----------------------------------------------------

  /** How a table still being read came into being; see the class comment. */
  private enum Origin {
    IMPLICIT,
    HEADER,
    DOTTED,
    INLINE
  }

  /** What a key of a table being read holds. */
  private sealed interface Slot permits OpenTable, OpenArrayOfTables, Closed {}

  /** A table that headers or dotted keys may still add to, depending on its origin. */
  private static final class OpenTable implements Slot {
    final Map<String, Slot> entries = new LinkedHashMap<>();
    final int depth;
    Origin origin;

    OpenTable(Origin origin, int depth) {
      this.origin = origin;
      this.depth = depth;
    }
  }

  /** An array of tables, which each {@code [[key]]} header appends to. */
  private record OpenArrayOfTables(List<OpenTable> tables, int depth) implements Slot {}

  /** A value that is complete: a scalar, an inline array or an inline table. */
  private record Closed(Value value) implements Slot {}

  private static Table freeze(OpenTable t) {
    Map<String, Value> entries = new LinkedHashMap<>();
    for (Map.Entry<String, Slot> e : t.entries.entrySet()) {
      Value v =
          switch (e.getValue()) {
            case OpenTable o -> freeze(o);
            case OpenArrayOfTables a ->
                new Array(a.tables().stream().<Value>map(Toml::freeze).toList());
            case Closed c -> c.value();
          };
      entries.put(e.getKey(), v);
    }
    return new Table(entries);
  }

  // ---- The reader ---------------------------------------------------------------------------

  private final String text;
  private final int end;
  private final OpenTable root = new OpenTable(Origin.HEADER, 0);

  /** The next character to read. */
  private int pos;

  private Toml(String text) {
    this.text = text;
    this.end = text.length();
  }

  private void document() throws SyntaxException {
    if (text.startsWith("\uFEFF")) {
      pos = 1;
    }
    OpenTable current = root;
    while (pos < end) {
      skipWhitespace();
      if (pos == end) {
        break;
      }
      char c = text.charAt(pos);
      if (c == '[') {
        current = header();
      } else if (c != '#' && c != '\n' && c != '\r') {
        keyValue(current);
      }
      endOfLine();
    }
  }

  /** After an expression: whitespace, an optional comment, then a newline or the end. */
  private void endOfLine() throws SyntaxException {
    skipWhitespace();
    if (pos < end && text.charAt(pos) == '#') {
      comment();
    }
    if (pos < end && !newline()) {
      throw error(pos, "Expected a newline or a comment, found " + describe(text.charAt(pos)));
    }
  }

  /** Reads {@code [key]} or {@code [[key]]} and returns the table that the lines below fill. */
  private OpenTable header() throws SyntaxException {
    int start = pos;
    boolean arrayOfTables = text.startsWith("[[", pos);
    pos += arrayOfTables ? 2 : 1;
    List<String> key = key();
    String close = arrayOfTables ? "]]" : "]";
    if (!text.startsWith(close, pos)) {
      if (pos == end) {
        throw prematureEnd("in a table header");
      }
      throw error(pos, "Expected " + close + " to close the table header");
    }
    pos += close.length();

    OpenTable t = root;
    for (int i = 0; i < key.size() - 1; i++) {
      String k = key.get(i);
      t =
          switch (t.entries.get(k)) {
            case null -> child(t, k, Origin.IMPLICIT, start);
            case OpenTable o -> o;
            case OpenArrayOfTables a -> a.tables().getLast();
            case Closed c -> throw alreadyValue(start, key, i, c);
          };
    }
    String last = key.getLast();
    Slot slot = t.entries.get(last);
    if (arrayOfTables) {
      OpenArrayOfTables array =
          switch (slot) {
            case null -> {
              checkDepth(t.depth + 1, start);
              OpenArrayOfTables a = new OpenArrayOfTables(new ArrayList<>(), t.depth + 1);
              t.entries.put(last, a);
              yield a;
            }
            case OpenArrayOfTables a -> a;
            case OpenTable o ->
                throw error(
                    start, "Table [" + path(key) + "] is already a table, not an array of tables");
            case Closed c -> throw alreadyValue(start, key, key.size() - 1, c);
          };
      checkDepth(array.depth() + 1, start);
      OpenTable element = new OpenTable(Origin.HEADER, array.depth() + 1);
      array.tables().add(element);
      return element;
    }
    return switch (slot) {
      case null -> child(t, last, Origin.HEADER, start);
      case OpenTable o when o.origin == Origin.IMPLICIT -> {
        o.origin = Origin.HEADER;
        yield o;
      }
      case OpenTable o ->
          throw error(
              start,
              "Table redefined: ["
                  + path(key)
                  + "] is already defined"
                  + (o.origin == Origin.DOTTED ? " by dotted keys" : ""));
      case OpenArrayOfTables a ->
          throw error(start, "Table redefined: [" + path(key) + "] is already an array of tables");
      case Closed c -> throw alreadyValue(start, key, key.size() - 1, c);
    };
  }

  /** Reads {@code key = value} into a table (the current section's, or an inline one). */
  private void keyValue(OpenTable table) throws SyntaxException {
    int start = pos;
    List<String> key = key();
    if (pos == end) {
      throw prematureEnd("after a key; expected = and a value");
    }
    if (text.charAt(pos) != '=') {
      throw error(
          pos, "Expected = after the key " + path(key) + ", found " + describe(text.charAt(pos)));
    }
    pos++;
    skipWhitespace();

    OpenTable t = table;
    for (int i = 0; i < key.size() - 1; i++) {
      String k = key.get(i);
      t =
          switch (t.entries.get(k)) {
            case null -> child(t, k, Origin.DOTTED, start);
            case OpenTable o when o.origin == Origin.HEADER ->
                throw error(
                    start,
                    "Table redefined: "
                        + path(key.subList(0, i + 1))
                        + " is a table defined by its own header; dotted keys cannot add to it");
            case OpenTable o -> {
              // An implicit table that dotted keys enter is theirs from now on: no header may
              // define it afterwards.
              o.origin = Origin.DOTTED;
              yield o;
            }
            case OpenArrayOfTables a ->
                throw error(
                    start,
                    "Duplicate key "
                        + path(key.subList(0, i + 1))
                        + ": it is an array of tables, which dotted keys cannot add to");
            case Closed c -> throw alreadyValue(start, key, i, c);
          };
    }
    String last = key.getLast();
    if (t.entries.containsKey(last)) {
      throw error(start, "Duplicate key " + path(key));
    }
    t.entries.put(last, new Closed(value(t.depth)));
  }

  /** A new table under a key, refused when it would nest too deep. */
  private OpenTable child(OpenTable parent, String key, Origin origin, int at)
      throws SyntaxException {
    checkDepth(parent.depth + 1, at);
    OpenTable t = new OpenTable(origin, parent.depth + 1);
    parent.entries.put(key, t);
    return t;
  }

  private SyntaxException alreadyValue(int at, List<String> key, int index, Closed c) {
    return error(
        at,
        "Duplicate key "
            + path(key.subList(0, index + 1))
            + ": it is already "
            + Quantities.type(c.value())
            + (c.value() instanceof Table ? " written inline, which is complete" : ""));
  }

  /** A key, plain or dotted; leaves pos after the whitespace that follows it. */
  private List<String> key() throws SyntaxException {
    List<String> parts = new ArrayList<>(2);
    while (true) {
      skipWhitespace();
      parts.add(simpleKey());
      skipWhitespace();
      if (pos == end || text.charAt(pos) != '.') {
        return parts;
      }
      pos++;
    }
  }

  private String simpleKey() throws SyntaxException {
    if (pos == end) {
      throw prematureEnd("where a key was expected");
    }
    char c = text.charAt(pos);
    if (c == '"' || c == '\'') {
      if (text.startsWith(c == '"' ? "\"\"\"" : "'''", pos)) {
        throw error(pos, "A key cannot be a multi-line string");
      }
      return c == '"' ? basicString() : literalString();
    }
    int start = pos;
    while (pos < end && isBareKeyChar(text.charAt(pos))) {
      pos++;
    }
    if (pos == start) {
      throw error(pos, "Expected a key, found " + describe(c));
    }
    return text.substring(start, pos);
  }

  /** A value that begins at pos; arrays and inline tables in it nest below depth. */
  private Value value(int depth) throws SyntaxException {
    if (pos == end) {
      throw prematureEnd("where a value was expected");
    }
    return switch (text.charAt(pos)) {
      case '"' ->
          new StringValue(
              text.startsWith("\"\"\"", pos) ? multiLineString('"', true) : basicString());
      case '\'' ->
          new StringValue(
              text.startsWith("'''", pos) ? multiLineString('\'', false) : literalString());
      case '[' -> array(depth + 1);
      case '{' -> inlineTable(depth + 1);
      default -> scalar();
    };
  }

  private Array array(int depth) throws SyntaxException {
    int start = pos;
    checkDepth(depth, start);
    pos++;
    List<Value> items = new ArrayList<>();
    while (true) {
      skipBlankLines();
      if (pos == end) {
        throw prematureEnd("in an array opened on line " + line(start));
      }
      if (text.charAt(pos) == ']') {
        pos++;
        return new Array(items);
      }
      items.add(value(depth));
      skipBlankLines();
      if (pos == end) {
        throw prematureEnd("in an array opened on line " + line(start));
      }
      char c = text.charAt(pos);
      if (c == ']') {
        pos++;
        return new Array(items);
      }
      if (c != ',') {
        throw error(pos, "Expected , or ] in an array, found " + describe(c));
      }
      pos++;
    }
  }

  private Table inlineTable(int depth) throws SyntaxException {
    int start = pos;
    checkDepth(depth, start);
    pos++;
    OpenTable t = new OpenTable(Origin.INLINE, depth);
    skipWhitespace();
    if (pos < end && text.charAt(pos) == '}') {
      pos++;
      return freeze(t);
    }
    while (true) {
      keyValue(t);
      skipWhitespace();
      if (pos == end) {
        throw prematureEnd("in an inline table opened on line " + line(start));
      }
      char c = text.charAt(pos);
      if (c == '}') {
        pos++;
        return freeze(t);
      }
      if (c == '\n' || c == '\r') {
        throw newlineInInlineTable();
      }
      if (c != ',') {
        throw error(pos, "Expected , or } in an inline table, found " + describe(c));
      }
      pos++;
      skipWhitespace();
      if (pos < end && text.charAt(pos) == '}') {
        throw error(pos, "Trailing comma in an inline table; TOML allows none there");
      }
      if (pos < end && (text.charAt(pos) == '\n' || text.charAt(pos) == '\r')) {
        throw newlineInInlineTable();
      }
    }
  }

  private SyntaxException newlineInInlineTable() {
    return error(pos, "Newline in an inline table; an inline table is written on one line");
  }

  // ---- Strings ------------------------------------------------------------------------------

  /** {@code "..."}: one line, with escapes. */
  private String basicString() throws SyntaxException {
    pos++;
    StringBuilder b = new StringBuilder();
    while (true) {
      if (pos == end) {
        throw prematureEnd("in a string");
      }
      char c = text.charAt(pos);
      if (c == '"') {
        pos++;
        return b.toString();
      }
      if (c == '\\') {
        escape(b, false);
      } else if (c == '\n' || c == '\r') {
        throw error(pos, "Newline in a string; close it with \" on its line, or use \"\"\"");
      } else {
        checkNotControl(c, "a string; write it as an escape such as \\u0001");
        b.append(c);
        pos++;
      }
    }
  }

  /** {@code '...'}: one line, taken as written. */
  private String literalString() throws SyntaxException {
    int start = ++pos;
    while (true) {
      if (pos == end) {
        throw prematureEnd("in a string");
      }
      char c = text.charAt(pos);
      if (c == '\'') {
        return text.substring(start, pos++);
      }
      if (c == '\n' || c == '\r') {
        throw error(pos, "Newline in a string; close it with ' on its line, or use '''");
      }
      checkNotControl(c, "a literal string");
      pos++;
    }
  }

  /**
   * {@code """..."""} (escapes) or {@code '''...'''} (as written): a newline just after the opening
   * delimiter is dropped, and one or two quotes may stand just inside the closing one.
   */
  private String multiLineString(char quote, boolean escapes) throws SyntaxException {
    int start = pos;
    pos += 3;
    if (text.startsWith("\n", pos)) {
      pos++;
    } else if (text.startsWith("\r\n", pos)) {
      pos += 2;
    }
    StringBuilder b = new StringBuilder();
    while (true) {
      if (pos == end) {
        throw prematureEnd("in a multi-line string opened on line " + line(start));
      }
      char c = text.charAt(pos);
      if (c == quote) {
        int run = 1;
        while (pos + run < end && text.charAt(pos + run) == quote) {
          run++;
        }
        if (run > 5) {
          throw error(pos, "Too many quotes: at most two may stand just inside the closing ones");
        }
        b.repeat(quote, run < 3 ? run : run - 3);
        pos += run;
        if (run >= 3) {
          return b.toString();
        }
      } else if (c == '\\' && escapes) {
        escape(b, true);
      } else if (c == '\n') {
        b.append('\n');
        pos++;
      } else if (c == '\r') {
        if (!text.startsWith("\r\n", pos)) {
          throw bareCarriageReturn();
        }
        b.append('\n');
        pos += 2;
      } else {
        checkNotControl(c, "a string");
        b.append(c);
        pos++;
      }
    }
  }

  /** An escape at pos (a backslash); in a multi-line string also the line-ending backslash. */
  private void escape(StringBuilder b, boolean multiLine) throws SyntaxException {
    int start = pos;
    pos++;
    if (pos == end) {
      throw prematureEnd("in a string");
    }
    char c = text.charAt(pos++);
    switch (c) {
      case 'b' -> b.append('\b');
      case 't' -> b.append('\t');
      case 'n' -> b.append('\n');
      case 'f' -> b.append('\f');
      case 'r' -> b.append('\r');
      case '"' -> b.append('"');
      case '\\' -> b.append('\\');
      case 'u' -> b.appendCodePoint(unicodeEscape(start, 4));
      case 'U' -> b.appendCodePoint(unicodeEscape(start, 8));
      default -> {
        if (multiLine && lineEndingBackslash(start + 1)) {
          return;
        }
        throw error(
            start,
            "Unknown escape sequence \\"
                + (c == ' ' || c < 0x20 || c == 0x7f ? "followed by " + describe(c) : c)
                + "; escapes are \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX");
      }
    }
  }

  /**
   * Whether a backslash ends its line (only whitespace after it), and if so skips the whitespace
   * and newlines up to the next other character.
   */
  private boolean lineEndingBackslash(int from) {
    int p = from;
    while (p < end && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) {
      p++;
    }
    if (!text.startsWith("\n", p) && !text.startsWith("\r\n", p)) {
      return false;
    }
    while (p < end) {
      char c = text.charAt(p);
      if (c == ' ' || c == '\t' || c == '\n') {
        p++;
      } else if (text.startsWith("\r\n", p)) {
        p += 2;
      } else {
        break;
      }
    }
    pos = p;
    return true;
  }

  /** The code point of {@code \\uXXXX} or {@code \\UXXXXXXXX} whose backslash is at start. */
  private int unicodeEscape(int start, int digits) throws SyntaxException {
    long cp = 0;
    for (int i = 0; i < digits; i++) {
      int d = pos < end ? digitValue(text.charAt(pos)) : -1;
      if (d < 0 || d > 15) {
        throw error(
            start,
            "Bad escape: \\" + (digits == 4 ? "u" : "U") + " takes " + digits + " hex digits");
      }
      cp = cp * 16 + d;
      pos++;
    }
    if (cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
      throw error(
          start, "Bad escape: " + text.substring(start, pos) + " is not a Unicode scalar value");
    }
    return (int) cp;
  }

  // ---- Numbers, booleans, dates -------------------------------------------------------------

  /** A value that is not a string, array or inline table: one run of value characters. */
  private Value scalar() throws SyntaxException {
    int start = pos;
    while (pos < end && isScalarChar(text.charAt(pos))) {
      pos++;
    }
    // A date and a time may be separated by a space rather than T.
    if (pos - start == 10
        && looksLikeDate(text, start)
        && pos + 3 < end
        && text.charAt(pos) == ' '
        && isDigit(text.charAt(pos + 1))
        && isDigit(text.charAt(pos + 2))
        && text.charAt(pos + 3) == ':') {
      pos++;
      while (pos < end && isScalarChar(text.charAt(pos))) {
        pos++;
      }
    }
    String token = text.substring(start, pos);
    if (token.isEmpty()) {
      throw error(start, "Expected a value, found " + describe(text.charAt(start)));
    }
    return switch (token) {
      case "true" -> new BooleanValue(true);
      case "false" -> new BooleanValue(false);
      case "inf", "+inf" -> new FloatValue(Double.POSITIVE_INFINITY);
      case "-inf" -> new FloatValue(Double.NEGATIVE_INFINITY);
      case "nan", "+nan", "-nan" -> new FloatValue(Double.NaN);
      default -> {
        if (token.indexOf(':') >= 0 || looksLikeDate(token, 0)) {
          yield dateTime(token, start);
        }
        if (!isDigit(token.charAt(0)) && token.charAt(0) != '+' && token.charAt(0) != '-') {
          throw error(
              start,
              "Unknown value '"
                  + Quantities.clip(token)
                  + "'; a string is written in quotes, such as \"text\"");
        }
        yield number(token, start);
      }
    };
  }

  /** An integer (decimal, or 0x, 0o, 0b) or a float, from a run of value characters. */
  private Value number(String t, int at) throws SyntaxException {
    if (t.length() >= 2 && t.charAt(0) == '0' && "xob".indexOf(t.charAt(1)) >= 0) {
      int radix = t.charAt(1) == 'x' ? 16 : t.charAt(1) == 'o' ? 8 : 2;
      String digits = t.substring(2);
      checkDigits(digits, radix, t, at);
      long v = 0;
      for (int i = 0; i < digits.length(); i++) {
        int d = digitValue(digits.charAt(i));
        if (d < 0) {
          continue;
        }
        if (v > (Long.MAX_VALUE - d) / radix) {
          throw outOfRange(t, at);
        }
        v = v * radix + d;
      }
      return new IntegerValue(v);
    }
    int i = t.charAt(0) == '+' || t.charAt(0) == '-' ? 1 : 0;
    int intEnd = digitRunEnd(t, i);
    String integral = t.substring(i, intEnd);
    checkDigits(integral, 10, t, at);
    if (integral.length() > 1 && integral.charAt(0) == '0') {
      throw error(at, "Invalid number '" + Quantities.clip(t) + "': leading zeros are not allowed");
    }
    if (intEnd == t.length()) {
      try {
        return new IntegerValue(Long.parseLong(t.replace("_", "")));
      } catch (NumberFormatException e) {
        throw outOfRange(t, at);
      }
    }
    int j = intEnd;
    if (t.charAt(j) == '.') {
      int fracEnd = digitRunEnd(t, j + 1);
      checkDigits(t.substring(j + 1, fracEnd), 10, t, at);
      j = fracEnd;
    }
    if (j < t.length() && (t.charAt(j) == 'e' || t.charAt(j) == 'E')) {
      j++;
      if (j < t.length() && (t.charAt(j) == '+' || t.charAt(j) == '-')) {
        j++;
      }
      int expEnd = digitRunEnd(t, j);
      checkDigits(t.substring(j, expEnd), 10, t, at);
      j = expEnd;
    }
    if (j != t.length()) {
      throw invalidNumber(t, at);
    }
    double d = Double.parseDouble(t.replace("_", ""));
    if (Double.isInfinite(d)) {
      throw error(at, "Float '" + Quantities.clip(t) + "' is out of range");
    }
    return new FloatValue(d);
  }

  /** Where a run of ASCII digits and underscores that begins at i ends. */
  private static int digitRunEnd(String t, int i) {
    while (i < t.length() && (isDigit(t.charAt(i)) || t.charAt(i) == '_')) {
      i++;
    }
    return i;
  }

  /** Digits of a radix with underscores only between two digits, and at least one digit. */
  private void checkDigits(String digits, int radix, String whole, int at) throws SyntaxException {
    if (digits.isEmpty()) {
      throw invalidNumber(whole, at);
    }
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c == '_') {
        if (i == 0 || i == digits.length() - 1 || digits.charAt(i + 1) == '_') {
          throw error(
              at,
              "Invalid number '"
                  + Quantities.clip(whole)
                  + "': an underscore must stand between two digits");
        }
      } else {
        int d = digitValue(c);
        if (d < 0 || d >= radix) {
          throw invalidNumber(whole, at);
        }
      }
    }
  }

  private SyntaxException invalidNumber(String t, int at) {
    return error(at, "Invalid number '" + Quantities.clip(t) + "'");
  }

  private SyntaxException outOfRange(String t, int at) {
    return error(
        at,
        "Integer '"
            + Quantities.clip(t)
            + "' is out of range; TOML integers are 64-bit signed, -2^63 to 2^63-1");
  }

  /**
   * A date ({@code 1979-05-27}), a time ({@code 07:32:00.5}) or both, joined by T or a space, the
   * date-time optionally with an offset ({@code Z}, {@code -07:00}).
   */
  private Value dateTime(String t, int at) throws SyntaxException {
    int n = t.length();
    int i = 0;
    boolean date = false;
    if (n >= 10 && t.charAt(4) == '-' && t.charAt(7) == '-') {
      int year = digits(t, 0, 4);
      int month = digits(t, 5, 2);
      int day = digits(t, 8, 2);
      if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) {
        throw badDateTime(t, at);
      }
      if (n == 10) {
        return new DateTimeValue(t, DateTimeKind.LOCAL_DATE);
      }
      char delimiter = t.charAt(10);
      if (delimiter != 'T' && delimiter != 't' && delimiter != ' ') {
        throw badDateTime(t, at);
      }
      date = true;
      i = 11;
    }
    if (i + 8 > n || t.charAt(i + 2) != ':' || t.charAt(i + 5) != ':') {
      throw badDateTime(t, at);
    }
    int hour = digits(t, i, 2);
    int minute = digits(t, i + 3, 2);
    int second = digits(t, i + 6, 2);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
      throw badDateTime(t, at);
    }
    i += 8;
    if (i < n && t.charAt(i) == '.') {
      int fraction = ++i;
      while (i < n && isDigit(t.charAt(i))) {
        i++;
      }
      if (i == fraction) {
        throw badDateTime(t, at);
      }
    }
    if (i == n) {
      return new DateTimeValue(t, date ? DateTimeKind.LOCAL_DATE_TIME : DateTimeKind.LOCAL_TIME);
    }
    char z = t.charAt(i);
    boolean offset =
        date
            && ((z == 'Z' || z == 'z') && i + 1 == n
                || (z == '+' || z == '-')
                    && i + 6 == n
                    && t.charAt(i + 3) == ':'
                    && digits(t, i + 1, 2) >= 0
                    && digits(t, i + 1, 2) <= 23
                    && digits(t, i + 4, 2) >= 0
                    && digits(t, i + 4, 2) <= 59);
    if (!offset) {
      throw badDateTime(t, at);
    }
    return new DateTimeValue(t, DateTimeKind.OFFSET_DATE_TIME);
  }

  private SyntaxException badDateTime(String t, int at) {
    return error(
        at,
        "Invalid date or time '"
            + Quantities.clip(t)
            + "'; write it as 1979-05-27, 07:32:00 or 1979-05-27T07:32:00Z");
  }

  private static boolean looksLikeDate(String s, int i) {
    return s.length() >= i + 5 && digits(s, i, 4) >= 0 && s.charAt(i + 4) == '-';
  }

  /** The value of count ASCII digits at i, or -1 when they are not all there. */
  private static int digits(String s, int i, int count) {
    if (i + count > s.length()) {
      return -1;
    }
    int v = 0;
    for (int k = i; k < i + count; k++) {
      char c = s.charAt(k);
      if (!isDigit(c)) {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static int daysIn(int year, int month) {
    return switch (month) {
      case 2 -> year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  // ---- Characters, whitespace, comments, errors ----------------------------------------------

  private void skipWhitespace() {
    while (pos < end && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
      pos++;
    }
  }

  /** Whitespace, comments and newlines, as may stand between the values of an array. */
  private void skipBlankLines() throws SyntaxException {
    while (true) {
      skipWhitespace();
      if (pos < end && text.charAt(pos) == '#') {
        comment();
      }
      if (pos == end || !newline()) {
        return;
      }
    }
  }

  /** Skips a comment up to (not including) its newline. */
  private void comment() throws SyntaxException {
    pos++;
    while (pos < end) {
      char c = text.charAt(pos);
      if (c == '\n' || c == '\r') {
        return;
      }
      checkNotControl(c, "a comment");
      pos++;
    }
  }

  /** Consumes a newline (LF or CR LF) at pos, if there is one. */
  private boolean newline() throws SyntaxException {
    if (text.charAt(pos) == '\n') {
      pos++;
      return true;
    }
    if (text.charAt(pos) == '\r') {
      if (!text.startsWith("\r\n", pos)) {
        throw bareCarriageReturn();
      }
      pos += 2;
      return true;
    }
    return false;
  }

  private SyntaxException bareCarriageReturn() {
    return error(pos, "Carriage return without a line feed; end lines with LF or CR LF");
  }

  /** Refuses the control characters TOML allows nowhere but as escapes: all but tab. */
  private void checkNotControl(char c, String where) throws SyntaxException {
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      throw error(pos, "Illegal control character " + describe(c) + " in " + where);
    }
  }

  private void checkDepth(int depth, int at) throws SyntaxException {
    if (depth > MAX_DEPTH) {
      throw error(at, "Nesting deeper than " + MAX_DEPTH + " tables and arrays");
    }
  }

  private SyntaxException prematureEnd(String where) {
    return error(end, "Premature end of file " + where);
  }

  private SyntaxException error(int at, String reason) {
    return new SyntaxException(line(at), reason);
  }

  /** The line of a position, counted from 1. */
  private int line(int at) {
    int line = 1;
    for (int i = 0; i < at && i < end; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /** A key as it would be written, for messages: {@code a."b c".d}. */
  private static String path(List<String> key) {
    StringBuilder b = new StringBuilder();
    for (String part : key) {
      if (!b.isEmpty()) {
        b.append('.');
      }
      boolean bare = !part.isEmpty() && part.chars().allMatch(c -> isBareKeyChar((char) c));
      b.append(bare ? part : "\"" + part.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }
    return Quantities.clip(b.toString());
  }

  /** A character for a message: itself in quotes when printable, else its code. */
  private static String describe(char c) {
    if (c == '\n' || c == '\r') {
      return "the end of the line";
    }
    if (c > 0x20 && c != 0x7f && !Character.isISOControl(c) && !Character.isSurrogate(c)) {
      return "'" + c + "'";
    }
    return c == ' ' ? "a space" : String.format("U+%04X", (int) c);
  }

  private static boolean isBareKeyChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || isDigit(c) || c == '_' || c == '-';
  }

  /** The characters a number, boolean or date may be made of. */
  private static boolean isScalarChar(char c) {
    return isBareKeyChar(c) || c == '+' || c == '.' || c == ':';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** An ASCII hex digit's value, or -1. */
  private static int digitValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
