package dev.popcornj.kernel.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A PopcornJ kernel image as a file in /boot: a 64-byte header the loader checks. PopcornJ's
 * kernels are Java code, so the header is the whole image; its kind chooses what the loaded kernel
 * starts (a full kernel: every driver and service; a light one: scheduler, memory, messaging,
 * console).
 *
 * <pre>
 *   0  magic     "PJKIMG\0\1"
 *   8  kind      u32   1 = full, 2 = light
 *  12  version   u32   1
 *  16  header    u32   64
 *  20  reserved  u32   0
 *  24  name      char[32], NUL padded
 *  56  checksum  u64   FNV-1a 64 of bytes 0..55
 * </pre>
 */
public final class KernelImage {
  public static final int LENGTH = 64;
  public static final int KIND = 8;
  public static final int VERSION = 12;
  public static final int HEADER = 16;
  public static final int NAME = 24;
  public static final int NAME_LENGTH = 32;
  public static final int CHECKSUM = 56;
  private static final long MAGIC = 0x0100_474d_494b_4a50L; // "PJKIMG\0\1" little-endian

  /** What an image boots. */
  public enum Kind {
    FULL(1),
    LIGHT(2);

    final int code;

    Kind(int code) {
      this.code = code;
    }
  }

  private KernelImage() {}

  /** The image file of a kind. */
  public static byte[] build(Kind kind) {
    ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0, MAGIC);
    b.putInt(KIND, kind.code);
    b.putInt(VERSION, 1);
    b.putInt(HEADER, LENGTH);
    byte[] name =
        ("popcorn-" + kind.name().toLowerCase(java.util.Locale.ROOT) + " " + Kernel.RELEASE)
            .getBytes(StandardCharsets.US_ASCII);
    b.put(NAME, name, 0, Math.min(name.length, NAME_LENGTH - 1));
    b.putLong(CHECKSUM, fnv(b.array(), CHECKSUM));
    return b.array();
  }

  /**
   * Checks an image and returns its kind.
   *
   * @throws BootException naming what is wrong with it
   */
  public static Kind check(byte[] image) {
    if (image.length < LENGTH) {
      throw new BootException("kernel image too short (" + image.length + " bytes)");
    }
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getLong(0) != MAGIC) {
      throw new BootException("not a PopcornJ kernel image (bad magic)");
    }
    if (b.getLong(CHECKSUM) != fnv(image, CHECKSUM)) {
      throw new BootException("kernel image checksum mismatch");
    }
    if (b.getInt(VERSION) != 1 || b.getInt(HEADER) != LENGTH) {
      throw new BootException("kernel image version " + b.getInt(VERSION) + " not supported");
    }
    return switch (b.getInt(KIND)) {
      case 1 -> Kind.FULL;
      case 2 -> Kind.LIGHT;
      default -> throw new BootException("kernel image of unknown kind " + b.getInt(KIND));
    };
  }

  static long fnv(byte[] data, int length) {
    long h = 0xcbf2_9ce4_8422_2325L;
    for (int i = 0; i < length; i++) {
      h ^= data[i] & 0xff;
      h *= 0x100_0000_01b3L;
    }
    return h;
  }
}
