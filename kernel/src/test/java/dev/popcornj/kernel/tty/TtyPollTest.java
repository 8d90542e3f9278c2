package dev.popcornj.kernel.tty;

import static dev.popcornj.kernel.abi.Poll.POLLIN;
import static dev.popcornj.kernel.abi.Poll.POLLOUT;
import static dev.popcornj.kernel.abi.Poll.POLLRDNORM;
import static dev.popcornj.kernel.abi.Poll.POLLWRNORM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.fs.PollTable;
import dev.popcornj.kernel.sched.Sleeper;
import dev.popcornj.kernel.sched.WaitQueue;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The terminal's readiness as n_tty_poll reports it, and the wakes a poller gets from it. */
class TtyPollTest {
  private static final int READABLE = POLLIN | POLLRDNORM;
  private static final int WRITABLE = POLLOUT | POLLWRNORM;

  private final Sleeper sleeper =
      new Sleeper() {
        @Override
        public boolean sleep(WaitQueue queue, BooleanSupplier ready) {
          return ready.getAsBoolean();
        }

        @Override
        public void wakeAll(WaitQueue queue) {}
      };
  private final Tty tty = new Tty((b, off, len) -> {}, (pgrp, sig) -> {}, new WaitQueue(sleeper));

  private void type(String s) {
    for (byte b : s.getBytes(StandardCharsets.ISO_8859_1)) {
      tty.receive(b);
    }
  }

  private void raw(int vmin, int vtime) {
    Termios t = tty.termios();
    t.setLflag(t.lflag() & ~(TermiosDescriptor.ICANON | TermiosDescriptor.ECHO));
    t.setCc(TermiosDescriptor.VMIN, vmin);
    t.setCc(TermiosDescriptor.VTIME, vtime);
    tty.setTermios(t);
  }

  @Test
  void canonicalModeIsReadableOnceALineIsComplete() {
    assertEquals(WRITABLE, tty.poll(null));
    type("half a line");
    assertEquals(WRITABLE, tty.poll(null), "a line being edited is not input yet");
    type("\n");
    assertEquals(READABLE | WRITABLE, tty.poll(null));
    tty.read(new byte[100], 0, 100, false);
    assertEquals(WRITABLE, tty.poll(null));
  }

  @Test
  void anEndOfFileOnItsOwnIsReadable() {
    type("\u0004");
    assertEquals(READABLE | WRITABLE, tty.poll(null), "the read would return 0 at once");
  }

  @Test
  void rawModeWithoutVtimeWaitsForVminBytes() {
    raw(3, 0);
    type("ab");
    assertEquals(WRITABLE, tty.poll(null));
    type("c");
    assertEquals(READABLE | WRITABLE, tty.poll(null));
  }

  @Test
  void rawModeWithVtimeOrNoVminIsReadableWithOneByte() {
    raw(3, 5);
    assertEquals(WRITABLE, tty.poll(null));
    type("a");
    assertEquals(READABLE | WRITABLE, tty.poll(null), "VTIME set: one byte is enough");
    raw(0, 0);
    assertEquals(READABLE | WRITABLE, tty.poll(null));
    tty.read(new byte[10], 0, 10, false);
    assertEquals(WRITABLE, tty.poll(null), "VMIN 0: no byte, no POLLIN, though read returns");
  }

  @Test
  void aPollerIsWokenByInputAndCountsAsWaitingForIt() {
    PollTable table = new PollTable(sleeper);
    assertEquals(WRITABLE, tty.poll(table));
    assertTrue(tty.hasReaders(), "a poll on the terminal waits for input");
    type("x");
    assertFalse(table.triggered(), "no line yet, but ...");
    type("\n");
    assertTrue(table.triggered(), "... a complete line wakes the poller");
    table.release();
    assertFalse(tty.hasReaders());
  }
}
