package dev.popcornj.kernel.msg;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * The typed messages kernels exchange. Each record has a type number and one fixed little-endian
 * wire layout, written beside it as offset:type name. Types below {@link #FIRST_SERVICE_TYPE}
 * belong to the messaging layer itself; each Popcorn service adds its records here with numbers
 * from there on.
 */
public sealed interface KernelMessage {
  int CHECK_IN = 1;
  int CHECK_IN_ACK = 2;
  int SUBSCRIBE = 3;
  int UNSUBSCRIBE = 4;
  int PING = 5;
  int PONG = 6;
  int ERROR_REPLY = 7;
  int TOPIC_EVENT = 8;
  int BLOB = 9;

  int FIRST_SERVICE_TYPE = 16;

  /** Type number on the wire. */
  int type();

  /** The payload bytes of this message. */
  default byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(wireSize()).order(ByteOrder.LITTLE_ENDIAN);
    write(b);
    return b.array();
  }

  int wireSize();

  void write(ByteBuffer b);

  /**
   * The message a payload of the given type holds, or empty if the type is unknown or the bytes do
   * not match its layout (a peer can never make this throw).
   */
  static Optional<KernelMessage> decode(int type, byte[] payload) {
    ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    try {
      KernelMessage m =
          switch (type) {
            case CHECK_IN -> new CheckIn(identity(b));
            case CHECK_IN_ACK -> new CheckInAck(identity(b));
            case SUBSCRIBE -> new Subscribe(b.getInt());
            case UNSUBSCRIBE -> new Unsubscribe(b.getInt());
            case PING -> new Ping(b.getLong());
            case PONG -> new Pong(b.getLong());
            case ERROR_REPLY -> new ErrorReply(b.getInt());
            case TOPIC_EVENT -> new TopicEvent(b.getInt(), b.getLong());
            case BLOB -> {
              int tag = b.getInt();
              int len = b.getInt();
              if (len < 0 || len != b.remaining()) {
                yield null;
              }
              byte[] data = new byte[len];
              b.get(data);
              yield new Blob(tag, data);
            }
            default -> null;
          };
      if (m == null || b.hasRemaining()) {
        return Optional.empty();
      }
      return Optional.of(m);
    } catch (BufferUnderflowException e) {
      return Optional.empty();
    }
  }

  private static KernelIdentity identity(ByteBuffer b) {
    int id = b.getInt();
    int hart = b.getInt();
    return new KernelIdentity(id, hart, b.getLong(), b.getLong());
  }

  private static void identity(ByteBuffer b, KernelIdentity k) {
    b.putInt(k.kernelId()).putInt(k.firstHart()).putLong(k.partitionBase());
    b.putLong(k.partitionSize());
  }

  /** 0:u32 kernel id, 4:u32 first hart, 8:u64 partition base, 16:u64 partition size. */
  record CheckIn(KernelIdentity who) implements KernelMessage {
    public int type() {
      return CHECK_IN;
    }

    public int wireSize() {
      return 24;
    }

    public void write(ByteBuffer b) {
      identity(b, who);
    }
  }

  /** The reply to a {@link CheckIn}; same layout. */
  record CheckInAck(KernelIdentity who) implements KernelMessage {
    public int type() {
      return CHECK_IN_ACK;
    }

    public int wireSize() {
      return 24;
    }

    public void write(ByteBuffer b) {
      identity(b, who);
    }
  }

  /** 0:u32 topic. Sent to a publisher: send me the notifications of this topic. */
  record Subscribe(int topic) implements KernelMessage {
    public int type() {
      return SUBSCRIBE;
    }

    public int wireSize() {
      return 4;
    }

    public void write(ByteBuffer b) {
      b.putInt(topic);
    }
  }

  /** 0:u32 topic. */
  record Unsubscribe(int topic) implements KernelMessage {
    public int type() {
      return UNSUBSCRIBE;
    }

    public int wireSize() {
      return 4;
    }

    public void write(ByteBuffer b) {
      b.putInt(topic);
    }
  }

  /** 0:u64 value. Answered by every kernel with a {@link Pong} of the same value. */
  record Ping(long value) implements KernelMessage {
    public int type() {
      return PING;
    }

    public int wireSize() {
      return 8;
    }

    public void write(ByteBuffer b) {
      b.putLong(value);
    }
  }

  /** 0:u64 value. */
  record Pong(long value) implements KernelMessage {
    public int type() {
      return PONG;
    }

    public int wireSize() {
      return 8;
    }

    public void write(ByteBuffer b) {
      b.putLong(value);
    }
  }

  /** 0:u32 errno (positive, Linux numbering). A request failed at the remote kernel. */
  record ErrorReply(int errno) implements KernelMessage {
    public int type() {
      return ERROR_REPLY;
    }

    public int wireSize() {
      return 4;
    }

    public void write(ByteBuffer b) {
      b.putInt(errno);
    }
  }

  /** 0:u32 topic, 4:u64 value. A small notification. */
  record TopicEvent(int topic, long value) implements KernelMessage {
    public int type() {
      return TOPIC_EVENT;
    }

    public int wireSize() {
      return 12;
    }

    public void write(ByteBuffer b) {
      b.putInt(topic).putLong(value);
    }
  }

  /** 0:u32 tag, 4:u32 length, 8:bytes. Opaque bytes, such as a page or a file block. */
  record Blob(int tag, byte[] data) implements KernelMessage {
    public Blob {
      data = data.clone();
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    public int type() {
      return BLOB;
    }

    public int wireSize() {
      return 8 + data.length;
    }

    public void write(ByteBuffer b) {
      b.putInt(tag).putInt(data.length).put(data);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Blob other && tag == other.tag && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
      return 31 * tag + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "Blob[tag=" + tag + ", " + data.length + " bytes]";
    }
  }
}
