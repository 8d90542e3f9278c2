package dev.popcornj.kernel.tty;

import static dev.popcornj.kernel.tty.TermiosDescriptor.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The settings of a terminal (struct termios): input, output, control and local mode flags, the
 * line discipline and the special characters, plus the line speeds termios2 reports. Mutable; a
 * {@link Tty} hands out copies.
 */
public final class Termios {
  private static final List<Integer> SPEEDS =
      List.of(0, 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400);
  private static final List<Integer> EXTENDED_SPEEDS =
      List.of(
          0, 57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000,
          2000000, 2500000, 3000000, 3500000, 4000000);

  private int iflag;
  private int oflag;
  private int cflag;
  private int lflag;
  private int line;
  private final byte[] cc = new byte[NCCS];
  private int ispeed;
  private int ospeed;

  /** A console as Linux sets one up (tty_std_termios): cooked, echoing, ^C interrupts. */
  public static Termios linuxDefault() {
    Termios t = new Termios();
    t.iflag = ICRNL | IXON;
    t.oflag = OPOST | ONLCR;
    t.cflag = B38400 | CS8 | CREAD | HUPCL;
    t.lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
    t.line = N_TTY;
    byte[] chars = {3, 034, 0177, 025, 4, 0, 1, 0, 021, 023, 032, 0, 022, 017, 027, 026, 0};
    System.arraycopy(chars, 0, t.cc, 0, chars.length);
    t.ispeed = 38400;
    t.ospeed = 38400;
    return t;
  }

  public Termios copy() {
    Termios t = new Termios();
    t.iflag = iflag;
    t.oflag = oflag;
    t.cflag = cflag;
    t.lflag = lflag;
    t.line = line;
    System.arraycopy(cc, 0, t.cc, 0, NCCS);
    t.ispeed = ispeed;
    t.ospeed = ospeed;
    return t;
  }

  public int iflag() {
    return iflag;
  }

  public int oflag() {
    return oflag;
  }

  public int cflag() {
    return cflag;
  }

  public int lflag() {
    return lflag;
  }

  public int line() {
    return line;
  }

  public int ispeed() {
    return ispeed;
  }

  public int ospeed() {
    return ospeed;
  }

  public void setIflag(int v) {
    iflag = v;
  }

  public void setOflag(int v) {
    oflag = v;
  }

  public void setCflag(int v) {
    cflag = v;
    ospeed = speedOf(v & CBAUD, ospeed);
    int inputCode = (v & CIBAUD) >>> 16;
    ispeed = inputCode == 0 ? ospeed : speedOf(inputCode, ispeed);
  }

  public void setLflag(int v) {
    lflag = v;
  }

  /** Special character index (VINTR, VMIN...) as an unsigned value. */
  public int cc(int index) {
    return cc[index] & 0xff;
  }

  public void setCc(int index, int value) {
    cc[index] = (byte) value;
  }

  /**
   * True when c is the special character at index; a character set to 0 (_POSIX_VDISABLE) is
   * disabled and matches nothing.
   */
  public boolean isChar(int index, int c) {
    return cc[index] != 0 && cc(index) == c;
  }

  public boolean iflag(int bits) {
    return (iflag & bits) != 0;
  }

  public boolean oflag(int bits) {
    return (oflag & bits) != 0;
  }

  public boolean lflag(int bits) {
    return (lflag & bits) != 0;
  }

  /** struct termios, 36 bytes. */
  public byte[] encode() {
    return buffer(LENGTH).array();
  }

  /** struct termios2, 44 bytes. */
  public byte[] encode2() {
    return buffer(LENGTH2).putInt(ISPEED, ispeed).putInt(OSPEED, ospeed).array();
  }

  private ByteBuffer buffer(int length) {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(IFLAG, iflag).putInt(OFLAG, oflag).putInt(CFLAG, cflag).putInt(LFLAG, lflag);
    b.put(LINE, (byte) line).put(CC, cc);
    return b;
  }

  /**
   * Settings from a struct termios (36 bytes) or termios2 (44 bytes) a program wrote. Speeds come
   * from the baud bits of c_cflag, or from c_ispeed/c_ospeed when those say BOTHER.
   */
  public static Termios decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    Termios t = new Termios();
    t.iflag = b.getInt(IFLAG);
    t.oflag = b.getInt(OFLAG);
    t.lflag = b.getInt(LFLAG);
    t.line = bytes[LINE] & 0xff;
    b.get(CC, t.cc);
    if (bytes.length >= LENGTH2) {
      t.ospeed = b.getInt(OSPEED);
      t.ispeed = b.getInt(ISPEED);
    }
    t.setCflag(b.getInt(CFLAG));
    return t;
  }

  /** The speed a baud code means; BOTHER keeps the explicit one. */
  private static int speedOf(int code, int explicit) {
    if (code == BOTHER) {
      return explicit;
    }
    return (code & BOTHER) != 0 ? EXTENDED_SPEEDS.get(code & 017) : SPEEDS.get(code & 017);
  }
}
