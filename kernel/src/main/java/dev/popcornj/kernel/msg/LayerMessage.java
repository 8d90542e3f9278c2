package dev.popcornj.kernel.msg;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The messaging layer's own messages: check-in, subscriptions, ping and the error reply. Each
 * record has a type number below {@link KernelMessage#FIRST_SERVICE_TYPE} and one fixed
 * little-endian wire layout, written beside it as offset:type name. Services bring their own
 * families, registered in a {@link MessageRegistry}.
 */
public sealed interface LayerMessage extends KernelMessage {
  int CHECK_IN = 1;
  int CHECK_IN_ACK = 2;
  int SUBSCRIBE = 3;
  int UNSUBSCRIBE = 4;
  int PING = 5;
  int PONG = 6;
  int ERROR_REPLY = 7;
  int TOPIC_EVENT = 8;

  /**
   * The layer message a payload of the given type holds; null if type is not the layer's. Throws
   * {@link BufferUnderflowException} when the bytes are too short for its layout.
   */
  static LayerMessage decode(int type, ByteBuffer b) {
    LayerMessage m =
        switch (type) {
          case CHECK_IN -> new CheckIn(identity(b));
          case CHECK_IN_ACK -> new CheckInAck(identity(b));
          case SUBSCRIBE -> new Subscribe(b.getInt());
          case UNSUBSCRIBE -> new Unsubscribe(b.getInt());
          case PING -> new Ping(b.getLong());
          case PONG -> new Pong(b.getLong());
          case ERROR_REPLY -> new ErrorReply(b.getInt());
          case TOPIC_EVENT -> new TopicEvent(b.getInt(), b.getLong());
          default -> null;
        };
    return m;
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
  record CheckIn(KernelIdentity who) implements LayerMessage {
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
  record CheckInAck(KernelIdentity who) implements LayerMessage {
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
  record Subscribe(int topic) implements LayerMessage {
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
  record Unsubscribe(int topic) implements LayerMessage {
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
  record Ping(long value) implements LayerMessage {
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
  record Pong(long value) implements LayerMessage {
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
  record ErrorReply(int errno) implements LayerMessage {
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
  record TopicEvent(int topic, long value) implements LayerMessage {
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
}
