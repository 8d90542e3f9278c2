package dev.popcornj.machine.dev;

import dev.popcornj.machine.irq.InterruptController;
import dev.popcornj.machine.sim.Simulation;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;

/**
 * The console UART: the register subset of a 16550 that a console driver needs. Output goes to a
 * host sink at once; input arrives as timestamped host events ({@link #inject}), queues without
 * loss, and raises the UART's interrupt line when the driver has enabled receive interrupts.
 *
 * <pre>
 * offset  read               write
 *   0     RBR receive byte   THR transmit byte
 *   1     IER                IER: bit 0 receive-data interrupt, bit 1 transmit-empty interrupt
 *   2     IIR                FCR (ignored: the FIFO is always on)
 *   3     LCR                LCR
 *   4     MCR                MCR
 *   5     LSR: bit 0 data ready, bit 5 THR empty, bit 6 transmitter empty
 *   7     SCR                SCR
 * </pre>
 */
public final class Uart implements Device {
  public static final int RBR_THR = 0;
  public static final int IER = 1;
  public static final int IIR_FCR = 2;
  public static final int LCR = 3;
  public static final int MCR = 4;
  public static final int LSR = 5;
  public static final int SCR = 7;

  public static final int IER_RX = 1;
  public static final int IER_TX = 2;
  public static final int LSR_DR = 1;
  public static final int LSR_THRE = 0x20;
  public static final int LSR_TEMT = 0x40;
  public static final int IIR_NONE = 0x01;
  public static final int IIR_TX_EMPTY = 0x02;
  public static final int IIR_RX_DATA = 0x04;

  private final String id;
  private final Simulation sim;
  private final InterruptController irq;
  private final int line;
  private final OutputStream host;
  private final ArrayDeque<Byte> rx = new ArrayDeque<>();
  private int ier;
  private int lcr;
  private int mcr;
  private int scr;
  private long bytesOut;
  private long bytesIn;

  public Uart(String id, Simulation sim, InterruptController irq, int line, OutputStream host) {
    this.id = id;
    this.sim = sim;
    this.irq = irq;
    this.line = line;
    this.host = host;
  }

  @Override
  public String id() {
    return id;
  }

  /** Host input: bytes that arrive on the line at virtual time atPs. */
  public void inject(byte[] data, long atPs) {
    byte[] copy = data.clone();
    sim.events()
        .schedule(
            atPs,
            now -> {
              for (byte b : copy) {
                rx.add(b);
              }
              bytesIn += copy.length;
              if ((ier & IER_RX) != 0 && copy.length > 0) {
                irq.raiseLine(line, now);
              }
            });
  }

  public long bytesOut() {
    return bytesOut;
  }

  public long bytesIn() {
    return bytesIn;
  }

  /** Bytes received and not yet read by the driver. */
  public int pendingInput() {
    return rx.size();
  }

  @Override
  public int readRegister(int offset) {
    return switch (offset) {
      case RBR_THR -> rx.isEmpty() ? 0 : rx.poll() & 0xff;
      case IER -> ier;
      case IIR_FCR -> {
        if ((ier & IER_RX) != 0 && !rx.isEmpty()) {
          yield IIR_RX_DATA;
        }
        yield (ier & IER_TX) != 0 ? IIR_TX_EMPTY : IIR_NONE;
      }
      case LCR -> lcr;
      case MCR -> mcr;
      case LSR -> (rx.isEmpty() ? 0 : LSR_DR) | LSR_THRE | LSR_TEMT;
      case SCR -> scr;
      default -> 0;
    };
  }

  @Override
  public void writeRegister(int offset, int value) {
    switch (offset) {
      case RBR_THR -> transmit(value);
      case IER -> {
        int before = ier;
        ier = value & 0x0f;
        if ((before & IER_RX) == 0 && (ier & IER_RX) != 0 && !rx.isEmpty()) {
          irq.raiseLine(line, sim.now());
        }
      }
      case LCR -> lcr = value & 0xff;
      case MCR -> mcr = value & 0xff;
      case SCR -> scr = value & 0xff;
      default -> {}
    }
  }

  private void transmit(int value) {
    bytesOut++;
    try {
      host.write(value & 0xff);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Pushes buffered output to the host. */
  public void flush() {
    try {
      host.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
