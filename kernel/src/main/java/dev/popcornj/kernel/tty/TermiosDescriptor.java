package dev.popcornj.kernel.tty;

/**
 * Layout of the kernel's struct termios on riscv64 (asm-generic/termbits.h), 36 bytes, which TCGETS
 * and TCSETS copy, and of struct termios2, 44 bytes, which TCGETS2 and TCSETS2 copy; with the flag
 * bits and c_cc indices the line discipline reads (asm-generic/termbits-common.h, termbits.h; octal
 * there, octal here).
 *
 * <pre>
 *   0 +-----------+-----------+-----------+-----------+
 *     | c_iflag   | c_oflag   | c_cflag   | c_lflag   |  u32 each
 *  16 +-------+---+-----------+-----------+-----------+--------+
 *     |c_line | c_cc[19] u8 ...                                |
 *  36 +-------+---------------------------------------+--------+
 *     | c_ispeed u32 | c_ospeed u32 |    (termios2 only)
 *  44 +--------------+--------------+
 * </pre>
 */
public final class TermiosDescriptor {
  public static final int IFLAG = 0;
  public static final int OFLAG = 4;
  public static final int CFLAG = 8;
  public static final int LFLAG = 12;
  public static final int LINE = 16;
  public static final int CC = 17;
  public static final int NCCS = 19;
  public static final int LENGTH = 36;
  public static final int ISPEED = 36;
  public static final int OSPEED = 40;
  public static final int LENGTH2 = 44;

  // c_cc indices.
  public static final int VINTR = 0;
  public static final int VQUIT = 1;
  public static final int VERASE = 2;
  public static final int VKILL = 3;
  public static final int VEOF = 4;
  public static final int VTIME = 5;
  public static final int VMIN = 6;
  public static final int VSWTC = 7;
  public static final int VSTART = 8;
  public static final int VSTOP = 9;
  public static final int VSUSP = 10;
  public static final int VEOL = 11;
  public static final int VREPRINT = 12;
  public static final int VDISCARD = 13;
  public static final int VWERASE = 14;
  public static final int VLNEXT = 15;
  public static final int VEOL2 = 16;

  // c_iflag
  public static final int IGNBRK = 01;
  public static final int BRKINT = 02;
  public static final int IGNPAR = 04;
  public static final int PARMRK = 010;
  public static final int INPCK = 020;
  public static final int ISTRIP = 040;
  public static final int INLCR = 0100;
  public static final int IGNCR = 0200;
  public static final int ICRNL = 0400;
  public static final int IUCLC = 01000;
  public static final int IXON = 02000;
  public static final int IXANY = 04000;
  public static final int IXOFF = 010000;
  public static final int IMAXBEL = 020000;
  public static final int IUTF8 = 040000;

  // c_oflag
  public static final int OPOST = 01;
  public static final int OLCUC = 02;
  public static final int ONLCR = 04;
  public static final int OCRNL = 010;
  public static final int ONOCR = 020;
  public static final int ONLRET = 040;
  public static final int TABDLY = 014000;
  public static final int XTABS = 014000;

  // c_cflag
  public static final int CBAUD = 010017;
  public static final int B0 = 0;
  public static final int B38400 = 017;
  public static final int BOTHER = 010000;
  public static final int CSIZE = 060;
  public static final int CS8 = 060;
  public static final int CSTOPB = 0100;
  public static final int CREAD = 0200;
  public static final int PARENB = 0400;
  public static final int PARODD = 01000;
  public static final int HUPCL = 02000;
  public static final int CLOCAL = 04000;
  public static final int CIBAUD = CBAUD << 16;

  // c_lflag
  public static final int ISIG = 01;
  public static final int ICANON = 02;
  public static final int XCASE = 04;
  public static final int ECHO = 010;
  public static final int ECHOE = 020;
  public static final int ECHOK = 040;
  public static final int ECHONL = 0100;
  public static final int NOFLSH = 0200;
  public static final int TOSTOP = 0400;
  public static final int ECHOCTL = 01000;
  public static final int ECHOPRT = 02000;
  public static final int ECHOKE = 04000;
  public static final int FLUSHO = 010000;
  public static final int PENDIN = 040000;
  public static final int IEXTEN = 0100000;
  public static final int EXTPROC = 0200000;

  /** The line discipline number of N_TTY, the only one this kernel has. */
  public static final int N_TTY = 0;

  private TermiosDescriptor() {}
}
