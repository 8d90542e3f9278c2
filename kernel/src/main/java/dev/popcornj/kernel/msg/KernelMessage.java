package dev.popcornj.kernel.msg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A typed message between kernels: a type number and one fixed little-endian wire layout. The
 * messaging layer's own messages are {@link LayerMessage}s (types below {@link
 * #FIRST_SERVICE_TYPE}); each Popcorn service owns a sealed family of its own, registered with its
 * decoder under numbers the service reserves ({@link MessageRegistry}).
 */
public interface KernelMessage {
  /** The first type number a service may reserve; those below belong to the layer. */
  int FIRST_SERVICE_TYPE = 16;

  /** The greatest type number: the slot header holds the type in 16 bits. */
  int MAX_TYPE = 0xffff;

  /** Type number on the wire. */
  int type();

  /** Bytes {@link #write} puts. */
  int wireSize();

  void write(ByteBuffer b);

  /** The payload bytes of this message. */
  default byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(wireSize()).order(ByteOrder.LITTLE_ENDIAN);
    write(b);
    return b.array();
  }
}
