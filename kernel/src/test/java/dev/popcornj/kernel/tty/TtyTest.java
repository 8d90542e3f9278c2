package dev.popcornj.kernel.tty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.popcornj.kernel.abi.Errno;
import dev.popcornj.kernel.abi.Signals;
import dev.popcornj.kernel.mm.MemoryLayout;
import dev.popcornj.kernel.mm.Prot;
import dev.popcornj.kernel.mm.Vma;
import dev.popcornj.kernel.sched.Sleeper;
import dev.popcornj.kernel.sched.WaitQueue;
import dev.popcornj.kernel.testing.TestSpace;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class TtyTest {
  private static final long BUF = 0x1000_0000L;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final List<int[]> signals = new ArrayList<>();

  /** While a reader sleeps, this runs (another task typing); null: the sleep is interrupted. */
  private Runnable duringSleep;

  private int wakes;
  private final Sleeper sleeper =
      new Sleeper() {
        @Override
        public boolean sleep(WaitQueue queue, BooleanSupplier ready) {
          if (duringSleep == null) {
            return false;
          }
          Runnable r = duringSleep;
          duringSleep = null;
          r.run();
          return ready.getAsBoolean();
        }

        @Override
        public void wakeAll(WaitQueue queue) {
          wakes++;
        }
      };
  private final Tty tty =
      new Tty(
          out::write, (pgrp, sig) -> signals.add(new int[] {pgrp, sig}), new WaitQueue(sleeper));

  private void type(String s) {
    for (byte b : s.getBytes(StandardCharsets.ISO_8859_1)) {
      tty.receive(b);
    }
  }

  private String read(int max) {
    byte[] b = new byte[max];
    long n = tty.read(b, 0, max, false);
    assertTrue(n >= 0, "read failed with " + n);
    return new String(b, 0, (int) n, StandardCharsets.ISO_8859_1);
  }

  private String output() {
    String s = out.toString(StandardCharsets.ISO_8859_1);
    out.reset();
    return s;
  }

  @Test
  void readsEchoedLinesOneAtATime() {
    type("hello\rworld\n");
    assertEquals("hello\r\nworld\r\n", output(), "echo with ICRNL and ONLCR");
    assertEquals("hello\n", read(100));
    assertEquals("wor", read(3));
    assertEquals("ld\n", read(100));
    assertTrue(wakes > 0);
  }

  @Test
  void editsTheLine() {
    type("abc\u007f");
    assertEquals("abc\b \b", output());
    type("d\n");
    assertEquals("abd\n", read(100));
    output();
    type("foo bar\u0017");
    assertEquals("foo bar\b \b\b \b\b \b", output(), "werase takes the word");
    type("\n");
    assertEquals("foo \n", read(100));
    type("xyz\u0015q\n");
    assertEquals("q\n", read(100), "kill drops the line");
  }

  @Test
  void erasesControlCharactersAndTabsByTheirWidth() {
    type("a\u0001");
    assertEquals("a^A", output());
    type("\u007f");
    assertEquals("\b \b\b \b", output());
    type("\t\u007f");
    assertEquals("\t\b\b\b\b\b\b\b", output(), "tab from column 1 back to it");
  }

  @Test
  void interruptSignalsTheForegroundGroupAndFlushes() {
    tty.setForegroundProcessGroup(7);
    type("partial");
    output();
    type("\u0003");
    assertEquals(1, signals.size());
    assertArrayEquals(new int[] {7, Signals.SIGINT}, signals.get(0));
    assertEquals("^C", output());
    assertEquals(0, tty.bufferedInput());
    type("\u001c\u001a");
    assertEquals(Signals.SIGQUIT, signals.get(1)[1]);
    assertEquals(Signals.SIGTSTP, signals.get(2)[1]);
  }

  @Test
  void noflshKeepsTheInput() {
    Termios t = tty.termios();
    t.setLflag(t.lflag() | TermiosDescriptor.NOFLSH);
    tty.setTermios(t);
    type("ab\u0003c\n");
    assertEquals("abc\n", read(100));
    assertTrue(signals.isEmpty(), "no foreground group, no signal");
  }

  @Test
  void endOfFileEndsTheLineOrReadsAsZero() {
    type("ab\u0004");
    assertEquals("ab", output());
    assertEquals("ab", read(100));
    type("\u0004");
    assertEquals("", read(100));
    assertEquals("", output(), "VEOF is not echoed");
  }

  @Test
  void emptyReadsWaitOrFail() {
    byte[] b = new byte[10];
    assertEquals(-Errno.EAGAIN, tty.read(b, 0, 10, true));
    assertEquals(-Errno.ERESTARTSYS, tty.read(b, 0, 10, false), "interrupted sleep");
    duringSleep = () -> type("late\n");
    assertEquals(5, tty.read(b, 0, 10, false));
    assertFalse(tty.hasReaders());
  }

  @Test
  void rawModeHonoursVmin() {
    Termios t = tty.termios();
    t.setLflag(t.lflag() & ~(TermiosDescriptor.ICANON | TermiosDescriptor.ECHO));
    tty.setTermios(t);
    type("x");
    assertEquals("x", read(10));
    assertEquals("", output());
    t.setCc(TermiosDescriptor.VMIN, 0);
    tty.setTermios(t);
    assertEquals("", read(10), "VMIN 0 VTIME 0 polls");
    t.setCc(TermiosDescriptor.VMIN, 3);
    tty.setTermios(t);
    type("ab");
    duringSleep = () -> type("cd");
    assertEquals("abcd", read(10), "waits for 3, takes all there");
  }

  @Test
  void leavingCanonicalModeMakesTheEditedLineReadable() {
    type("half");
    Termios t = tty.termios();
    t.setLflag(t.lflag() & ~TermiosDescriptor.ICANON);
    tty.setTermios(t);
    assertEquals("half", read(10));
  }

  @Test
  void postProcessesOutput() {
    byte[] text = "a\nb".getBytes(StandardCharsets.US_ASCII);
    assertEquals(3, tty.write(text, 0, 3, false));
    assertEquals("a\r\nb", output());
    Termios t = tty.termios();
    t.setOflag(0);
    tty.setTermios(t);
    tty.write(text, 0, 3, false);
    assertEquals("a\nb", output());
  }

  @Test
  void stopAndStartHoldOutput() {
    type("\u0013");
    tty.write(new byte[] {'z'}, 0, 1, false);
    assertEquals("", output());
    type("\u0011");
    assertEquals("z", output());
  }

  @Test
  void termiosRoundTripsThroughIoctls() {
    TestSpace t = new TestSpace();
    t.space.map(BUF, MemoryLayout.PAGE_SIZE, Prot.RW, Vma.Kind.ANONYMOUS);
    assertEquals(0, tty.ioctl(TtyIoctls.TCGETS, BUF, t.user));
    assertEquals(TermiosDescriptor.ICRNL | TermiosDescriptor.IXON, t.user.read32(BUF));
    assertEquals(05, t.user.read32(BUF + TermiosDescriptor.OFLAG));
    assertEquals(0x8a3b, t.user.read32(BUF + TermiosDescriptor.LFLAG));
    assertEquals(0x7f, t.user.read(BUF + TermiosDescriptor.CC + TermiosDescriptor.VERASE, 1)[0]);
    t.user.write32(BUF + TermiosDescriptor.LFLAG, TermiosDescriptor.ISIG);
    assertEquals(0, tty.ioctl(TtyIoctls.TCSETSF, BUF, t.user));
    assertEquals(TermiosDescriptor.ISIG, tty.termios().lflag());
    assertEquals(0, tty.ioctl(TtyIoctls.TCGETS2, BUF + 100, t.user));
    assertEquals(38400, t.user.read32(BUF + 100 + TermiosDescriptor.OSPEED));

    assertEquals(0, tty.ioctl(TtyIoctls.TIOCGWINSZ, BUF, t.user));
    assertEquals(24 | (80 << 16), t.user.read32(BUF));
    t.user.write32(BUF + 200, 11);
    assertEquals(0, tty.ioctl(TtyIoctls.TIOCSPGRP, BUF + 200, t.user));
    assertEquals(0, tty.ioctl(TtyIoctls.TIOCGPGRP, BUF + 204, t.user));
    assertEquals(11, t.user.read32(BUF + 204));
    t.user.write32(BUF, 50 | (132 << 16));
    assertEquals(0, tty.ioctl(TtyIoctls.TIOCSWINSZ, BUF, t.user));
    assertArrayEquals(new int[] {11, Signals.SIGWINCH}, signals.get(0));
    assertEquals(132, tty.cols());

    type("abc");
    assertEquals(0, tty.ioctl(TtyIoctls.FIONREAD, BUF, t.user));
    assertEquals(3, t.user.read32(BUF), "raw now: all bytes count");
    assertEquals(-Errno.ENOTTY, tty.ioctl(0x5499, BUF, t.user));
    assertEquals(-Errno.EFAULT, tty.ioctl(TtyIoctls.TCGETS, 8, t.user));
    assertEquals(-Errno.EINVAL, tty.ioctl(TtyIoctls.TCFLSH, 7, t.user));
    assertEquals(0x501, tty.rdev());
  }
}
