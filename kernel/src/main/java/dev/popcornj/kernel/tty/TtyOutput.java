package dev.popcornj.kernel.tty;

/** Where a terminal's output goes after line discipline processing: the UART, a virtual TTY. */
@FunctionalInterface
public interface TtyOutput {
  /** Takes b[off..off+len); never blocks, the terminal does not hold on to b. */
  void write(byte[] b, int off, int len);

  /**
   * Bytes write may be given now without losing any: a pseudo-terminal's master holds a limited
   * amount; the UART and a virtual TTY take everything.
   */
  default int room() {
    return Integer.MAX_VALUE;
  }
}
