package dev.popcornj.machine.desc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.popcornj.machine.desc.Toml.Array;
import dev.popcornj.machine.desc.Toml.BooleanValue;
import dev.popcornj.machine.desc.Toml.DateTimeKind;
import dev.popcornj.machine.desc.Toml.DateTimeValue;
import dev.popcornj.machine.desc.Toml.FloatValue;
import dev.popcornj.machine.desc.Toml.IntegerValue;
import dev.popcornj.machine.desc.Toml.StringValue;
import dev.popcornj.machine.desc.Toml.Table;
import dev.popcornj.machine.desc.Toml.Value;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TOML reader reads TOML 1.0 into the tree the document means, and refuses what TOML refuses
 * with the line and a reason.
 */
class TomlTest {

  // ---- Values -------------------------------------------------------------------------------

  @Test
  void readsEachKindOfValue() throws Exception {
    Table t =
        Toml.parse(
            """
            s = "text"
            i = 42
            f = 1.5
            b = true
            c = false
            a = [1, "two", 3.0]
            t = { x = 1 }
            d = 1979-05-27
            """);
    assertEquals(List.of("s", "i", "f", "b", "c", "a", "t", "d"), keys(t));
    assertEquals(new StringValue("text"), t.get("s"));
    assertEquals(new IntegerValue(42), t.get("i"));
    assertEquals(new FloatValue(1.5), t.get("f"));
    assertEquals(new BooleanValue(true), t.get("b"));
    assertEquals(new BooleanValue(false), t.get("c"));
    assertEquals(
        new Array(List.of(new IntegerValue(1), new StringValue("two"), new FloatValue(3.0))),
        t.get("a"));
    assertEquals(new Table(Map.of("x", new IntegerValue(1))), t.get("t"));
    assertEquals(new DateTimeValue("1979-05-27", DateTimeKind.LOCAL_DATE), t.get("d"));
  }

  @Test
  void anEmptyDocumentIsAnEmptyTable() throws Exception {
    assertEquals(0, Toml.parse("").entries().size());
    assertEquals(0, Toml.parse("\n  # only a comment\n\t\n").entries().size());
    assertEquals(0, Toml.parse("\uFEFF").entries().size());
  }

  @Test
  void tablesKeepTheirKeysInFileOrderAndCannotBeChanged() throws Exception {
    Table t = Toml.parse("z = 1\na = 2\nm = 3\n[[q]]\n[b]\n");
    assertEquals(List.of("z", "a", "m", "q", "b"), keys(t));
    assertThrows(UnsupportedOperationException.class, () -> t.entries().clear());
    Array q = (Array) t.get("q");
    assertThrows(UnsupportedOperationException.class, () -> q.items().clear());
  }

  // ---- Strings ------------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "'\\b'|0008",
        "'\\t'|0009",
        "'\\n'|000A",
        "'\\f'|000C",
        "'\\r'|000D",
        "'\\\"'|0022",
        "'\\\\'|005C",
        "'\\u00e9'|00E9",
        "'\\u00E9'|00E9",
        "'\\U0001F600'|1F600",
        "'\\u0000'|0000",
      })
  void basicStringEscapes(String escapeInQuotes, String codePointHex) throws Exception {
    // The CSV's '...' stands for the TOML "...".
    String toml = "s = \"" + escapeInQuotes.substring(1, escapeInQuotes.length() - 1) + "\"";
    String expected = Character.toString(Integer.parseInt(codePointHex, 16));
    assertEquals(expected, string(toml, "s"));
  }

  @Test
  void eachStringForm() throws Exception {
    assertEquals("tab\there", string("s = \"tab\\there\"", "s"));
    assertEquals("raw \\n \"x\"", string("s = 'raw \\n \"x\"'", "s"));
    assertEquals("C:\\Users\\x", string("s = 'C:\\Users\\x'", "s"));
    assertEquals("tab\tok", string("s = 'tab\tok'", "s"));
    assertEquals("", string("s = \"\"", "s"));
    assertEquals("", string("s = ''", "s"));
    assertEquals("é and 😀", string("s = \"é and 😀\"", "s"));
  }

  @Test
  void multiLineBasicStrings() throws Exception {
    // A newline just after the opening delimiter is dropped; the others are kept.
    assertEquals("one\ntwo\n", string("s = \"\"\"\none\ntwo\n\"\"\"", "s"));
    // Escapes work, and one or two quotes may stand anywhere, also just inside the delimiters.
    assertEquals("a\tb \"q\" \"\"", string("s = \"\"\"a\\tb \"q\" \"\"\"\"\"", "s"));
    assertEquals("\"x\"", string("s = \"\"\"\"x\"\"\"\"", "s"));
    // A line-ending backslash eats the newline and the whitespace up to the next character.
    assertEquals(
        "The quick brown fox.",
        string("s = \"\"\"\nThe quick \\\n\n    brown \\   \n  fox.\\\n  \"\"\"", "s"));
    assertEquals("", string("s = \"\"\"\"\"\"", "s"));
  }

  @Test
  void multiLineLiteralStrings() throws Exception {
    assertEquals("raw \\n\n  kept\n", string("s = '''\nraw \\n\n  kept\n'''", "s"));
    assertEquals("'quoted''", string("s = ''''quoted'''''", "s"));
    assertEquals("a \\\nb", string("s = '''a \\\nb'''", "s"));
  }

  @Test
  void crlfLineEndingsAreNewlines() throws Exception {
    Table t =
        Toml.parse(
            "a = 1\r\n# comment\r\n[t]\r\nb = \"\"\"\r\nx\r\ny\\\r\n   z\"\"\"\r\nc = [\r\n 1,\r\n]\r\n");
    assertEquals(new IntegerValue(1), t.get("a"));
    Table inner = (Table) t.get("t");
    assertEquals(new StringValue("x\nyz"), inner.get("b"));
    assertEquals(new Array(List.of(new IntegerValue(1))), inner.get("c"));
  }

  @Test
  void commentsMayFollowValuesAndHeaders() throws Exception {
    Table t =
        Toml.parse(
            """
            a = 1 # after an integer
            s = "# not a comment" # after a string
            l = [1, 2] # after an array
            [t] # after a header
            [[u]] # after an array-of-tables header
            """);
    assertEquals(new IntegerValue(1), t.get("a"));
    assertEquals(new StringValue("# not a comment"), t.get("s"));
    assertEquals(2, ((Array) t.get("l")).items().size());
  }

  // ---- Numbers ------------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "+0, 0",
    "-0, 0",
    "42, 42",
    "+17, 17",
    "-17, -17",
    "1_000_000, 1000000",
    "5_349_221, 5349221",
    "1_2_3, 123",
    "0xDEADBEEF, 3735928559",
    "0xdead_beef, 3735928559",
    "0x0000_00ff, 255",
    "0o755, 493",
    "0o0_7, 7",
    "0b1101_0110, 214",
    "9223372036854775807, 9223372036854775807",
    "-9223372036854775808, -9223372036854775808",
    "0x7fff_ffff_ffff_ffff, 9223372036854775807",
    "0o777777777777777777777, 9223372036854775807",
    "0b111111111111111111111111111111111111111111111111111111111111111, 9223372036854775807",
  })
  void integers(String written, long value) throws Exception {
    assertEquals(new IntegerValue(value), Toml.parse("n = " + written).get("n"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "9223372036854775808",
        "-9223372036854775809",
        "99999999999999999999",
        "0x8000_0000_0000_0000",
        "0xffff_ffff_ffff_ffff",
        "0o1_000_000_000_000_000_000_000",
        "0b1000000000000000000000000000000000000000000000000000000000000000",
      })
  void integersBeyondSixtyFourBitsAreRefused(String written) {
    assertRefused("n = " + written, 1, "out of range");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1__000", "_1", "1_", "0x_ff", "0xff_", "0b102", "0o8", "0x", "0xG", "012", "-012", "00",
        "+0x10", "-0b1", "0X10", "0B1", "1.", ".5", "1.e5", "1e", "1e+", "1_.5", "1._5", "1.5_",
        "01.5", "1e5_", "1e_5", "+", "-", "1-2", "1+2", "0.5.5", "1ee5", "0b", "0o"
      })
  void malformedNumbersAreRefused(String written) {
    Toml.SyntaxException e =
        assertThrows(Toml.SyntaxException.class, () -> Toml.parse("n = " + written), written);
    assertEquals(1, e.line());
  }

  @ParameterizedTest
  @CsvSource({
    "1.5, 1.5",
    "+1.0, 1.0",
    "-0.01, -0.01",
    "3.1415, 3.1415",
    "5e+22, 5e22",
    "1e06, 1e6",
    "-2E-2, -0.02",
    "6.626e-34, 6.626e-34",
    "224_617.445_991_228, 224617.445991228",
    "0.0, 0.0",
    "-0.0, -0.0",
    "0e0, 0.0",
  })
  void floats(String written, double value) throws Exception {
    assertEquals(new FloatValue(value), Toml.parse("f = " + written).get("f"));
  }

  @Test
  void infinitiesAndNotANumber() throws Exception {
    Table t = Toml.parse("a = inf\nb = +inf\nc = -inf\nd = nan\ne = +nan\nf = -nan");
    assertEquals(new FloatValue(Double.POSITIVE_INFINITY), t.get("a"));
    assertEquals(new FloatValue(Double.POSITIVE_INFINITY), t.get("b"));
    assertEquals(new FloatValue(Double.NEGATIVE_INFINITY), t.get("c"));
    for (String k : List.of("d", "e", "f")) {
      assertTrue(Double.isNaN(((FloatValue) t.get(k)).value()), k);
    }
    assertRefused("f = 1e400", 1, "Float '1e400' is out of range");
    assertRefused("f = Inf", 1, "Unknown value 'Inf'");
    assertRefused("f = NaN", 1, "Unknown value 'NaN'");
  }

  // ---- Dates and times ----------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({
    "1979-05-27T07:32:00Z, OFFSET_DATE_TIME",
    "1979-05-27T00:32:00-07:00, OFFSET_DATE_TIME",
    "1979-05-27T00:32:00.999999+05:30, OFFSET_DATE_TIME",
    "1979-05-27 07:32:00Z, OFFSET_DATE_TIME",
    "1979-05-27t07:32:00z, OFFSET_DATE_TIME",
    "1979-05-27T07:32:00, LOCAL_DATE_TIME",
    "1979-05-27 07:32:00.5, LOCAL_DATE_TIME",
    "1979-05-27, LOCAL_DATE",
    "2000-02-29, LOCAL_DATE",
    "07:32:00, LOCAL_TIME",
    "00:32:00.999999, LOCAL_TIME",
    "23:59:60, LOCAL_TIME",
  })
  void datesAndTimesAreReadAsWritten(String written, DateTimeKind kind) throws Exception {
    assertEquals(new DateTimeValue(written, kind), Toml.parse("d = " + written).get("d"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1979-13-01",
        "1979-00-01",
        "1979-02-30",
        "1900-02-29",
        "1979-05-32",
        "1979-5-27",
        "24:00:00",
        "07:60:00",
        "07:32",
        "07:32:00.",
        "07:32:00Z",
        "1979-05-27T",
        "1979-05-27X07:32:00",
        "1979-05-27T07:32:00+7:00",
        "1979-05-27T07:32:00+24:00",
        "1979-05-27T07:32:00ZZ",
      })
  void malformedDatesAndTimesAreRefused(String written) {
    assertRefused("d = " + written, 1, "Invalid date or time");
  }

  @Test
  void aDateWhereTheMachineFileWantsSomethingElseIsRefusedByName() {
    MachineFileException e =
        assertThrows(
            MachineFileException.class,
            () -> MachineFileReader.read("d.toml", "d", "timebase = 1979-05-27T07:32:00Z\n"));
    assertEquals(
        "d.toml: timebase: dates and times are not supported here, got an offset date-time"
            + " (1979-05-27T07:32:00Z)",
        e.getMessage());
  }

  // ---- Keys and tables ----------------------------------------------------------------------

  @Test
  void bareQuotedAndDottedKeys() throws Exception {
    Table t =
        Toml.parse(
            """
            bare_key-1 = 1
            1234 = 2
            "quoted key" = 3
            'literal "key"' = 4
            "" = 5
            "a.b" = 6
            site . "google.com" . ok = true
            3.14159 = "pi"
            """);
    assertEquals(new IntegerValue(1), t.get("bare_key-1"));
    assertEquals(new IntegerValue(2), t.get("1234"));
    assertEquals(new IntegerValue(3), t.get("quoted key"));
    assertEquals(new IntegerValue(4), t.get("literal \"key\""));
    assertEquals(new IntegerValue(5), t.get(""));
    assertEquals(new IntegerValue(6), t.get("a.b"));
    Table site = (Table) t.get("site");
    assertEquals(new BooleanValue(true), ((Table) site.get("google.com")).get("ok"));
    assertEquals(new StringValue("pi"), ((Table) t.get("3")).get("14159"));
  }

  @Test
  void dottedKeysCreateTables() throws Exception {
    Table t =
        Toml.parse(
            """
            fruit.apple.color = "red"
            fruit.apple.taste.sweet = true
            fruit.orange = 2
            [fruit.apple.texture]
            smooth = true
            """);
    Table fruit = (Table) t.get("fruit");
    assertEquals(List.of("apple", "orange"), keys(fruit));
    Table apple = (Table) fruit.get("apple");
    assertEquals(List.of("color", "taste", "texture"), keys(apple));
    assertEquals(new BooleanValue(true), ((Table) apple.get("taste")).get("sweet"));
    assertEquals(new BooleanValue(true), ((Table) apple.get("texture")).get("smooth"));
  }

  @Test
  void headersCreateTablesAndTheirParents() throws Exception {
    Table t =
        Toml.parse(
            """
            [a.b.c]
            x = 1
            [a]
            y = 2
            [ a . "d" ]
            z = 3
            """);
    Table a = (Table) t.get("a");
    assertEquals(List.of("b", "y", "d"), keys(a));
    assertEquals(new IntegerValue(1), ((Table) ((Table) a.get("b")).get("c")).get("x"));
    assertEquals(new IntegerValue(3), ((Table) a.get("d")).get("z"));
  }

  @Test
  void inlineTables() throws Exception {
    Table t =
        Toml.parse(
            """
            point = { x = 1, y = 2 }
            empty = {}
            nested = { inner = { deep = "yes" }, list = [1, 2], a.b = 3, a.c = 4 }
            """);
    assertEquals(
        new Table(Map.of("x", new IntegerValue(1), "y", new IntegerValue(2))), t.get("point"));
    assertEquals(new Table(Map.of()), t.get("empty"));
    Table nested = (Table) t.get("nested");
    assertEquals(List.of("inner", "list", "a"), keys(nested));
    assertEquals(List.of("b", "c"), keys((Table) nested.get("a")));
  }

  @Test
  void arraysOfTables() throws Exception {
    Table t =
        Toml.parse(
            """
            [[products]]
            name = "Hammer"
            [[products]]
            [[products]]
            name = "Nail"
            [products.detail]
            sku = 284758393
            [[products.variants]]
            colour = "grey"
            """);
    List<Value> products = ((Array) t.get("products")).items();
    assertEquals(3, products.size());
    assertEquals(new StringValue("Hammer"), ((Table) products.get(0)).get("name"));
    assertEquals(0, ((Table) products.get(1)).entries().size());
    Table nail = (Table) products.get(2);
    assertEquals(List.of("name", "detail", "variants"), keys(nail));
    assertEquals(new IntegerValue(284758393), ((Table) nail.get("detail")).get("sku"));
    assertEquals(1, ((Array) nail.get("variants")).items().size());
  }

  @Test
  void arraysSpanLinesWithCommentsAndATrailingComma() throws Exception {
    Table t =
        Toml.parse(
            """
            a = [
              1, # one
              # a comment line
              2,

              [3, [4]],
              { x = 5 },
            ]
            e = [ ]
            f = [
            ]
            """);
    List<Value> a = ((Array) t.get("a")).items();
    assertEquals(4, a.size());
    assertEquals(
        new Array(List.of(new IntegerValue(3), new Array(List.of(new IntegerValue(4))))), a.get(2));
    assertEquals(new Array(List.of()), t.get("e"));
    assertEquals(new Array(List.of()), t.get("f"));
  }

  // ---- Refusals -----------------------------------------------------------------------------

  @Test
  void redefinitionIsRefused() {
    assertRefused("a = 1\na = 2", 2, "Duplicate key a");
    assertRefused("a = 1\n\"a\" = 2", 2, "Duplicate key a");
    assertRefused("a = 1\n'a' = 2", 2, "Duplicate key a");
    assertRefused("a.b = 1\na.b = 2", 2, "Duplicate key a.b");
    assertRefused("a = 1\na.b = 2", 2, "Duplicate key a: it is already an integer");
    assertRefused("a.b = 1\na = 2", 2, "Duplicate key a");
    assertRefused("[a]\n[a]", 2, "Table redefined: [a] is already defined");
    assertRefused("[a]\nb = 1\n[a.b]", 3, "Duplicate key a.b");
    assertRefused("[a.b]\n[a]\n[a]", 3, "Table redefined");
    assertRefused("[a]\nb.c = 1\n[a.b]", 3, "already defined by dotted keys");
    assertRefused("a.b = 1\n[a]", 2, "already defined by dotted keys");
    assertRefused("[a.b.c]\nz = 9\n[a]\nb.c.t = 1", 4, "b.c is a table defined by its own header");
    assertRefused("a = {b = 1}\na.c = 2", 2, "already a table written inline");
    assertRefused("a = {b = 1}\n[a.c]", 2, "already a table written inline");
    assertRefused("a = {b = 1}\n[a]", 2, "Duplicate key a");
    assertRefused("a = {b = 1, b = 2}", 1, "Duplicate key b");
    assertRefused("a = {b.c = 1, b = 2}", 1, "Duplicate key b");
    assertRefused("a = [1]\n[[a]]", 2, "it is already an array");
    assertRefused("[a]\n[[a]]", 2, "already a table, not an array of tables");
    assertRefused("[[a]]\n[a]", 2, "already an array of tables");
    assertRefused("[[a.b]]\n[a]\nb.y = 2", 3, "array of tables");
  }

  @Test
  void unterminatedThingsAreRefused() {
    assertRefused("s = \"abc\nt = 1", 1, "Newline in a string");
    assertRefused("s = \"abc", 1, "Premature end of file in a string");
    assertRefused("s = 'abc\n", 1, "Newline in a string");
    assertRefused("s = \"\"\"abc\n\ndef", 3, "Premature end of file in a multi-line string");
    assertRefused("s = '''abc\n", 2, "Premature end of file in a multi-line string");
    assertRefused("a = [1,\n2\n", 3, "Premature end of file in an array opened on line 1");
    assertRefused("a = [1 2]", 1, "Expected , or ] in an array");
    assertRefused("a = { x = 1", 1, "Premature end of file in an inline table");
    assertRefused("a = { x = 1,\n y = 2 }", 1, "Newline in an inline table");
    assertRefused("a = { x = 1\n }", 1, "Newline in an inline table");
    assertRefused("a = { x = 1, }", 1, "Trailing comma in an inline table");
    assertRefused("[a", 1, "Premature end of file in a table header");
    assertRefused("[[a]", 1, "Expected ]]");
    assertRefused("[[a] ]", 1, "Expected ]]");
    assertRefused("a =", 1, "Premature end of file where a value was expected");
    assertRefused("a = \n", 1, "Expected a value, found the end of the line");
    assertRefused("a", 1, "Premature end of file after a key");
    assertRefused("a b = 1", 1, "Expected = after the key a, found 'b'");
    assertRefused("a = 1 b = 2", 1, "Expected a newline or a comment, found 'b'");
    assertRefused("[a] b = 1", 1, "Expected a newline or a comment");
    assertRefused("= 1", 1, "Expected a key, found '='");
    assertRefused("[]", 1, "Expected a key, found ']'");
    assertRefused("a. = 1", 1, "Expected a key");
    assertRefused("\"\"\"k\"\"\" = 1", 1, "A key cannot be a multi-line string");
    assertRefused("isa = rv64imafdc", 1, "Unknown value 'rv64imafdc'; a string is written");
    assertRefused("s = \"\"\"a\"\"\"\"\"\"", 1, "Too many quotes");
    assertRefused("b = truex", 1, "Unknown value 'truex'");
    assertRefused("b = TRUE", 1, "Unknown value 'TRUE'");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\\q",
        "\\x41",
        "\\e",
        "\\ ",
        "\\u12",
        "\\u12G4",
        "\\UFFFFFFFF",
        "\\uD800",
        "\\U00110000"
      })
  void badEscapesAreRefused(String escape) {
    Toml.SyntaxException e =
        assertThrows(
            Toml.SyntaxException.class, () -> Toml.parse("s = \"x" + escape + "\"\n"), escape);
    assertEquals(1, e.line());
    assertTrue(e.reason().contains("escape"), e.reason());
  }

  @Test
  void aBackslashFollowedByWhitespaceIsAnEscapeOnlyAtTheEndOfAMultiLineStringsLine() {
    assertRefused("s = \"\"\"a\\ b\"\"\"", 1, "Unknown escape sequence \\followed by a space");
  }

  @Test
  void controlCharactersAreRefusedButTabIsAllowed() throws Exception {
    assertRefused("s = \"a\u0001b\"", 1, "Illegal control character U+0001 in a string");
    assertRefused("s = 'a\u007fb'", 1, "Illegal control character U+007F in a literal string");
    assertRefused("s = \"\"\"a\u0000b\"\"\"", 1, "Illegal control character U+0000");
    assertRefused("s = '''\n\u001bx'''", 2, "Illegal control character U+001B");
    assertRefused("a = 1 # bell \u0007", 1, "Illegal control character U+0007 in a comment");
    assertRefused("a = 1\rb = 2", 1, "Carriage return without a line feed");
    assertRefused("s = \"\"\"a\rb\"\"\"", 1, "Carriage return without a line feed");
    assertRefused("a = 1\u0001", 1, "Expected a newline or a comment, found U+0001");
    assertEquals("a\tb", string("s = \"a\tb\" # tab\tin a comment", "s"));
  }

  @Test
  void nestingBeyondTheBoundIsRefusedWithoutRecursingDeep() throws Exception {
    int ok = Toml.MAX_DEPTH - 1;
    Toml.parse("a = " + "[".repeat(ok) + "]".repeat(ok));
    Toml.parse("a = " + "{b = ".repeat(ok) + "1" + "}".repeat(ok));
    String deep = "[".repeat(100_000);
    assertRefused("a = " + deep + "]".repeat(100_000), 1, "Nesting deeper than");
    assertRefused("a = " + deep, 1, "Nesting deeper than");
    assertRefused("a = " + "{b = ".repeat(100_000), 1, "Nesting deeper than");
    assertRefused("[" + "a.".repeat(100_000) + "a]", 1, "Nesting deeper than");
    assertRefused("[[" + "a.".repeat(100_000) + "a]]", 1, "Nesting deeper than");
    assertRefused("a" + ".a".repeat(100_000) + " = 1", 1, "Nesting deeper than");
  }

  @Test
  void errorsNameTheLineOfTheProblem() {
    assertRefused("a = 1\n\n# c\r\nb = \"x\"\nc = @", 5, "Expected a value, found '@'");
    assertRefused("a = [\n1,\n2,\n\"x\n]", 4, "Newline in a string");
  }

  // ---- Through the machine-file reader ------------------------------------------------------

  @Test
  void syntaxErrorsReachTheUserAsMachineFileErrorsWithTheLine() {
    MachineFileException e =
        assertThrows(
            MachineFileException.class,
            () -> MachineFileReader.read("m.toml", "m", "name = \"m\"\n\nharts = [1,,2]\n"));
    assertEquals("line 3", e.key());
    assertEquals("TOML syntax error: Expected a value, found ','", e.reason());
    assertEquals("m.toml: line 3: TOML syntax error: Expected a value, found ','", e.getMessage());
  }

  static List<String> presets() {
    return Presets.names();
  }

  /**
   * Each preset reads to the machine it was before machine files had their own reader: the expected
   * files are what {@code popcorn machine show NAME} printed then.
   */
  @ParameterizedTest
  @MethodSource("presets")
  void presetsReadToTheMachinesTheyDescribedBefore(String name) throws Exception {
    String expected;
    try (InputStream in = TomlTest.class.getResourceAsStream("presets-shown/" + name + ".txt")) {
      if (in == null) {
        fail("no recorded machine show output for preset " + name);
      }
      expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertEquals(expected, TopologyReport.render(Presets.load(name)));
  }

  // ---- Helpers ------------------------------------------------------------------------------

  private static List<String> keys(Table t) {
    return List.copyOf(t.entries().keySet());
  }

  private static String string(String toml, String key) throws Toml.SyntaxException {
    Value v = Toml.parse(toml).get(key);
    if (!(v instanceof StringValue s)) {
      throw new AssertionError(key + " is not a string: " + v);
    }
    return s.value();
  }

  private static void assertRefused(String toml, int line, String reason) {
    Toml.SyntaxException e = assertThrows(Toml.SyntaxException.class, () -> Toml.parse(toml));
    assertTrue(e.reason().contains(reason), () -> "reason '" + e.reason() + "' lacks: " + reason);
    assertEquals(line, e.line(), () -> "line of: " + e.reason());
  }
}
