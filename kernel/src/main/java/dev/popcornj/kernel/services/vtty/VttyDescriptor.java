package dev.popcornj.kernel.services.vtty;

import java.nio.ByteBuffer;

/**
 * Wire layout of the virtual TTY messages ({@link VttyMessage}), little-endian:
 *
 * <pre>
 *   0                   4                              4 + length
 *   +-------------------+------------------------------+
 *   | length u32        | bytes u8[length]             |
 *   +-------------------+------------------------------+
 * </pre>
 *
 * The length must be what the payload holds after it, and at most {@link #MAX_LENGTH}.
 */
final class VttyDescriptor {
  static final int LENGTH = 0;
  static final int BYTES = 4;

  /** The most one message carries; a console's writes go in several when longer. */
  static final int MAX_LENGTH = 64 * 1024;

  private VttyDescriptor() {}

  static int wireSize(int length) {
    return BYTES + length;
  }

  static void write(ByteBuffer b, byte[] data) {
    b.putInt(data.length).put(data);
  }

  /**
   * @throws IllegalArgumentException when the length field disagrees with the payload
   */
  static byte[] read(ByteBuffer b) {
    int len = b.getInt();
    if (len < 0 || len > MAX_LENGTH || len != b.remaining()) {
      throw new IllegalArgumentException(
          "vtty length " + len + " with " + b.remaining() + " bytes");
    }
    byte[] data = new byte[len];
    b.get(data);
    return data;
  }
}
