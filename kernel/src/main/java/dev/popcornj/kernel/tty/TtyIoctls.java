package dev.popcornj.kernel.tty;

/**
 * The terminal ioctl request numbers of riscv64 (asm-generic/ioctls.h) and the arguments of TCFLSH
 * and TCXONC (termbits-common.h), with struct winsize's layout:
 *
 * <pre>
 *   0 +------------+------------+---------------+---------------+ 8
 *     | ws_row u16 | ws_col u16 | ws_xpixel u16 | ws_ypixel u16 |
 *     +------------+------------+---------------+---------------+
 * </pre>
 */
public final class TtyIoctls {
  public static final int TCGETS = 0x5401;
  public static final int TCSETS = 0x5402;
  public static final int TCSETSW = 0x5403;
  public static final int TCSETSF = 0x5404;
  public static final int TCSBRK = 0x5409;
  public static final int TCXONC = 0x540A;
  public static final int TCFLSH = 0x540B;
  public static final int TIOCEXCL = 0x540C;
  public static final int TIOCNXCL = 0x540D;
  public static final int TIOCSCTTY = 0x540E;
  public static final int TIOCGPGRP = 0x540F;
  public static final int TIOCSPGRP = 0x5410;
  public static final int TIOCOUTQ = 0x5411;
  public static final int TIOCGWINSZ = 0x5413;
  public static final int TIOCSWINSZ = 0x5414;
  public static final int FIONREAD = 0x541B;
  public static final int TIOCNOTTY = 0x5422;
  public static final int TIOCSETD = 0x5423;
  public static final int TIOCGETD = 0x5424;
  public static final int TCSBRKP = 0x5425;
  public static final int TIOCGSID = 0x5429;

  /** The pseudo-terminal master's requests (asm-generic/ioctls.h). */
  public static final int TIOCGPTN = 0x80045430;

  public static final int TIOCSPTLCK = 0x40045431;
  public static final int TIOCGPTLCK = 0x80045439;
  public static final int TIOCPKT = 0x5420;
  public static final int TIOCGPKT = 0x80045438;
  public static final int TIOCGPTPEER = 0x5441;

  /** _IOR('T', 0x2A, struct termios2) and the _IOW setters that follow it. */
  public static final int TCGETS2 = 0x802C542A;

  public static final int TCSETS2 = 0x402C542B;
  public static final int TCSETSW2 = 0x402C542C;
  public static final int TCSETSF2 = 0x402C542D;

  public static final int TCIFLUSH = 0;
  public static final int TCOFLUSH = 1;
  public static final int TCIOFLUSH = 2;

  public static final int TCOOFF = 0;
  public static final int TCOON = 1;
  public static final int TCIOFF = 2;
  public static final int TCION = 3;

  public static final int WS_ROW = 0;
  public static final int WS_COL = 2;
  public static final int WS_XPIXEL = 4;
  public static final int WS_YPIXEL = 6;
  public static final int WINSIZE_LENGTH = 8;

  private TtyIoctls() {}
}
