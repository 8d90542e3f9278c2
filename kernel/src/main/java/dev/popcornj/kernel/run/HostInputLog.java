package dev.popcornj.kernel.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The file of {@code popcorn boot --record FILE} and {@code --replay FILE}: every piece of host
 * input a boot took, each stamped with the virtual time at which it entered the machine and with
 * the number of the host query that took it (the ordering key: the n-th time the console's typist
 * asked its keyboard, or the n-th tick of the port forwarder).
 *
 * <p>A text file, one record a line, fields separated by one space:
 *
 * <pre>
 *   popcorn-host-input 1                      magic and format version
 *   setup KEY VALUE                           what the boot was (VALUE runs to the end of the line)
 *   ...
 *   begin
 *   c CALL# TIME_PS CALL DATA STATE           the console's keyboard answered call CALL# (next,
 *                                             poll, ended, quit) with DATA and is now in STATE
 *   f TICK# TIME_PS open LISTENER CONN        a host connection to --forward rule LISTENER (0-based)
 *   f TICK# TIME_PS data CONN DATA            bytes from the host on connection CONN
 *   f TICK# TIME_PS eof CONN                  the host half-closed CONN
 *   f TICK# TIME_PS reset CONN                the host connection failed (reset, broken)
 *   f TICK# TIME_PS drained CONN              the host took all the guest had sent on CONN
 *   ...
 *   end RECORDS                               the number of c and f lines: a complete file
 * </pre>
 *
 * DATA is {@code -} for none or {@code x} followed by the bytes in lower-case hex ({@code x} alone
 * is zero bytes). STATE is {@code -}, or {@code e} (the input ended), {@code q} (the user asked to
 * power off) or {@code eq}. Queries whose answer was nothing and changed no state have no line:
 * replaying, a query without a line of its number gets nothing. Lines of each kind are in the order
 * they happened; times are picoseconds of virtual time.
 */
public final class HostInputLog {
  /** The first line of every log. */
  public static final String MAGIC = "popcorn-host-input";

  /** The version this code writes and reads. */
  public static final int VERSION = 1;

  /** What the console's keyboard was asked. */
  public enum Call {
    NEXT,
    POLL,
    ENDED,
    QUIT;

    String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One piece of host input at its place in the run. */
  public sealed interface Event {
    /** The number of the query that took it: the keyboard's call or the forwarder's tick. */
    long index();

    /** Virtual time at which it entered, in picoseconds. */
    long timePs();
  }

  /** The keyboard answered call number index with data (null: nothing) and now is in this state. */
  public record Console(
      long index, long timePs, Call call, byte[] data, boolean ended, boolean quit)
      implements Event {}

  /** What the port forwarder takes from the host on one tick. */
  public sealed interface Forward extends Event {}

  /** A host connection accepted on the listener of rule number listener, named connection. */
  public record Accepted(long index, long timePs, int listener, int connection)
      implements Forward {}

  /** Bytes the host sent on connection. */
  public record Received(long index, long timePs, int connection, byte[] data) implements Forward {}

  /** The host closed its sending half of connection. */
  public record HostEof(long index, long timePs, int connection) implements Forward {}

  /** The host connection failed (reset by the host, or broken). */
  public record HostReset(long index, long timePs, int connection) implements Forward {}

  /** The host took everything the guest had sent it on connection. */
  public record Drained(long index, long timePs, int connection) implements Forward {}

  /** A log file that cannot be replayed: its message names the line and what is wrong. */
  public static final class BadLogException extends Exception {
    public BadLogException(String message) {
      super(message, null, false, false);
    }
  }

  private final Map<String, String> setup;
  private final List<Event> events;

  public HostInputLog(Map<String, String> setup, List<Event> events) {
    this.setup = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(setup));
    this.events = List.copyOf(events);
  }

  /** What the boot was, as the recording CLI described it (compared before a replay). */
  public Map<String, String> setup() {
    return setup;
  }

  /** Every event, in the order of the file. */
  public List<Event> events() {
    return events;
  }

  /** Writes a log as it is made: the header at once, then each event as it happens. */
  public static final class Writer {
    private final java.io.Writer out;
    private long records;
    private IOException failure;

    /** Writes the header with setup to out (which this writer then owns). */
    public Writer(java.io.Writer out, Map<String, String> setup) {
      this.out = out;
      StringBuilder head = new StringBuilder(MAGIC + " " + VERSION + "\n");
      setup.forEach(
          (k, v) -> head.append("setup ").append(k).append(' ').append(oneLine(v)).append('\n'));
      head.append("begin\n");
      write(head.toString());
    }

    private static String oneLine(String v) {
      return v.replace('\n', ' ').replace('\r', ' ');
    }

    /** Appends one event (and flushes, so a run cut short leaves what it took). */
    public void append(Event e) {
      records++;
      write(format(e) + "\n");
    }

    /** Writes the end line and closes the file; never throws. */
    public void close() {
      write("end " + records + "\n");
      try {
        out.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        }
      }
    }

    /** The first write that failed, or null: a recording never stops the run it records. */
    public IOException failure() {
      return failure;
    }

    private void write(String s) {
      if (failure != null) {
        return;
      }
      try {
        out.write(s);
        out.flush();
      } catch (IOException e) {
        failure = e;
      }
    }
  }

  static String format(Event e) {
    String stamp = e.index() + " " + e.timePs() + " ";
    return switch (e) {
      case Console c ->
          "c " + stamp + c.call().word() + " " + data(c.data()) + " " + state(c.ended(), c.quit());
      case Accepted a -> "f " + stamp + "open " + a.listener() + " " + a.connection();
      case Received r -> "f " + stamp + "data " + r.connection() + " " + data(r.data());
      case HostEof h -> "f " + stamp + "eof " + h.connection();
      case HostReset h -> "f " + stamp + "reset " + h.connection();
      case Drained d -> "f " + stamp + "drained " + d.connection();
    };
  }

  private static String data(byte[] data) {
    return data == null ? "-" : "x" + HexFormat.of().formatHex(data);
  }

  private static String state(boolean ended, boolean quit) {
    return ended || quit ? (ended ? "e" : "") + (quit ? "q" : "") : "-";
  }

  /**
   * Reads a whole log from its text.
   *
   * @throws BadLogException when it is not a log of this version, is malformed, or is truncated
   */
  public static HostInputLog read(String text) throws BadLogException {
    if (!text.startsWith(MAGIC + " ")) {
      throw new BadLogException("line 1: not a PopcornJ host input log (no '" + MAGIC + "')");
    }
    String[] lines = text.split("\n", -1);
    int complete = lines.length - 1; // the text after the last newline is not a whole line
    if (!lines[complete].isEmpty()) {
      throw new BadLogException(
          "truncated: line " + (complete + 1) + " is cut short (was the recording cut short?)");
    }
    String version = lines[0].substring(MAGIC.length() + 1);
    if (!version.equals(Integer.toString(VERSION))) {
      throw new BadLogException(
          "line 1: format version " + version + ", this PopcornJ reads version " + VERSION);
    }
    Map<String, String> setup = new LinkedHashMap<>();
    List<Event> events = new ArrayList<>();
    boolean begun = false;
    long[] lastIndex = {0, 0}; // console, forward: never decreasing
    for (int i = 1; i < complete; i++) {
      String line = lines[i];
      String where = "line " + (i + 1) + ": ";
      if (!begun) {
        if (line.equals("begin")) {
          begun = true;
        } else if (line.startsWith("setup ") && line.indexOf(' ', 6) > 6) {
          int sp = line.indexOf(' ', 6);
          setup.put(line.substring(6, sp), line.substring(sp + 1));
        } else {
          throw new BadLogException(where + "expected 'setup KEY VALUE' or 'begin'");
        }
        continue;
      }
      if (line.startsWith("end ")) {
        long count = number(line.substring(4), where + "end: ");
        if (count != events.size()) {
          throw new BadLogException(
              where + "the end line counts " + count + " records, the file has " + events.size());
        }
        if (i + 1 != complete) {
          throw new BadLogException("line " + (i + 2) + ": text after the end line");
        }
        return new HostInputLog(setup, events);
      }
      Event e = parse(line, where);
      int kind = e instanceof Console ? 0 : 1;
      if (e.index() < lastIndex[kind]) {
        throw new BadLogException(where + "out of order (query " + e.index() + " after a later)");
      }
      lastIndex[kind] = e.index();
      events.add(e);
    }
    throw new BadLogException(
        "truncated after line " + complete + ": no end line (was the recording cut short?)");
  }

  private static Event parse(String line, String where) throws BadLogException {
    String[] f = line.split(" ", -1);
    if (f.length < 4 || !(f[0].equals("c") || f[0].equals("f"))) {
      throw new BadLogException(where + "expected a 'c', 'f' or 'end' record");
    }
    long index = number(f[1], where);
    long time = number(f[2], where);
    if (f[0].equals("c")) {
      if (f.length != 6) {
        throw new BadLogException(where + "a console record has 6 fields");
      }
      Call call = null;
      for (Call c : Call.values()) {
        if (c.word().equals(f[3])) {
          call = c;
        }
      }
      if (call == null) {
        throw new BadLogException(where + "unknown keyboard call '" + f[3] + "'");
      }
      if (!f[5].matches("-|e|q|eq")) {
        throw new BadLogException(where + "state '" + f[5] + "' is not -, e, q or eq");
      }
      return new Console(
          index, time, call, bytes(f[4], where), f[5].contains("e"), f[5].contains("q"));
    }
    int fields =
        switch (f[3]) {
          case "open" -> 6;
          case "data" -> 6;
          case "eof", "reset", "drained" -> 5;
          default -> throw new BadLogException(where + "unknown forward event '" + f[3] + "'");
        };
    if (f.length != fields) {
      throw new BadLogException(where + "'" + f[3] + "' has " + fields + " fields");
    }
    int first = (int) small(f[4], where); // the listener of open, else the connection
    return switch (f[3]) {
      case "open" -> new Accepted(index, time, first, (int) small(f[5], where));
      case "data" -> {
        byte[] data = bytes(f[5], where);
        if (data == null) {
          throw new BadLogException(where + "data without bytes");
        }
        yield new Received(index, time, first, data);
      }
      case "eof" -> new HostEof(index, time, first);
      case "reset" -> new HostReset(index, time, first);
      default -> new Drained(index, time, first);
    };
  }

  private static long number(String s, String where) throws BadLogException {
    try {
      long n = Long.parseLong(s);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new BadLogException(where + "'" + s + "' is not a number");
    }
  }

  private static long small(String s, String where) throws BadLogException {
    long n = number(s, where);
    if (n > Integer.MAX_VALUE) {
      throw new BadLogException(where + n + " is too large");
    }
    return n;
  }

  private static byte[] bytes(String s, String where) throws BadLogException {
    if (s.equals("-")) {
      return null;
    }
    if (!s.startsWith("x") || s.length() % 2 != 1) {
      throw new BadLogException(where + "bytes are '-' or x and an even number of hex digits");
    }
    try {
      return HexFormat.of().parseHex(s, 1, s.length());
    } catch (IllegalArgumentException e) {
      throw new BadLogException(where + "bytes are not hex");
    }
  }
}
