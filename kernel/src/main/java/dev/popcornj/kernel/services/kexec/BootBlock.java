package dev.popcornj.kernel.services.kexec;

import dev.popcornj.kernel.param.Param;
import dev.popcornj.kernel.platform.BootException;
import dev.popcornj.machine.mem.MemoryView;

/**
 * The block kexec_load leaves at a secondary kernel's entry address, which the firmware reads when
 * it starts the boot hart there: where the image, the initramfs and the command line were loaded.
 *
 * <pre>
 *   0  magic        "PJBOOT\0\1"
 *   8  image_addr   u64
 *  16  image_len    u64
 *  24  initrd_addr  u64
 *  32  initrd_len   u64
 *  40  cmdline_addr u64
 *  48  cmdline_len  u64   (without a NUL)
 * </pre>
 */
public record BootBlock(
    long imageAddr,
    long imageLen,
    long initrdAddr,
    long initrdLen,
    long cmdlineAddr,
    long cmdlineLen) {
  public static final int LENGTH = 56;
  private static final long MAGIC = 0x0100_544f_4f42_4a50L; // "PJBOOT\0\1" little-endian
  private static final long MAX_CMDLINE = Param.MAX_CMDLINE;

  /**
   * Reads and checks the block at addr.
   *
   * @throws BootException when there is no valid block there
   */
  public static BootBlock read(MemoryView memory, long addr) {
    if (!memory.isGranted(addr, LENGTH)) {
      throw new BootException("boot block at 0x" + Long.toHexString(addr) + " is outside memory");
    }
    byte[] bytes = new byte[LENGTH];
    memory.readBytes(addr, bytes, 0, LENGTH);
    BootBlock b = decode(bytes, addr);
    for (long[] r :
        new long[][] {
          {b.imageAddr, b.imageLen}, {b.initrdAddr, b.initrdLen}, {b.cmdlineAddr, b.cmdlineLen}
        }) {
      if (r[1] > 0 && !memory.isGranted(r[0], r[1])) {
        throw new BootException("boot block points outside memory: 0x" + Long.toHexString(r[0]));
      }
    }
    return b;
  }

  /**
   * The block in the bytes at addr (for messages), checked for its magic and sizes.
   *
   * @throws BootException when they are not a valid boot block
   */
  public static BootBlock decode(byte[] bytes, long addr) {
    java.nio.ByteBuffer buf =
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < LENGTH || buf.getLong(0) != MAGIC) {
      throw new BootException("no boot block at 0x" + Long.toHexString(addr));
    }
    BootBlock b =
        new BootBlock(
            buf.getLong(8),
            buf.getLong(16),
            buf.getLong(24),
            buf.getLong(32),
            buf.getLong(40),
            buf.getLong(48));
    if (b.cmdlineLen < 0 || b.cmdlineLen > MAX_CMDLINE) {
      throw new BootException("boot block command line of " + b.cmdlineLen + " bytes");
    }
    if (b.imageLen < KernelImage.LENGTH || b.imageLen > 1 << 20 || b.initrdLen < 0) {
      throw new BootException("boot block sizes out of range");
    }
    return b;
  }

  /** The block's 56 bytes, as /sbin/kexec writes them at the entry address. */
  public byte[] encode() {
    java.nio.ByteBuffer buf =
        java.nio.ByteBuffer.allocate(LENGTH).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    buf.putLong(MAGIC)
        .putLong(imageAddr)
        .putLong(imageLen)
        .putLong(initrdAddr)
        .putLong(initrdLen)
        .putLong(cmdlineAddr)
        .putLong(cmdlineLen);
    return buf.array();
  }

  public byte[] image(MemoryView memory) {
    return bytes(memory, imageAddr, imageLen);
  }

  public String cmdline(MemoryView memory) {
    return new String(
        bytes(memory, cmdlineAddr, cmdlineLen), java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static byte[] bytes(MemoryView memory, long addr, long len) {
    byte[] b = new byte[(int) len];
    memory.readBytes(addr, b, 0, b.length);
    return b;
  }
}
