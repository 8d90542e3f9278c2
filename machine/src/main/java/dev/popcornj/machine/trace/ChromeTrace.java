package dev.popcornj.machine.trace;

import java.io.IOException;
import java.io.Writer;
import java.util.Locale;

/**
 * Writes the Chrome trace-event JSON format that the Perfetto UI and chrome://tracing open. Times
 * are virtual, written in microseconds with picosecond precision (six decimals). Events are written
 * as they come, so the file is complete once {@link #close()} has run.
 *
 * <pre>
 * {"traceEvents":[
 *   {"ph":"i","cat":"irq","name":"ipi","pid":0,"tid":3,"ts":1.250000,"s":"t","args":{...}},
 *   ...
 * ]}
 * </pre>
 */
public final class ChromeTrace implements Trace, AutoCloseable {
  private final Writer out;
  private boolean first = true;
  private long events;
  private IOException failure;

  public ChromeTrace(Writer out) {
    this.out = out;
    write("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
  }

  /** Events written so far. */
  public long events() {
    return events;
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public void instant(
      String category, String name, int process, int thread, long timePs, String args) {
    event(
        "\"ph\":\"i\",\"s\":\"t\","
            + common(category, name, process, thread, timePs)
            + argsField(args));
  }

  @Override
  public void span(
      String category,
      String name,
      int process,
      int thread,
      long startPs,
      long durationPs,
      String args) {
    event(
        "\"ph\":\"X\","
            + common(category, name, process, thread, startPs)
            + ",\"dur\":"
            + micros(durationPs)
            + argsField(args));
  }

  @Override
  public void flow(
      String category,
      String name,
      long id,
      int fromProcess,
      int fromThread,
      long fromPs,
      int toProcess,
      int toThread,
      long toPs) {
    event(
        "\"ph\":\"s\",\"id\":"
            + id
            + ","
            + common(category, name, fromProcess, fromThread, fromPs));
    event(
        "\"ph\":\"f\",\"bp\":\"e\",\"id\":"
            + id
            + ","
            + common(category, name, toProcess, toThread, toPs));
  }

  @Override
  public void nameProcess(int process, String name) {
    event(
        "\"ph\":\"M\",\"name\":\"process_name\",\"pid\":"
            + process
            + ",\"args\":{\"name\":"
            + quote(name)
            + "}");
  }

  /**
   * Ends the JSON and flushes it. A failure to write (a full disk) is never thrown into the
   * simulation that records events; it is kept, and the owner of the file asks {@link #failure()}.
   */
  @Override
  public void close() {
    write("\n]}\n");
    if (failure == null) {
      try {
        out.flush();
      } catch (IOException e) {
        failure = e;
      }
    }
  }

  /** The first write that failed, after which nothing more was written; null when none did. */
  public IOException failure() {
    return failure;
  }

  private void event(String body) {
    write(first ? "{" : ",\n{");
    first = false;
    write(body);
    write("}");
    events++;
  }

  private static String common(String category, String name, int process, int thread, long ps) {
    return "\"cat\":"
        + quote(category)
        + ",\"name\":"
        + quote(name)
        + ",\"pid\":"
        + process
        + ",\"tid\":"
        + thread
        + ",\"ts\":"
        + micros(ps);
  }

  private static String argsField(String args) {
    return args == null || args.isEmpty() ? "" : ",\"args\":{" + args + "}";
  }

  static String micros(long ps) {
    return String.format(Locale.ROOT, "%d.%06d", ps / 1_000_000, Math.abs(ps % 1_000_000));
  }

  /** A JSON string literal. */
  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  private void write(String s) {
    if (failure != null) {
      return;
    }
    try {
      out.write(s);
    } catch (IOException e) {
      failure = e;
    }
  }
}
