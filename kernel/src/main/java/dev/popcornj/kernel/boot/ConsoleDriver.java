package dev.popcornj.kernel.boot;

import dev.popcornj.kernel.fs.DevFs;
import dev.popcornj.kernel.sched.Scheduler;
import dev.popcornj.kernel.sched.WaitQueue;
import dev.popcornj.kernel.services.vtty.VttyService;
import dev.popcornj.kernel.tty.Tty;
import dev.popcornj.kernel.tty.TtyHost;
import dev.popcornj.machine.dev.Uart;
import dev.popcornj.machine.sim.EventTime;

/**
 * The 8250/16550 console driver: the machine's first UART as the kernel's terminal. Received bytes
 * are taken from the UART in its interrupt handler and given to the line discipline; what the
 * terminal writes goes out through the UART's transmit register. /dev/console and /dev/tty are this
 * terminal.
 *
 * <p>Owned by one kernel instance.
 */
public final class ConsoleDriver {
  private final Uart uart;
  private final EventTime sim;
  private VttyService vttys;
  private final Tty tty;
  private boolean escape;
  private int switchedTo;
  private boolean muted;
  private final java.io.ByteArrayOutputStream pendingInput = new java.io.ByteArrayOutputStream();
  private boolean retryArmed;

  private ConsoleDriver(Uart uart, TtyHost host, Scheduler scheduler, EventTime sim) {
    this.uart = uart;
    this.sim = sim;
    this.tty =
        new Tty(
            (b, off, len) -> {
              if (muted) {
                return;
              }
              for (int i = 0; i < len; i++) {
                uart.writeRegister(Uart.RBR_THR, b[off + i] & 0xff);
              }
            },
            host,
            new WaitQueue(scheduler));
  }

  /**
   * Takes the machine's console UART, registers /dev/console and /dev/tty, and enables its receive
   * interrupt on this kernel's harts.
   *
   * @param host where the terminal's ^C, ^\\ and ^Z go
   * @param shown popcorn_console=N: the console shows kernel N from the start and the primary stays
   *     quiet (how `popcorn run --on N` gives the host only the program's streams)
   */
  static ConsoleDriver attach(
      Uart uart, TtyHost host, Scheduler scheduler, EventTime sim, DevFs devfs, int shown) {
    ConsoleDriver d = new ConsoleDriver(uart, host, scheduler, sim);
    devfs.registerCharDevice("console", d.tty);
    devfs.registerCharDevice("tty", d.tty);
    d.tty.setForegroundProcessGroup(1);
    d.tty.setSession(1);
    if (shown != 0) {
      d.switchedTo = shown;
      d.muted = true;
    }
    uart.writeRegister(Uart.IER, Uart.IER_RX);
    return d;
  }

  /** The other kernels' consoles, which Ctrl-A N switches to; none until the service starts. */
  void setVttys(VttyService v) {
    vttys = v;
  }

  /**
   * The receive interrupt: every byte the UART holds goes to the line discipline, or, while the
   * console is switched to another kernel (Ctrl-A then its number; Ctrl-A 0 comes back), to that
   * kernel's virtual TTY.
   */
  void onInterrupt() {
    while ((uart.readRegister(Uart.LSR) & Uart.LSR_DR) != 0) {
      byte b = (byte) uart.readRegister(Uart.RBR_THR);
      if (escape) {
        escape = false;
        if (b >= '0' && b <= '9' && vttys != null) {
          switchTo(b - '0');
          continue;
        }
        if (b != 1) {
          deliver((byte) 1);
        }
      } else if (b == 1 && vttys != null) {
        escape = true;
        continue;
      }
      deliver(b);
    }
  }

  private void deliver(byte b) {
    if (switchedTo == 0) {
      tty.receive(b);
      return;
    }
    pendingInput.write(b);
    sendPending();
  }

  /**
   * Sends typed input to the kernel the console shows; what cannot go yet (that kernel is still
   * booting, or its ring is full) is kept and tried again a millisecond of virtual time later.
   */
  private void sendPending() {
    if (pendingInput.size() == 0 || retryArmed) {
      return;
    }
    if (vttys != null && vttys.sendInput(switchedTo, pendingInput.toByteArray())) {
      pendingInput.reset();
      return;
    }
    retryArmed = true;
    sim.events()
        .schedule(
            sim.now() + 1_000_000_000L,
            at -> {
              retryArmed = false;
              sendPending();
            });
  }

  private void switchTo(int k) {
    switchedTo = k;
    String note = k == 0 ? "\r\n[console: kernel 0]\r\n" : "\r\n[console: kernel " + k + "]\r\n";
    for (byte c : note.getBytes(java.nio.charset.StandardCharsets.US_ASCII)) {
      uart.writeRegister(Uart.RBR_THR, c & 0xff);
    }
    if (k != 0) {
      onVttyOutput(k);
    }
  }

  /** Output of kernel k's console arrived: shown here while the console is switched to k. */
  void onVttyOutput(int k) {
    if (k == switchedTo && k != 0 && vttys != null) {
      for (byte c : vttys.takeOutput(k, Integer.MAX_VALUE)) {
        uart.writeRegister(Uart.RBR_THR, c & 0xff);
      }
    }
  }

  public Tty tty() {
    return tty;
  }

  /** True when a task waits in a read of the terminal and no typed input is buffered. */
  public boolean waitingForInput() {
    return tty.hasReaders() && tty.bufferedInput() == 0 && uart.pendingInput() == 0;
  }

  String describe() {
    return uart.id() + " (16550A)";
  }
}
