package dev.popcornj.kernel.abi;

/**
 * Reads and writes the little-endian integers of the riscv64 ABI structures a system call copies in
 * or out as one byte array (pollfd, sigevent, itimerval, rusage, termios, ...). Unsigned 16-bit
 * reads; the others as Java's signed types.
 */
public final class LittleEndian {
  private LittleEndian() {}

  public static int get16(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
  }

  public static int get32(byte[] b, int at) {
    return get16(b, at) | get16(b, at + 2) << 16;
  }

  public static long get64(byte[] b, int at) {
    return (get32(b, at) & 0xffff_ffffL) | (long) get32(b, at + 4) << 32;
  }

  public static void put16(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
  }

  public static void put32(byte[] b, int at, int v) {
    put16(b, at, v);
    put16(b, at + 2, v >>> 16);
  }

  public static void put64(byte[] b, int at, long v) {
    put32(b, at, (int) v);
    put32(b, at + 4, (int) (v >>> 32));
  }
}
