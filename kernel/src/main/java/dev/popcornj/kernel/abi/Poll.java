package dev.popcornj.kernel.abi;

/**
 * The readiness bits of poll(2) and select(2) (asm-generic/poll.h, which riscv64 uses, and
 * linux/poll.h): what a file reports as ready, what pollfd.events asks for and revents returns, and
 * how select's three sets read them.
 */
public final class Poll {
  public static final int POLLIN = 0x0001;
  public static final int POLLPRI = 0x0002;
  public static final int POLLOUT = 0x0004;
  public static final int POLLERR = 0x0008;
  public static final int POLLHUP = 0x0010;
  public static final int POLLNVAL = 0x0020;
  public static final int POLLRDNORM = 0x0040;
  public static final int POLLRDBAND = 0x0080;
  public static final int POLLWRNORM = 0x0100;
  public static final int POLLWRBAND = 0x0200;
  public static final int POLLMSG = 0x0400;
  public static final int POLLRDHUP = 0x2000;

  /**
   * DEFAULT_POLLMASK: what vfs_poll reports for a file whose driver has no poll operation (regular
   * files, directories, /dev/null, most of /proc): always readable and writable.
   */
  public static final int DEFAULT_MASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;

  /**
   * Bits that make a descriptor of select's read set ready (fs/select.c POLLIN_SET). POLLNVAL is
   * among them since Linux 6.x, so a descriptor that cannot be polled is reported, not ignored.
   */
  public static final int SELECT_IN_SET =
      POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR | POLLNVAL;

  /** Bits that make a descriptor of select's write set ready (POLLOUT_SET). */
  public static final int SELECT_OUT_SET = POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR | POLLNVAL;

  /** Bits that make a descriptor of select's exception set ready (POLLEX_SET). */
  public static final int SELECT_EX_SET = POLLPRI | POLLNVAL;

  private Poll() {}
}
