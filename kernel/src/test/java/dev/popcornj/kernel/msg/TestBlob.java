package dev.popcornj.kernel.msg;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Opaque bytes with a tag, the message the messaging tests carry (of any size, so that chunking and
 * reassembly are exercised). Layout: 0:u32 tag, 4:u32 length, 8:bytes.
 */
public record TestBlob(int tag, byte[] data) implements KernelMessage {
  public static final int BLOB = 100;

  public static final MessageType<TestBlob> TYPE =
      new MessageType<>(
          BLOB,
          "test.blob",
          TestBlob.class,
          b -> {
            int tag = b.getInt();
            int len = b.getInt();
            if (len < 0 || len != b.remaining()) {
              throw new IllegalArgumentException("length " + len);
            }
            byte[] data = new byte[len];
            b.get(data);
            return new TestBlob(tag, data);
          });

  public TestBlob {
    data = data.clone();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public int type() {
    return BLOB;
  }

  @Override
  public int wireSize() {
    return 8 + data.length;
  }

  @Override
  public void write(ByteBuffer b) {
    b.putInt(tag).putInt(data.length).put(data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TestBlob other && tag == other.tag && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return 31 * tag + Arrays.hashCode(data);
  }
}
