package dev.popcornj.kernel.log;

import java.util.ArrayDeque;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The kernel's message log, as dmesg shows it: one line per message, stamped with the virtual time
 * since boot in seconds and microseconds ({@code [ 0.000123] message}). Lines may also be echoed to
 * the console as they are logged (Linux's printk to the console, controlled by loglevel/quiet).
 *
 * <p>Owned by one kernel instance.
 */
public final class KernelLog {
  /** Where echoed lines go; null for none. */
  public interface Echo {
    void onLine(String line);
  }

  private final LongSupplier nowPs;

  /**
   * What the log keeps, as Linux's log_buf_len: past it the oldest lines go, so that what a guest
   * can make the kernel log (refused kexecs, OOM kills) never grows without end.
   */
  public static final long CAPACITY_BYTES = 1 << 20;

  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private Echo echo;
  private long bytes;

  public KernelLog(LongSupplier nowPs) {
    this.nowPs = nowPs;
  }

  public void setEcho(Echo e) {
    echo = e;
  }

  public void log(String message) {
    long us = nowPs.getAsLong() / 1_000_000;
    String line = stamp(us) + message;
    lines.addLast(line);
    bytes += line.length() + 1;
    while (bytes > CAPACITY_BYTES && lines.size() > 1) {
      bytes -= lines.removeFirst().length() + 1;
    }
    if (echo != null) {
      echo.onLine(line);
    }
  }

  /**
   * "[%5d.%06d] " of the time in microseconds, put together by hand: the JDK's Formatter took 9 ms
   * of a short run's start-up at its first use.
   */
  static String stamp(long us) {
    StringBuilder b = new StringBuilder(24).append('[');
    String sec = Long.toString(us / 1_000_000);
    b.repeat(' ', Math.max(0, 5 - sec.length())).append(sec).append('.');
    String frac = Long.toString(us % 1_000_000);
    return b.repeat('0', 6 - frac.length()).append(frac).append("] ").toString();
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** The whole log as text, one line each with a newline. */
  public String text() {
    StringBuilder b = new StringBuilder((int) Math.min(Integer.MAX_VALUE, bytes));
    for (String l : lines) {
      b.append(l).append('\n');
    }
    return b.toString();
  }
}
