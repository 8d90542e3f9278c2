package dev.popcornj.kernel.services.vtty;

import dev.popcornj.kernel.fs.DevFs;
import dev.popcornj.kernel.sched.Scheduler;
import dev.popcornj.kernel.sched.WaitQueue;
import dev.popcornj.kernel.tty.Tty;
import dev.popcornj.kernel.tty.TtyHost;
import java.io.ByteArrayOutputStream;

/**
 * A secondary kernel's console: a terminal with the full line discipline whose other end is not a
 * UART but the primary kernel, reached over the messaging layer (Popcorn's virtual TTYs). What the
 * terminal writes waits in {@link #takeOutput()} for the messaging layer to carry; what arrives
 * from the primary goes in through {@link #receive}.
 *
 * <p>Owned by one kernel instance.
 */
public final class VirtualConsole {
  private final Tty tty;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private Runnable onOutput = () -> {};

  /**
   * @param host where the terminal's ^C, ^\ and ^Z go
   * @param plain a program's own streams (`popcorn run --on`): no echo, no CR before LF
   */
  public VirtualConsole(TtyHost host, Scheduler scheduler, DevFs devfs, boolean plain) {
    this.tty =
        new Tty(
            (b, off, len) -> {
              output.write(b, off, len);
              onOutput.run();
            },
            host,
            new WaitQueue(scheduler));
    tty.setForegroundProcessGroup(1);
    tty.setSession(1);
    if (plain) {
      var t = tty.termios();
      t.setLflag(t.lflag() & ~dev.popcornj.kernel.tty.TermiosDescriptor.ECHO);
      t.setOflag(t.oflag() & ~dev.popcornj.kernel.tty.TermiosDescriptor.OPOST);
      tty.setTermios(t);
    }
    devfs.registerCharDevice("console", tty);
    devfs.registerCharDevice("tty", tty);
  }

  /** Called whenever the terminal wrote something (the messaging layer sends it on). */
  public void setOnOutput(Runnable r) {
    onOutput = r;
  }

  /** Bytes the terminal wrote since the last call. */
  public byte[] takeOutput() {
    byte[] b = output.toByteArray();
    output.reset();
    return b;
  }

  /** Input typed on the primary for this console. */
  public void receive(byte[] bytes) {
    for (byte b : bytes) {
      tty.receive(b);
    }
  }

  public Tty tty() {
    return tty;
  }
}
